// OTLP/gRPC receiver: one ExportReactor per call on gRPC's generic callback service. A call is
// read (one message), checked (tenant, admission), copied once out of gRPC's buffer (inflated if
// gzip), decoded, submitted, and finished from storage's `done` (inline or on a storage thread).
//
// Why weft inflates gzip itself: gRPC 1.51 inflates a compressed message completely before it
// compares the result with the maximum receive size (measured: a 256 KiB gzip message of zeros
// grew the server by 270 MB before RESOURCE_EXHAUSTED; a 64 MiB one would be ~64 GiB). So gRPC's
// per-message decompression is off and http::GunzipBounded inflates with a hard cap, charging the
// admission budget as it grows. With it off, gRPC hands over the wire bytes without saying how
// they were compressed; deflate is disabled (gRPC answers UNIMPLEMENTED), so a compressed
// message is gzip, and gzip starts with 1f 8b, which no valid protobuf message can (0x1f is
// field 3 with wire type 7, which does not exist).
#include "ingest/otlp_grpc_receiver.h"

#include <utility>

#include <algorithm>
#include <chrono>
#include <climits>
#include <iterator>
#include <string_view>
#include <vector>

#include <grpc/grpc.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "absl/strings/str_cat.h"
#include "common/tenant.h"
#include "http/gzip.h"
#include "model/decode_result.h"
#include "storage/span_store.h"

namespace weft::ingest {
namespace {

constexpr std::string_view kExportMethod =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
constexpr std::string_view kReceiverName = "otlp_grpc";
constexpr std::string_view kTenantHeader = "x-scope-orgid";  // gRPC metadata keys are lowercase

// The codes this receiver finishes calls with; each gets its counter at Start so the metric's
// label set is fixed. A message over the size cap on the wire is refused by gRPC itself
// (RESOURCE_EXHAUSTED to the client) and counted here as CANCELLED; one that inflates past the cap
// is refused here and counted as RESOURCE_EXHAUSTED.
constexpr grpc::StatusCode kCountedCodes[] = {
    grpc::StatusCode::OK,          grpc::StatusCode::INVALID_ARGUMENT,
    grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::RESOURCE_EXHAUSTED,
    grpc::StatusCode::INTERNAL,    grpc::StatusCode::UNIMPLEMENTED,
    grpc::StatusCode::CANCELLED,
};

std::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    default:
      return "OTHER";
  }
}

bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b';
}

// Named like the HTTP receivers' (http_answers.cc), so one query covers every receiver. Spans
// received are counted by the Pipeline (weft_ingest_spans_total{receiver="otlp_grpc"}).
struct ReceiverMetrics {
  explicit ReceiverMetrics(MetricsRegistry& registry)
      : received_bytes(registry.GetCounter("weft_ingest_grpc_received_bytes_total",
                                           "gRPC ingest request message bytes as received.",
                                           kLabels)),
        admission_refused(registry.GetCounter(
            "weft_ingest_admission_refused_total",
            "Ingest requests refused because the bytes-in-flight budget was full.", kLabels)),
        rejected_spans(registry.GetCounter("weft_ingest_rejected_spans_total",
                                           "Spans the decoder rejected (e.g. invalid ids).",
                                           kLabels)) {
    for (grpc::StatusCode code : kCountedCodes) {
      requests.emplace_back(
          code,
          &registry.GetCounter(
              "weft_ingest_grpc_requests_total", "gRPC ingest requests answered, by status code.",
              std::string(kLabels) + ",code=\"" + std::string(CodeName(code)) + "\""));
    }
  }

  void CountRequest(grpc::StatusCode code) {
    for (auto& [counted, counter] : requests) {
      if (counted == code) return counter->Increment();
    }
  }

  static constexpr std::string_view kLabels = R"(receiver="otlp_grpc")";
  Counter& received_bytes;
  Counter& admission_refused;
  Counter& rejected_spans;
  std::vector<std::pair<grpc::StatusCode, Counter*>> requests;
};

// Everything a call needs; owned by the service, outlives every call (Shutdown waits for them).
struct ReceiverContext {
  Pipeline& pipeline;
  Admission& admission;
  OtlpGrpcReceiver::Options options;
  ReceiverMetrics metrics;
};

// Answers every call of a method other than Export.
class UnimplementedReactor final : public grpc::ServerGenericBidiReactor {
 public:
  UnimplementedReactor(ReceiverContext& context, const std::string& method) {
    context.metrics.CountRequest(grpc::StatusCode::UNIMPLEMENTED);
    Finish(
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                     "unknown method " + method + "; weft serves " + std::string(kExportMethod)));
  }
  void OnDone() override { delete this; }
};

// One Export call. Deletes itself in OnDone, which gRPC calls only after Finish, and Finish runs
// only after storage's `done` — so the reactor outlives the write it is waiting for.
class ExportReactor final : public grpc::ServerGenericBidiReactor {
 public:
  ExportReactor(ReceiverContext& context, grpc::GenericCallbackServerContext* call)
      : context_(context), call_(call) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // Cancelled (including gRPC refusing a message over the size cap, which has already sent
      // RESOURCE_EXHAUSTED) or half-closed without a message.
      if (call_->IsCancelled()) return FinishWith(grpc::Status::CANCELLED);
      return FinishWith(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
    }
    Handle();
  }

  void OnDone() override { delete this; }

 private:
  void Handle() {
    std::string tenant;
    if (grpc::Status status = ReadTenant(tenant); !status.ok()) return FinishWith(status);

    context_.metrics.received_bytes.Increment(request_.Length());
    ticket_ = context_.admission.TryAdmit(request_.Length());
    if (!ticket_.admitted()) return Refuse();
    absl::StatusOr<std::string> bytes = TakeRequestBytes();
    if (!bytes.ok()) {
      if (absl::IsUnavailable(bytes.status())) return Refuse();
      if (absl::IsResourceExhausted(bytes.status())) {
        return FinishWith(
            grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                         absl::StrCat("request exceeds ", context_.options.max_request_bytes,
                                      " bytes after decompression")));
      }
      return FinishWith(grpc::Status(absl::IsInvalidArgument(bytes.status())
                                         ? grpc::StatusCode::INVALID_ARGUMENT
                                         : grpc::StatusCode::INTERNAL,
                                     std::string(bytes.status().message())));
    }

    auto batch = std::make_unique<SpanBatch>();
    const std::string_view input = batch->AdoptInput(*std::move(bytes));
    absl::StatusOr<DecodeResult> decoded =
        otlp::DecodeExportRequest(input, *batch, context_.options.decode);
    if (!decoded.ok()) {
      return FinishWith(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     std::string(decoded.status().message())));
    }
    // The decoded arrays and arena count against the budget too.
    const size_t batch_bytes = batch->MemoryBytes();
    if (batch_bytes > ticket_.bytes() && !ticket_.Grow(batch_bytes - ticket_.bytes())) {
      return Refuse();
    }
    context_.metrics.rejected_spans.Increment(decoded->rejected_spans);
    if (batch->empty()) return FinishOk(*decoded);

    context_.pipeline.Submit(
        kReceiverName, tenant, std::move(batch),
        [this, result = *std::move(decoded)](absl::Status status) {
          if (status.ok()) return FinishOk(result);
          if (absl::IsUnavailable(status) || absl::IsResourceExhausted(status)) {
            return FinishUnavailable(std::string(status.message()));
          }
          FinishWith(grpc::Status(grpc::StatusCode::INTERNAL, std::string(status.message())));
        });
  }

  // The request's protobuf bytes: the one copy out of gRPC's slices, inflated when gzip. Frees
  // gRPC's buffer. Errors: Unavailable when inflation outgrows the admission budget,
  // ResourceExhausted past max_request_bytes, InvalidArgument for corrupt gzip.
  absl::StatusOr<std::string> TakeRequestBytes() {
    std::string bytes;
    {
      std::vector<grpc::Slice> slices;
      if (!request_.Dump(&slices).ok()) return absl::InternalError("cannot read request buffer");
      bytes.reserve(request_.Length());
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    request_.Clear();
    if (!IsGzip(bytes)) return bytes;
    return http::GunzipBounded(bytes, context_.options.max_request_bytes, [&](size_t more) {
      return ticket_.Grow(more) ? absl::OkStatus() : absl::UnavailableError("over budget");
    });
  }

  // The tenant from `x-scope-orgid`, or the default tenant when the header is absent.
  grpc::Status ReadTenant(std::string& tenant) const {
    const auto [begin, end] = call_->client_metadata().equal_range(
        grpc::string_ref(kTenantHeader.data(), kTenantHeader.size()));
    if (begin == end) {
      tenant = storage::kDefaultTenant;
      return grpc::Status::OK;
    }
    if (std::next(begin) != end) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "more than one x-scope-orgid header");
    }
    const std::string_view value(begin->second.data(), begin->second.size());
    if (absl::Status valid = ValidateTenantId(value); !valid.ok()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "invalid x-scope-orgid: " + std::string(valid.message()));
    }
    tenant = value;
    return grpc::Status::OK;
  }

  void Refuse() {
    context_.metrics.admission_refused.Increment();
    FinishUnavailable("ingest is over its memory budget; retry later");
  }

  void FinishUnavailable(std::string message) {
    std::string details = otlp::EncodeRpcStatus(static_cast<int>(grpc::StatusCode::UNAVAILABLE),
                                                message, context_.options.retry_delay_seconds);
    FinishWith(grpc::Status(grpc::StatusCode::UNAVAILABLE, message, details));
  }

  void FinishOk(const DecodeResult& result) {
    const std::string encoded = otlp::EncodeExportResponse(result);
    grpc::Slice slice(encoded.data(), encoded.size());
    response_ = grpc::ByteBuffer(&slice, 1);
    ticket_.Release();
    context_.metrics.CountRequest(grpc::StatusCode::OK);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  // Every answer goes through FinishWith or FinishOk, which return the request's bytes to the
  // admission budget first (so they are free by the time the client hears back).
  void FinishWith(const grpc::Status& status) {
    ticket_.Release();
    context_.metrics.CountRequest(status.error_code());
    Finish(status);
  }

  ReceiverContext& context_;
  grpc::GenericCallbackServerContext* const call_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;  // must live until OnDone
  // Admission for this request's bytes (wire, inflated, decoded), held until storage answers.
  Admission::Ticket ticket_;
};

}  // namespace

class OtlpGrpcReceiver::Service final : public grpc::CallbackGenericService {
 public:
  Service(Pipeline& pipeline, Admission& admission, const Options& options,
          MetricsRegistry& metrics)
      : context_{pipeline, admission, options, ReceiverMetrics(metrics)} {}

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* call) override {
    if (call->method() != kExportMethod) return new UnimplementedReactor(context_, call->method());
    return new ExportReactor(context_, call);
  }

 private:
  ReceiverContext context_;
};

absl::StatusOr<std::unique_ptr<OtlpGrpcReceiver>> OtlpGrpcReceiver::Start(
    const std::string& address, Pipeline& pipeline, Admission& admission, const Options& options,
    MetricsRegistry& metrics) {
  auto service = std::make_unique<Service>(pipeline, admission, options, metrics);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(service.get());
  // On the wire; the inflated size is checked by TakeRequestBytes (see the top of this file).
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<size_t>(options.max_request_bytes, INT_MAX)));
  builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
  // gRPC sets SO_REUSEPORT by default, which would let two servers share a port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("OTLP/gRPC receiver cannot listen on ", address));
  }
  return std::unique_ptr<OtlpGrpcReceiver>(new OtlpGrpcReceiver(
      std::move(service), std::move(server), port, options.shutdown_grace_millis));
}

OtlpGrpcReceiver::OtlpGrpcReceiver(std::unique_ptr<Service> service,
                                   std::unique_ptr<grpc::Server> server, int port,
                                   int shutdown_grace_millis)
    : service_(std::move(service)),
      server_(std::move(server)),
      port_(port),
      shutdown_grace_millis_(shutdown_grace_millis) {}

OtlpGrpcReceiver::~OtlpGrpcReceiver() { Shutdown(); }

void OtlpGrpcReceiver::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(shutdown_grace_millis_));
  server_->Wait();
}

}  // namespace weft::ingest
