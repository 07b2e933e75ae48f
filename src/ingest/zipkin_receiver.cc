// See zipkin_receiver.h. Same shape as the OTLP/HTTP receiver: Admit (type, coding, tenant,
// budget) -> body read by the server -> Handle (inflate, grow the reservation, decode) ->
// Pipeline::Submit -> storage's done -> 202.
#include "ingest/zipkin_receiver.h"

#include <utility>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "ingest/http_request_body.h"
#include "model/span_batch.h"
#include "zipkin/zipkin_codec.h"

namespace weft::ingest {
namespace {

// Plain-text answers, as Zipkin gives them.
http::Response TextAnswer(int status, std::string_view message, int64_t retry_after_seconds) {
  http::Response response =
      status == 202 ? http::Response()
                    : http::Response::Text(status, absl::StrCat(std::string(message), "\n"));
  response.status = status;
  if (IsRetryableHttpStatus(status)) {
    response.headers.emplace_back("Retry-After", absl::StrCat(retry_after_seconds));
  }
  return response;
}

}  // namespace

ZipkinReceiver::ZipkinReceiver(Pipeline& pipeline, Admission& admission, MetricsRegistry& metrics,
                               const Options& options)
    : pipeline_(pipeline),
      admission_(admission),
      options_(options),
      metrics_(metrics, kReceiverName) {}

void ZipkinReceiver::RegisterRoutes(http::HttpServer& server) {
  http::RouteOptions route;
  route.max_body_bytes = options_.max_request_bytes;
  route.admit = [this](const http::Request& head, size_t body_bytes) {
    return Admit(head, body_bytes);
  };
  route.render_error = [this](const http::Request&, int status, std::string_view message) {
    return RenderError(status, message);
  };
  server.Route(
      "POST", std::string(kPath),
      [this](http::Request&& request, http::Responder respond) {
        Handle(std::move(request), std::move(respond));
      },
      std::move(route));
}

http::AdmitResult ZipkinReceiver::Admit(const http::Request& head, size_t body_bytes) {
  auto refuse = [&](int status, std::string_view message) {
    metrics_.CountAnswer(status);
    return http::AdmitResult::Refuse(TextAnswer(status, message, options_.retry_after_seconds));
  };
  const std::string type = MediaTypeOf(head.headers);
  if (type == "application/x-protobuf") {
    return refuse(415, "protobuf Zipkin spans are not supported; send JSON (application/json)");
  }
  if (!type.empty() && type != "application/json") {
    return refuse(415, absl::StrCat("unsupported Content-Type \"", type,
                                    "\"; send Zipkin v2 JSON as application/json"));
  }
  return AdmitIngestBody(head, body_bytes, admission_, metrics_, refuse);
}

http::Response ZipkinReceiver::RenderError(int status, std::string_view message) {
  metrics_.CountAnswer(status);
  if (status == 429) metrics_.CountAdmissionRefused();
  return TextAnswer(status, message, options_.retry_after_seconds);
}

void ZipkinReceiver::Handle(http::Request&& request, http::Responder respond) {
  metrics_.CountReceivedBytes(request.body.size());
  ReceiverHttpMetrics metrics = metrics_;  // copied into storage's callback (see below)
  const int64_t retry_after = options_.retry_after_seconds;
  auto answer = [&metrics, &respond, retry_after](int status, std::string_view message) {
    if (status == 429) metrics.CountAdmissionRefused();
    metrics.CountAnswer(status);
    respond(TextAnswer(status, message, retry_after));
  };
  const absl::StatusOr<ContentEncoding> encoding = ContentEncodingOf(request.headers);
  absl::StatusOr<std::string> tenant = TenantOf(request.headers);
  if (!encoding.ok() || !tenant.ok()) return answer(400, "bad request head");
  std::unique_ptr<http::Reservation> reservation = std::move(request.reservation);

  if (request.body.empty()) return answer(202, "");
  absl::StatusOr<std::string> body = DecodeContent(std::move(request.body), *encoding,
                                                   options_.max_request_bytes, reservation.get());
  if (!body.ok()) return answer(HttpStatusForBodyError(body.status()), MessageOf(body.status()));
  const size_t input_bytes = body->size();
  if (reservation != nullptr && !reservation->Grow(input_bytes)) {
    return answer(429, "too much data in flight; retry later");
  }
  auto batch = std::make_unique<SpanBatch>();
  absl::StatusOr<DecodeResult> decoded = zipkin::DecodeSpansJson(*body, *batch);
  body->clear();
  body->shrink_to_fit();
  if (!decoded.ok()) return answer(400, MessageOf(decoded.status()));
  const size_t held = batch->MemoryBytes();
  if (reservation != nullptr && held > 2 * input_bytes &&
      !reservation->Grow(held - 2 * input_bytes)) {
    return answer(429, "too much data in flight; retry later");
  }
  if (decoded->rejected_spans > 0) metrics.CountRejectedSpans(decoded->rejected_spans);
  if (batch->empty()) return answer(202, "");

  // A late `done` must not touch the receiver: it carries copies of what it needs.
  pipeline_.Submit(kReceiverName, *tenant, std::move(batch),
                   [metrics, retry_after, respond = std::move(respond),
                    reservation = std::move(reservation)](const absl::Status& status) mutable {
                     reservation.reset();
                     const int code = status.ok() ? 202 : HttpStatusForStorageError(status);
                     metrics.CountAnswer(code);
                     respond(TextAnswer(code, MessageOf(status), retry_after));
                   });
}

}  // namespace weft::ingest
