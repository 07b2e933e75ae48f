// The Zipkin v2 receiver (port 9411): `POST /api/v2/spans` with a JSON array of Zipkin spans
// (`application/json`, or no Content-Type, as Zipkin's own server accepts), optionally gzip.
// Answers like Zipkin: 202 Accepted with an empty body once storage has made the spans durable;
// 400 with a plain-text message for malformed JSON or a bad X-Scope-OrgID; 413 past
// max_request_bytes (on the wire or after inflation); 415 for protobuf Zipkin
// (`application/x-protobuf`, not supported) and other types or codings; 429 + Retry-After when
// the admission budget is full; 503 + Retry-After when storage is Unavailable / ResourceExhausted;
// 500 for other storage errors. Spans with invalid ids are dropped and counted; the rest are kept.
// Thread rule: as OtlpHttpReceiver — immutable after construction, requests run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/metrics.h"
#include "http/http_server.h"
#include "ingest/admission.h"
#include "ingest/http_answers.h"
#include "ingest/pipeline.h"

namespace weft::ingest {

class ZipkinReceiver {
 public:
  static constexpr std::string_view kPath = "/api/v2/spans";
  static constexpr std::string_view kReceiverName = "zipkin";  // metrics label

  struct Options {
    // Largest request, both as received and after gzip is undone.
    size_t max_request_bytes = size_t{64} << 20;
    int64_t retry_after_seconds = 1;  // Retry-After with 429 and 503
  };

  // Lifetimes as for OtlpHttpReceiver: stop the server first; admission and metrics must outlive
  // every write in flight.
  ZipkinReceiver(Pipeline& pipeline, Admission& admission, MetricsRegistry& metrics,
                 const Options& options);

  // Adds `POST /api/v2/spans` to `server`. REQUIRES: before server.Listen.
  void RegisterRoutes(http::HttpServer& server);

 private:
  http::AdmitResult Admit(const http::Request& head, size_t body_bytes);
  http::Response RenderError(int status, std::string_view message);
  void Handle(http::Request&& request, http::Responder respond);

  Pipeline& pipeline_;
  Admission& admission_;
  const Options options_;
  ReceiverHttpMetrics metrics_;
};

}  // namespace weft::ingest
