// What the HTTP receivers (OTLP/HTTP, Zipkin) share about answering: the HTTP status for a storage
// failure, the google.rpc code for an HTTP status, the tenant named by a request, and per-receiver
// request metrics. Thread rule: free functions are pure; ReceiverHttpMetrics is thread-safe
// (atomic counters registered once).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/metrics.h"
#include "http/http_server.h"
#include "ingest/admission.h"

namespace weft::ingest {

// The header naming the tenant (Tempo / Loki / Mimir convention).
inline constexpr std::string_view kTenantHeader = "X-Scope-OrgID";

// The tenant of a request: its X-Scope-OrgID if present (validated: InvalidArgument when bad),
// else storage::kDefaultTenant. Several X-Scope-OrgID fields are refused rather than guessed at.
absl::StatusOr<std::string> TenantOf(const http::Headers& headers);

// The message of `status` as a std::string_view (Debian's Abseil has its own string_view type).
inline std::string_view MessageOf(const absl::Status& status) {
  const auto message = status.message();
  return {message.data(), message.size()};
}

// Storage could not take a batch: 503 (retryable) for Unavailable / ResourceExhausted, else 500.
int HttpStatusForStorageError(const absl::Status& status);

// The answer to a body that could not be made ready for decoding (see DecodeContent):
// ResourceExhausted (too large) 413, Unavailable (admission budget) 429, anything else 400.
int HttpStatusForBodyError(const absl::Status& status);

// google.rpc.Code for an answer's HTTP status (google/rpc/code.proto's mapping; 413 is
// RESOURCE_EXHAUSTED as OTLP asks).
int RpcCodeForHttpStatus(int http_status);

// True for the statuses OTLP clients retry, which carry Retry-After.
constexpr bool IsRetryableHttpStatus(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

// Request metrics of one receiver, labelled receiver="<name>":
//   weft_ingest_http_requests_total{receiver,code}   answers by status (a fixed set + "other")
//   weft_ingest_http_received_bytes_total{receiver}  request bodies as received (compressed)
//   weft_ingest_admission_refused_total{receiver}    requests refused for lack of budget
//   weft_ingest_rejected_spans_total{receiver}       spans dropped by the decoder (bad ids, ...)
class ReceiverHttpMetrics {
 public:
  ReceiverHttpMetrics(MetricsRegistry& registry, std::string_view receiver);

  void CountAnswer(int status);
  void CountReceivedBytes(size_t bytes) { received_bytes_->Increment(bytes); }
  void CountAdmissionRefused() { admission_refused_->Increment(); }
  void CountRejectedSpans(uint64_t spans) { rejected_spans_->Increment(spans); }

 private:
  static constexpr std::array<int, 11> kCodes = {200, 202, 400, 408, 413, 415,
                                                 429, 431, 500, 503, 504};
  std::array<Counter*, kCodes.size()> answers_{};
  Counter* other_answers_ = nullptr;
  Counter* received_bytes_ = nullptr;
  Counter* admission_refused_ = nullptr;
  Counter* rejected_spans_ = nullptr;
};

// The checks every ingest route makes before its body is read, once its own Content-Type check
// passed: Content-Encoding (415), X-Scope-OrgID (400), a body larger than the whole admission
// budget (413: retrying cannot help), then the reservation itself (429 when the budget is full
// now). `refuse(status, message)` renders a refusal in the receiver's own format and counts it.
http::AdmitResult AdmitIngestBody(
    const http::Request& head, size_t body_bytes, Admission& admission,
    ReceiverHttpMetrics& metrics,
    absl::FunctionRef<http::AdmitResult(int status, std::string_view message)> refuse);

}  // namespace weft::ingest
