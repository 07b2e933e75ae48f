#include "query/assembly/self_time.h"

#include <utility>

#include <algorithm>

namespace weft::query {
namespace {

uint64_t EndOf(const Span& span) {
  return std::max(span.start_time_unix_nano, span.end_time_unix_nano);
}

}  // namespace

std::vector<uint64_t> ComputeSelfTimes(std::span<const Span> spans, const TraceTree& tree) {
  std::vector<uint64_t> self(spans.size(), 0);
  std::vector<std::pair<uint64_t, uint64_t>> intervals;  // scratch: children as [start, end)
  for (uint32_t i = 0; i < spans.size(); ++i) {
    const uint64_t start = spans[i].start_time_unix_nano;
    const uint64_t end = EndOf(spans[i]);
    intervals.clear();
    for (const uint32_t c : tree.children(i)) {
      intervals.emplace_back(spans[c].start_time_unix_nano, EndOf(spans[c]));
    }
    if (!std::is_sorted(intervals.begin(), intervals.end())) {
      std::sort(intervals.begin(), intervals.end());
    }
    // Sweep in start order; `covered_to` is the end of the union so far, clipped to the span.
    uint64_t covered = 0;
    uint64_t covered_to = start;
    for (const auto& [child_start, child_end] : intervals) {
      const uint64_t from = std::max(child_start, covered_to);
      const uint64_t to = std::min(child_end, end);
      if (to <= from) continue;
      covered += to - from;
      covered_to = to;
    }
    self[i] = (end - start) - covered;
  }
  return self;
}

}  // namespace weft::query
