// The in-memory per-trace step of SpanFetcher::Fetch (memory backend, embedded head): evaluate
// the filter over the spans of one trace (as copied out of an index) and, when any matches, build
// its TraceMatch.
// Thread rule: pure function over immutable batches; call it without holding the store's lock.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "storage/grouped_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage {

// The trace's match, or nullopt when none of its spans matches `filter`. Adds the spans it
// evaluated to `inspected_spans`. REQUIRES: CompileRegexes(filter) succeeded.
std::optional<TraceMatch> MatchTrace(const TraceId& trace_id, std::span<const TraceSlice> slices,
                                     const ConditionTree& filter, const FetchRequest& request,
                                     uint64_t& inspected_spans);

}  // namespace weft::storage
