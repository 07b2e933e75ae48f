#include "storage/trace_summary.h"

#include <algorithm>
#include <string>

namespace weft::storage {

void TraceSummaryBuilder::Add(const SpanBatch& batch, const Span& span) {
  ++span_count_;
  if (span.status_code == StatusCode::kError) ++error_count_;
  start_ = std::min(start_, span.start_time_unix_nano);
  end_ = std::max({end_, span.start_time_unix_nano, span.end_time_unix_nano});
  if (!span.is_root()) return;
  const bool earlier = !has_root_ || span.start_time_unix_nano < root_start_ ||
                       (span.start_time_unix_nano == root_start_ && span.span_id < root_span_id_);
  if (!earlier) return;
  has_root_ = true;
  root_start_ = span.start_time_unix_nano;
  root_span_id_ = span.span_id;
  root_service_ = ServiceName(batch.resource_of(span));
  root_span_name_ = span.name;
}

TraceSummary TraceSummaryBuilder::Finish() const {
  TraceSummary summary;
  summary.trace_id = trace_id_;
  if (span_count_ == 0) return summary;
  summary.root_service = std::string(root_service_);
  summary.root_span_name = std::string(root_span_name_);
  summary.start_unix_nanos = start_;
  summary.duration_nanos = end_ - start_;
  summary.span_count = span_count_;
  summary.error_count = error_count_;
  return summary;
}

TraceSummary ComputeSummary(const TraceId& trace_id, const SpanBatch& batch) {
  TraceSummaryBuilder builder(trace_id);
  for (const Span& span : batch.spans()) builder.Add(batch, span);
  return builder.Finish();
}

}  // namespace weft::storage
