// See pipeline.h. For now the pipeline is a counting pass-through to the storage writer; tail
// sampling and the span-metrics / service-graph stages slot in before the write.
#include "ingest/pipeline.h"

#include <utility>

#include <string>

#include "absl/strings/str_cat.h"

namespace weft::ingest {

Pipeline::Pipeline(storage::SpanWriter& writer, MetricsRegistry& metrics)
    : writer_(writer), metrics_(metrics) {}

void Pipeline::Submit(std::string_view receiver, std::string_view tenant,
                      std::unique_ptr<SpanBatch> batch, storage::WriteDone done) {
  // `receiver` is one of weft's own names, never request data, so the label set stays fixed.
  const std::string labels = absl::StrCat("receiver=\"", std::string(receiver), "\"");
  metrics_.GetCounter("weft_ingest_spans_total", "Spans received and passed on to storage.", labels)
      .Increment(batch->size());
  metrics_
      .GetCounter("weft_ingest_batches_total", "Batches received and passed on to storage.", labels)
      .Increment();
  Counter& failures =
      metrics_.GetCounter("weft_ingest_write_failures_total",
                          "Batches storage failed to write (not acknowledged).", labels);
  writer_.Write(tenant, std::move(batch),
                [&failures, done = std::move(done)](absl::Status status) mutable {
                  if (!status.ok()) failures.Increment();
                  std::move(done)(std::move(status));
                });
}

}  // namespace weft::ingest
