// Critical path: the chain of work that determined how long a root span took: shorten anything
// on it and the root finishes earlier; shorten anything off it and nothing changes.
//
// The algorithm is Jaeger UI's, run once per root (true roots and orphans alike):
// 1. Sanitize, top-down: each child's interval is clipped to its (already clipped) parent's;
//    a child lying wholly outside its parent (starting at or after the parent's end, or ending at
//    or before its start) is left out, with its whole subtree. All parent/child links count as
//    blocking (OTLP has no "follows from" reference).
// 2. Walk backwards in time from the root's end. At span S with a time limit L (S's end when S is
//    first reached from above; the start of the child just walked when coming back up):
//    - the last finishing child (LFC) is the child with the latest end among S's children; when
//      coming back up, among those ending strictly before L;
//    - if there is an LFC, the section [LFC end, L) belongs to S, and the walk continues into the
//      LFC with its own end as the limit;
//    - if there is none, [S start, L) belongs to S, and the walk returns to S's parent with S's
//      start as the limit (and stops at the root).
//    Sections of zero length are left out. Each span is entered from above at most once and
//    every return consumes a child, so the walk is O(spans) plus sorting each span's children by
//    end; it is a loop, never recursion.
//
// Example: root R [0, 100) with children A [10, 40), B [20, 60) and C [70, 90):
//   R [90, 100), C [70, 90), R [60, 70), B [20, 60), R [0, 20): A overlapped B and was not on it.
//
// Thread rule: pure function.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/span.h"
#include "query/assembly/trace_tree.h"

namespace weft::query {

// One stretch of time a span spent on the critical path, [start, end) in unix nanoseconds.
struct CriticalPathSection {
  uint32_t span = kNoSpan;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;

  friend bool operator==(const CriticalPathSection&, const CriticalPathSection&) = default;
};

struct CriticalPath {
  // Per root in tree.roots order, that root's sections in chronological order.
  std::vector<CriticalPathSection> sections;
  // Per span, at the spans' indexes: the total length of its sections (0 when not on the path).
  std::vector<uint64_t> span_nanos;
};

// REQUIRES: `tree` was built from `spans`.
CriticalPath ComputeCriticalPath(std::span<const Span> spans, const TraceTree& tree);

}  // namespace weft::query
