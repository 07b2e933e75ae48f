// Self time: the part of a span's duration during which none of its children ran, i.e. its
// duration minus the union of its children's intervals clipped to the span. Overlapping children
// count once; time a child spends outside its parent (asynchronous work, clock skew) does not
// reduce the parent's self time.
// Thread rule: pure function.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/span.h"
#include "query/assembly/trace_tree.h"

namespace weft::query {

// Self time of every span of `spans`, in nanoseconds, at the spans' indexes. O(spans) when each
// span's children are in start-time order (as AssembleTrace leaves them), O(spans log spans)
// otherwise. REQUIRES: `tree` was built from `spans`.
std::vector<uint64_t> ComputeSelfTimes(std::span<const Span> spans, const TraceTree& tree);

}  // namespace weft::query
