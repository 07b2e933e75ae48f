// Builds a TraceSummary (span_fetcher.h) from a trace's spans, which may be spread over several
// batches: root (a span without parent; the earliest if several, ties by span id), earliest
// start, latest end, span and error counts. Cheap: no allocation until Finish.
// Thread rule: a builder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/ids.h"
#include "model/span_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage {

class TraceSummaryBuilder {
 public:
  explicit TraceSummaryBuilder(const TraceId& trace_id) : trace_id_(trace_id) {}

  // Counts `span`, a span of `batch`. `batch` must outlive the builder's Finish call when the
  // span is (or may become) the root, since the root's names are views into it until then.
  void Add(const SpanBatch& batch, const Span& span);

  bool empty() const { return span_count_ == 0; }

  // The summary of the spans added so far (all zero but the trace id when none were).
  TraceSummary Finish() const;

 private:
  TraceId trace_id_;
  uint64_t start_ = UINT64_MAX;
  uint64_t end_ = 0;
  uint32_t span_count_ = 0;
  uint32_t error_count_ = 0;
  // The root so far: views into its batch.
  bool has_root_ = false;
  uint64_t root_start_ = 0;
  SpanId root_span_id_;
  std::string_view root_service_;
  std::string_view root_span_name_;
};

// Folds `part` (the summary of other spans of the same trace, stored elsewhere) into `into`:
// earliest start, latest end, counts added. The root is `into`'s unless it has none; when both
// have one, the part's wins only if its spans start earlier (the root is usually the earliest
// span; exact when parts do not overlap in time). Counts include spans stored in both.
void MergeTraceSummary(TraceSummary& into, const TraceSummary& part);

// The summary of every span of `batch` (for example a GetTrace result), all taken as one trace
// with id `trace_id`.
TraceSummary ComputeSummary(const TraceId& trace_id, const SpanBatch& batch);

}  // namespace weft::storage
