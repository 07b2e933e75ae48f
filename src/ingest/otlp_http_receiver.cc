// See otlp_http_receiver.h. A request goes: Admit (content type, coding, tenant, budget for the
// wire bytes) -> the server reads the body -> Handle (inflate within the cap, grow the reservation,
// decode) -> Pipeline::Submit -> storage's done -> the answer.
#include "ingest/otlp_http_receiver.h"

#include <utility>

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "ingest/http_request_body.h"
#include "model/span_batch.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"

namespace weft::ingest {
namespace {

enum class Format { kProtobuf, kJson };

constexpr std::string_view kProtobufType = "application/x-protobuf";
constexpr std::string_view kJsonType = "application/json";

std::optional<Format> FormatOf(const http::Headers& headers) {
  const std::string type = MediaTypeOf(headers);
  if (type == kProtobufType) return Format::kProtobuf;
  if (type == kJsonType) return Format::kJson;
  return std::nullopt;
}

// Everything an answer needs, copied into storage's callback so that a late `done` does not
// touch the receiver.
struct Answerer {
  Format format;
  int64_t retry_after_seconds;
  ReceiverHttpMetrics metrics;

  http::Response Status(int status, std::string_view message) const {
    http::Response response;
    response.status = status;
    const bool retryable = IsRetryableHttpStatus(status);
    const std::optional<int64_t> retry_delay =
        retryable ? std::optional<int64_t>(retry_after_seconds) : std::nullopt;
    const int code = RpcCodeForHttpStatus(status);
    if (format == Format::kJson) {
      response.content_type = std::string(kJsonType);
      response.body = otlp::EncodeRpcStatusJson(code, message, retry_delay);
    } else {
      response.content_type = std::string(kProtobufType);
      response.body = otlp::EncodeRpcStatus(code, message, retry_delay);
    }
    if (retryable) response.headers.emplace_back("Retry-After", absl::StrCat(retry_after_seconds));
    return response;
  }

  http::Response Success(const DecodeResult& result) const {
    http::Response response;
    response.status = 200;
    if (format == Format::kJson) {
      response.content_type = std::string(kJsonType);
      response.body = otlp::EncodeExportResponseJson(result);
    } else {
      response.content_type = std::string(kProtobufType);
      response.body = otlp::EncodeExportResponse(result);
    }
    return response;
  }

  void Send(http::Responder& respond, http::Response response) {
    metrics.CountAnswer(response.status);
    respond(std::move(response));
  }
};

}  // namespace

OtlpHttpReceiver::OtlpHttpReceiver(Pipeline& pipeline, Admission& admission,
                                   MetricsRegistry& metrics, const Options& options)
    : pipeline_(pipeline),
      admission_(admission),
      options_(options),
      metrics_(metrics, kReceiverName) {}

void OtlpHttpReceiver::RegisterRoutes(http::HttpServer& server) {
  http::RouteOptions route;
  route.max_body_bytes = options_.max_request_bytes;
  route.admit = [this](const http::Request& head, size_t body_bytes) {
    return Admit(head, body_bytes);
  };
  route.render_error = [this](const http::Request& head, int status, std::string_view message) {
    return RenderError(head, status, message);
  };
  server.Route(
      "POST", std::string(kPath),
      [this](http::Request&& request, http::Responder respond) {
        Handle(std::move(request), std::move(respond));
      },
      std::move(route));
}

http::AdmitResult OtlpHttpReceiver::Admit(const http::Request& head, size_t body_bytes) {
  const std::optional<Format> format = FormatOf(head.headers);
  if (!format) {
    metrics_.CountAnswer(415);
    return http::AdmitResult::Refuse(http::Response::Text(
        415, absl::StrCat("unsupported Content-Type \"", MediaTypeOf(head.headers),
                          "\"; use application/x-protobuf or application/json\n")));
  }
  Answerer answer{*format, options_.retry_after_seconds, metrics_};
  auto refuse = [&](int status, std::string_view message) {
    metrics_.CountAnswer(status);
    return http::AdmitResult::Refuse(answer.Status(status, message));
  };
  return AdmitIngestBody(head, body_bytes, admission_, metrics_, refuse);
}

http::Response OtlpHttpReceiver::RenderError(const http::Request& head, int status,
                                             std::string_view message) {
  metrics_.CountAnswer(status);
  const std::optional<Format> format = FormatOf(head.headers);
  if (!format) return http::Response::Text(status, absl::StrCat(std::string(message), "\n"));
  if (status == 429) metrics_.CountAdmissionRefused();
  return Answerer{*format, options_.retry_after_seconds, metrics_}.Status(status, message);
}

void OtlpHttpReceiver::Handle(http::Request&& request, http::Responder respond) {
  metrics_.CountReceivedBytes(request.body.size());
  // Admit has checked the head; these cannot fail here, but a handler never trusts that.
  const std::optional<Format> format = FormatOf(request.headers);
  const absl::StatusOr<ContentEncoding> encoding = ContentEncodingOf(request.headers);
  absl::StatusOr<std::string> tenant = TenantOf(request.headers);
  Answerer answer{format.value_or(Format::kProtobuf), options_.retry_after_seconds, metrics_};
  if (!format || !encoding.ok() || !tenant.ok()) {
    return answer.Send(respond, answer.Status(400, "bad request head"));
  }
  std::unique_ptr<http::Reservation> reservation = std::move(request.reservation);
  auto fail = [&](int status, std::string_view message) {
    if (status == 429) metrics_.CountAdmissionRefused();
    answer.Send(respond, answer.Status(status, message));
  };

  if (request.body.empty()) return answer.Send(respond, answer.Success(DecodeResult()));
  absl::StatusOr<std::string> body = DecodeContent(std::move(request.body), *encoding,
                                                   options_.max_request_bytes, reservation.get());
  if (!body.ok()) return fail(HttpStatusForBodyError(body.status()), MessageOf(body.status()));
  // The decoded batch is charged up front at the size of its input, then corrected below.
  const size_t input_bytes = body->size();
  if (reservation != nullptr && !reservation->Grow(input_bytes)) {
    return fail(429, "too much data in flight; retry later");
  }

  auto batch = std::make_unique<SpanBatch>();
  absl::StatusOr<DecodeResult> decoded;
  if (*format == Format::kProtobuf) {
    const std::string_view input = batch->AdoptInput(std::move(*body));
    decoded = otlp::DecodeExportRequest(input, *batch, options_.decode);
  } else {
    otlp::JsonDecodeOptions json_options;
    json_options.max_value_depth = options_.decode.max_value_depth;
    decoded = otlp::DecodeExportRequestJson(*body, *batch, json_options);
    body->clear();
    body->shrink_to_fit();
  }
  if (!decoded.ok()) return fail(400, MessageOf(decoded.status()));
  const size_t held = batch->MemoryBytes();
  if (reservation != nullptr && held > 2 * input_bytes &&
      !reservation->Grow(held - 2 * input_bytes)) {
    return fail(429, "too much data in flight; retry later");
  }
  if (decoded->rejected_spans > 0) metrics_.CountRejectedSpans(decoded->rejected_spans);
  if (batch->empty()) return answer.Send(respond, answer.Success(*decoded));

  pipeline_.Submit(
      kReceiverName, *tenant, std::move(batch),
      [answer, result = std::move(*decoded), respond = std::move(respond),
       reservation = std::move(reservation)](const absl::Status& status) mutable {
        reservation.reset();  // the batch is storage's now
        if (status.ok()) return answer.Send(respond, answer.Success(result));
        answer.Send(respond, answer.Status(HttpStatusForStorageError(status), MessageOf(status)));
      });
}

}  // namespace weft::ingest
