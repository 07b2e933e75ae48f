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

void MergeTraceSummary(TraceSummary& into, const TraceSummary& part) {
  if (part.span_count == 0) return;
  if (into.span_count == 0) {
    into = part;
    return;
  }
  const bool into_has_root = !into.root_service.empty() || !into.root_span_name.empty();
  const bool part_has_root = !part.root_service.empty() || !part.root_span_name.empty();
  if (part_has_root && (!into_has_root || part.start_unix_nanos < into.start_unix_nanos)) {
    into.root_service = part.root_service;
    into.root_span_name = part.root_span_name;
  }
  const uint64_t end = std::max(into.start_unix_nanos + into.duration_nanos,
                                part.start_unix_nanos + part.duration_nanos);
  into.start_unix_nanos = std::min(into.start_unix_nanos, part.start_unix_nanos);
  into.duration_nanos = end - into.start_unix_nanos;
  into.span_count += part.span_count;
  into.error_count += part.error_count;
}

}  // namespace weft::storage
