#include "storage/slice_match.h"

#include <cstddef>
#include <vector>

#include "storage/condition_eval.h"
#include "storage/trace_summary.h"

namespace weft::storage {

std::optional<TraceMatch> MatchTrace(const TraceId& trace_id, std::span<const TraceSlice> slices,
                                     const ConditionTree& filter, const FetchRequest& request,
                                     uint64_t& inspected_spans) {
  const bool everything = MatchesEverything(filter);
  const size_t budget = request.spans_per_trace == 0 ? SIZE_MAX : request.spans_per_trace;
  // The matching span indexes to return, per slice (unused for whole traces).
  std::vector<std::vector<uint32_t>> picks(request.whole_traces ? 0 : slices.size());
  size_t picked = 0;
  uint32_t matched = 0;
  for (size_t s = 0; s < slices.size(); ++s) {
    const SpanBatch& batch = slices[s].batch();
    const auto spans = batch.spans();
    for (const uint32_t index : slices[s].indexes()) {
      ++inspected_spans;
      if (!everything && !SpanMatches(filter, batch, spans[index])) continue;
      ++matched;
      if (!request.whole_traces && picked < budget) {
        picks[s].push_back(index);
        ++picked;
      }
    }
  }
  if (matched == 0) return std::nullopt;

  TraceSummaryBuilder summary(trace_id);
  auto out = std::make_unique<SpanBatch>();
  for (size_t s = 0; s < slices.size(); ++s) {
    const SpanBatch& batch = slices[s].batch();
    const auto indexes = slices[s].indexes();
    for (const uint32_t index : indexes) summary.Add(batch, batch.spans()[index]);
    if (request.whole_traces) {
      out->CopySpansFrom(batch, indexes);
    } else if (!picks[s].empty()) {
      out->CopySpansFrom(batch, picks[s]);
    }
  }
  return TraceMatch{summary.Finish(), matched, std::move(out)};
}

}  // namespace weft::storage
