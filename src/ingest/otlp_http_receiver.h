// The OTLP/HTTP trace receiver (port 4318): `POST /v1/traces` with an ExportTraceServiceRequest as
// protobuf (`application/x-protobuf`) or JSON (`application/json`), optionally gzip-compressed.
// The answer uses the request's encoding: an ExportTraceServiceResponse (partial_success only when
// spans were rejected) once storage has made the spans durable, or a google.rpc.Status:
//   400 bad data or bad X-Scope-OrgID (not retried), 413 past max_request_bytes on the wire or
//   after inflation (not retried), 415 other content types or codings, 429 + Retry-After when the
//   admission budget is full, 503 + Retry-After when storage is Unavailable / ResourceExhausted,
//   500 for other storage errors. An empty request is answered 200.
// Memory: the server reserves the wire bytes before reading them; the same reservation grows for
// the inflated body and the decoded batch, and is held until storage answers. Size the Admission
// budget at several times max_request_bytes (a request may hold wire + inflated + decoded bytes at
// once): a body larger than the whole budget is answered 413, but one that merely does not fit
// beside the others gets 429 and is retried.
// Thread rule: requests run concurrently on the server's I/O threads and finish on storage's
// threads; the receiver is immutable after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/metrics.h"
#include "http/http_server.h"
#include "ingest/admission.h"
#include "ingest/http_answers.h"
#include "ingest/pipeline.h"
#include "otlp/proto_codec.h"

namespace weft::ingest {

class OtlpHttpReceiver {
 public:
  static constexpr std::string_view kPath = "/v1/traces";
  static constexpr std::string_view kReceiverName = "otlp_http";  // metrics label

  struct Options {
    // Largest request, both as received and after gzip is undone (OTLP recommends 64 MiB).
    size_t max_request_bytes = size_t{64} << 20;
    // Sent as Retry-After (and RetryInfo in the Status) with 429 and 503.
    int64_t retry_after_seconds = 1;
    otlp::DecodeOptions decode;
  };

  // `pipeline`, `admission` and `metrics` must outlive every request the receiver started: stop
  // the HTTP server first, and keep admission and metrics alive until storage has answered every
  // write in flight.
  OtlpHttpReceiver(Pipeline& pipeline, Admission& admission, MetricsRegistry& metrics,
                   const Options& options);

  // Adds `POST /v1/traces` to `server` (other methods get 405). REQUIRES: before server.Listen;
  // the receiver outlives the server's request handling (HttpServer::Stop).
  void RegisterRoutes(http::HttpServer& server);

 private:
  http::AdmitResult Admit(const http::Request& head, size_t body_bytes);
  http::Response RenderError(const http::Request& head, int status, std::string_view message);
  void Handle(http::Request&& request, http::Responder respond);

  Pipeline& pipeline_;
  Admission& admission_;
  const Options options_;
  ReceiverHttpMetrics metrics_;
};

}  // namespace weft::ingest
