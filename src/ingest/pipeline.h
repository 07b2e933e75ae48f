// The ingest pipeline: every receiver hands its decoded, admitted batches here, and the pipeline
// passes them on to storage (later: tail sampling, then span metrics and the service graph, then
// the storage writer — DESIGN.md "Data flow"). It counts what it receives and what storage refuses.
// Thread rule: thread-safe; Submit may be called from any receiver thread.
#pragma once

#include <memory>
#include <string_view>

#include "common/metrics.h"
#include "model/span_batch.h"
#include "storage/span_store.h"

namespace weft::ingest {

class Pipeline {
 public:
  Pipeline(storage::SpanWriter& writer, MetricsRegistry& metrics);

  // Passes `batch` on; `done` receives storage's verdict (OK = durable, acknowledge the client).
  // `receiver` names the source for metrics ("otlp_grpc", "otlp_http", "zipkin").
  void Submit(std::string_view receiver, std::string_view tenant, std::unique_ptr<SpanBatch> batch,
              storage::WriteDone done);

 private:
  storage::SpanWriter& writer_;
  MetricsRegistry& metrics_;
};

}  // namespace weft::ingest
