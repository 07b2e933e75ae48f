// KeepEarliestSpans and its message (trace_size_cap.h).
#include "api/trace_size_cap.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace weft::api {

size_t KeepEarliestSpans(SpanBatch& batch, size_t max_spans) {
  const size_t total = batch.size();
  if (total <= max_spans) return total;
  std::vector<uint64_t> starts;
  starts.reserve(total);
  for (const Span& span : batch.spans()) starts.push_back(span.start_time_unix_nano);
  const auto cut = starts.begin() + static_cast<std::ptrdiff_t>(max_spans) - 1;
  std::nth_element(starts.begin(), cut, starts.end());
  const uint64_t last_kept_start = *cut;
  // Spans starting before the cut are all kept; those starting at it fill what room is left.
  size_t room_at_cut = max_spans;
  for (const Span& span : batch.spans()) {
    if (span.start_time_unix_nano < last_kept_start) --room_at_cut;
  }
  batch.RemoveSpansIf([&](const Span& span) {
    if (span.start_time_unix_nano < last_kept_start) return false;
    if (span.start_time_unix_nano > last_kept_start || room_at_cut == 0) return true;
    --room_at_cut;
    return false;
  });
  return total;
}

std::string TruncationMessage(size_t total, size_t max_spans) {
  return absl::StrCat("trace has ", total, " spans; the earliest ", max_spans, " are returned");
}

}  // namespace weft::api
