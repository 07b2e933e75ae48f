// Ready-made samplers, processors and exporters for TracerProviderOptions (provider.h), and
// SpanData, the owned copy of a finished span that the in-memory exporter hands to tests.
// Thread rule: factories are thread-safe; InMemorySpans is thread-safe.
#pragma once

#include <utility>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "weft/provider.h"
#include "weft/trace.h"

namespace weft {
// v1: the SDK's ABI version. It also keeps these types' linker names apart from the server's
// internal model types of the same names (weft::Span, weft::Resource, ...).
inline namespace v1 {

// ---------------------------------------------------------------------------------------------
// Samplers
// ---------------------------------------------------------------------------------------------

std::unique_ptr<Sampler> AlwaysOnSampler();
std::unique_ptr<Sampler> AlwaysOffSampler();
// Samples `ratio` (clamped to [0, 1]) of traces, decided from the trace id so that every
// service reaches the same decision for a trace.
std::unique_ptr<Sampler> TraceIdRatioSampler(double ratio);
// Follows the parent's sampled flag; `root` decides for new traces.
std::unique_ptr<Sampler> ParentBasedSampler(std::unique_ptr<Sampler> root);

// ---------------------------------------------------------------------------------------------
// Processors
// ---------------------------------------------------------------------------------------------

// Exports each span as it ends, on the thread that ends it. For tests and debugging.
std::unique_ptr<SpanProcessor> SimpleProcessor(std::unique_ptr<SpanExporter> exporter);

struct BatchOptions {
  // Ended spans waiting for export; when full, new ones are dropped and counted (the application
  // never blocks). Default 65536, not the spec's 2048: at 1 M spans/s 2048 lasts 2 ms, less
  // than one export round trip. OTEL_BSP_MAX_QUEUE_SIZE overrides it.
  uint32_t max_queue_size = 65536;
  std::chrono::milliseconds schedule_delay{1000};   // OTEL_BSP_SCHEDULE_DELAY (spec: 5000)
  uint32_t max_export_batch_size = 2048;            // OTEL_BSP_MAX_EXPORT_BATCH_SIZE (spec: 512)
  std::chrono::milliseconds export_timeout{30000};  // OTEL_BSP_EXPORT_TIMEOUT
};

// Queues ended spans in a bounded lock-free ring and exports them in batches from its own
// thread.
std::unique_ptr<SpanProcessor> BatchProcessor(std::unique_ptr<SpanExporter> exporter,
                                              const BatchOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Exporters
// ---------------------------------------------------------------------------------------------

struct OtlpExporterOptions {
  enum class Protocol : uint8_t { kHttpProtobuf, kGrpc, kHttpJson };
  Protocol protocol = Protocol::kHttpProtobuf;
  // HTTP: the full traces URL ("http://127.0.0.1:4318/v1/traces"). gRPC: "http://host:4317".
  // Empty: http://localhost:4318/v1/traces or http://localhost:4317 by protocol.
  std::string endpoint = {};
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. authorization
  std::chrono::milliseconds timeout{10000};                       // per export, retries included
  bool gzip = false;
  // Retries of 429/502/503/504 (gRPC UNAVAILABLE, RESOURCE_EXHAUSTED with RetryInfo):
  // exponential backoff with jitter, honouring Retry-After / RetryInfo, within `timeout`.
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  size_t max_response_bytes = size_t{4} << 20;  // response bodies are read up to this cap
};

std::unique_ptr<SpanExporter> OtlpExporter(const OtlpExporterOptions& options = {});

// One line per span on `out` (stdout by default): for development.
std::unique_ptr<SpanExporter> ConsoleExporter(std::FILE* out = stdout);

// A finished span, copied out of the SDK (for tests and custom inspection).
struct SpanData {
  struct Event {
    std::string name;
    SystemTime time;
    std::vector<OwnedAttribute> attributes;
    uint32_t dropped_attributes = 0;
  };
  struct LinkData {
    SpanContext context;
    std::vector<OwnedAttribute> attributes;
    uint32_t dropped_attributes = 0;
  };

  SpanContext context;
  SpanId parent_span_id;  // invalid for a root span
  bool parent_remote = false;
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  SystemTime start_time;
  SystemTime end_time;
  std::vector<OwnedAttribute> attributes;
  std::vector<Event> events;
  std::vector<LinkData> links;
  StatusCode status = StatusCode::kUnset;
  std::string status_message;
  uint32_t dropped_attributes = 0;
  uint32_t dropped_events = 0;
  uint32_t dropped_links = 0;
  std::string scope_name;
  std::string scope_version;

  const OwnedAttribute* FindAttribute(std::string_view key) const;
};

// Where the in-memory exporter puts spans. Shared (shared_ptr) between the test that reads it
// and the exporter the provider owns, which may outlive either.
class InMemorySpans {
 public:
  std::vector<SpanData> Spans() const;
  size_t size() const;
  void Clear();
  void Add(std::vector<SpanData> spans);

 private:
  mutable std::mutex mutex_;
  std::vector<SpanData> spans_;
};

std::unique_ptr<SpanExporter> InMemoryExporter(std::shared_ptr<InMemorySpans> sink);

}  // namespace v1
}  // namespace weft
