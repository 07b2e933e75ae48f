// See http_answers.h.
#include "ingest/http_answers.h"

#include "absl/strings/str_cat.h"
#include "common/tenant.h"
#include "ingest/http_request_body.h"
#include "storage/span_store.h"

namespace weft::ingest {

absl::StatusOr<std::string> TenantOf(const http::Headers& headers) {
  const auto tenant = headers.Get(kTenantHeader);
  if (!tenant) return std::string(storage::kDefaultTenant);
  if (headers.Count(kTenantHeader) > 1) {
    return absl::InvalidArgumentError("more than one X-Scope-OrgID header");
  }
  if (absl::Status valid = ValidateTenantId(*tenant); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("X-Scope-OrgID: ", std::string(valid.message())));
  }
  return std::string(*tenant);
}

int HttpStatusForStorageError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
      return 503;
    default:
      return 500;
  }
}

int HttpStatusForBodyError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
      return 413;
    case absl::StatusCode::kUnavailable:
      return 429;
    default:
      return 400;
  }
}

int RpcCodeForHttpStatus(int http_status) {
  constexpr int kInvalidArgument = 3, kDeadlineExceeded = 4, kResourceExhausted = 8,
                kUnimplemented = 12, kInternal = 13, kUnavailable = 14;
  switch (http_status) {
    case 400:
    case 415:
    case 431:
      return kInvalidArgument;
    case 408:
    case 504:
      return kDeadlineExceeded;
    case 413:
    case 429:
      return kResourceExhausted;
    case 404:
    case 405:
      return kUnimplemented;
    case 502:
    case 503:
      return kUnavailable;
    default:
      return http_status >= 200 && http_status < 300 ? 0 : kInternal;
  }
}

ReceiverHttpMetrics::ReceiverHttpMetrics(MetricsRegistry& registry, std::string_view receiver) {
  const std::string name(receiver);
  constexpr std::string_view kRequestsHelp = "HTTP ingest requests answered, by status code.";
  for (size_t i = 0; i < kCodes.size(); ++i) {
    answers_[i] =
        &registry.GetCounter("weft_ingest_http_requests_total", kRequestsHelp,
                             absl::StrCat("receiver=\"", name, "\",code=\"", kCodes[i], "\""));
  }
  other_answers_ = &registry.GetCounter("weft_ingest_http_requests_total", kRequestsHelp,
                                        absl::StrCat("receiver=\"", name, "\",code=\"other\""));
  const std::string labels = absl::StrCat("receiver=\"", name, "\"");
  received_bytes_ = &registry.GetCounter("weft_ingest_http_received_bytes_total",
                                         "HTTP ingest request body bytes as received.", labels);
  admission_refused_ = &registry.GetCounter(
      "weft_ingest_admission_refused_total",
      "Ingest requests refused because the bytes-in-flight budget was full.", labels);
  rejected_spans_ = &registry.GetCounter("weft_ingest_rejected_spans_total",
                                         "Spans the decoder rejected (e.g. invalid ids).", labels);
}

void ReceiverHttpMetrics::CountAnswer(int status) {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i] == status) return answers_[i]->Increment();
  }
  other_answers_->Increment();
}

http::AdmitResult AdmitIngestBody(
    const http::Request& head, size_t body_bytes, Admission& admission,
    ReceiverHttpMetrics& metrics,
    absl::FunctionRef<http::AdmitResult(int status, std::string_view message)> refuse) {
  if (auto encoding = ContentEncodingOf(head.headers); !encoding.ok()) {
    return refuse(415, MessageOf(encoding.status()));
  }
  if (auto tenant = TenantOf(head.headers); !tenant.ok()) {
    return refuse(400, MessageOf(tenant.status()));
  }
  if (body_bytes > admission.max_bytes()) {
    return refuse(413, "request body is larger than the server's ingest memory budget");
  }
  std::unique_ptr<http::Reservation> reservation = Reserve(admission, body_bytes);
  if (reservation == nullptr) {
    metrics.CountAdmissionRefused();
    return refuse(429, "too much data in flight; retry later");
  }
  return http::AdmitResult::Accept(std::move(reservation));
}

}  // namespace weft::ingest
