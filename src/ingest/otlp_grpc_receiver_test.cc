#include "ingest/otlp_grpc_receiver.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "storage/memory/memory_store.h"

namespace weft::ingest {
namespace {

namespace otlp_pb = ::opentelemetry::proto::collector::trace::v1;
using ::testing::HasSubstr;

constexpr char kExport[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

TraceId TestTraceId(uint8_t n) {
  std::array<uint8_t, 16> bytes{};
  bytes[0] = 0x4b;
  bytes[15] = n;
  return TraceId(bytes);
}

// A request with one ResourceSpans (`service`) holding `spans` spans of `trace_id`, named
// "span-<i>". `attribute_bytes` > 0 adds an attribute of that many 'a's to each span.
otlp_pb::ExportTraceServiceRequest MakeRequest(const TraceId& trace_id, int spans,
                                               const std::string& service = "checkout",
                                               size_t attribute_bytes = 0) {
  otlp_pb::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  auto* service_name = resource_spans->mutable_resource()->add_attributes();
  service_name->set_key("service.name");
  service_name->mutable_value()->set_string_value(service);
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("test");
  for (int i = 0; i < spans; ++i) {
    auto* span = scope_spans->add_spans();
    span->set_trace_id(std::string(trace_id.AsStringView()));
    span->set_span_id(std::string(SpanId::Random().AsStringView()));
    span->set_name("span-" + std::to_string(i));
    span->set_start_time_unix_nano(1000 + i);
    span->set_end_time_unix_nano(2000 + i);
    if (attribute_bytes > 0) {
      auto* attribute = span->add_attributes();
      attribute->set_key("payload");
      attribute->mutable_value()->set_string_value(std::string(attribute_bytes, 'a'));
    }
  }
  return request;
}

// A SpanWriter whose verdict the test chooses; optionally answers 50 ms later from a thread of
// its own, as a durable store's group commit would. Thread-safe, like every SpanWriter.
class ScriptedWriter : public storage::SpanWriter {
 public:
  explicit ScriptedWriter(absl::Status verdict, bool async = false)
      : verdict_(std::move(verdict)), async_(async) {}
  ~ScriptedWriter() override {
    absl::MutexLock lock(&mu_);
    for (std::thread& t : threads_) t.join();
  }

  void Write(std::string_view, std::unique_ptr<SpanBatch>, storage::WriteDone done) override {
    if (!async_) return std::move(done)(verdict_);
    absl::MutexLock lock(&mu_);
    threads_.emplace_back([verdict = verdict_, done = std::move(done)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::move(done)(verdict);
    });
  }

 private:
  const absl::Status verdict_;
  const bool async_;
  absl::Mutex mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

struct CallResult {
  grpc::Status status;
  std::string response;  // raw bytes
};

class OtlpGrpcReceiverTest : public ::testing::Test {
 protected:
  // Starts the receiver in front of `writer` (the memory store unless the test supplies one).
  void StartReceiver(OtlpGrpcReceiver::Options options = {}, size_t admission_bytes = 256 << 20,
                     std::unique_ptr<storage::SpanWriter> writer = nullptr) {
    writer_ = std::move(writer);
    admission_ = std::make_unique<Admission>(admission_bytes);
    pipeline_ = std::make_unique<Pipeline>(writer_ ? *writer_ : *store_, metrics_);
    auto receiver =
        OtlpGrpcReceiver::Start("127.0.0.1:0", *pipeline_, *admission_, options, metrics_);
    ASSERT_TRUE(receiver.ok()) << receiver.status();
    receiver_ = *std::move(receiver);
    ASSERT_GT(receiver_->port(), 0);
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(-1);
    channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(receiver_->port()),
                                         grpc::InsecureChannelCredentials(), args);
  }

  void TearDown() override {
    if (receiver_) receiver_->Shutdown();
  }

  // The generated (libprotobuf) stub, as an OTel SDK would call it.
  grpc::Status Export(const otlp_pb::ExportTraceServiceRequest& request,
                      otlp_pb::ExportTraceServiceResponse* response,
                      const std::vector<std::pair<std::string, std::string>>& metadata = {},
                      bool gzip = false) {
    grpc::ClientContext context;
    for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
    if (gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    return otlp_pb::TraceService::NewStub(channel_)->Export(&context, request, response);
  }

  // Raw bytes to any method through the generic stub.
  CallResult CallRaw(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    grpc::Slice slice(bytes.data(), bytes.size());
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    CallResult result;
    absl::Notification done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     result.status = std::move(status);
                     done.Notify();
                   });
    done.WaitForNotification();
    std::vector<grpc::Slice> slices;
    if (result.status.ok() && response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        result.response.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return result;
  }

  size_t StoredSpans(std::string_view tenant, const TraceId& id) {
    auto trace = store_->GetTrace(tenant, id);
    EXPECT_TRUE(trace.ok());
    return trace.ok() ? (*trace)->size() : 0;
  }

  uint64_t RequestsWithCode(std::string_view code) {
    return metrics_
        .GetCounter("weft_ingest_grpc_requests_total", "",
                    std::string(R"(receiver="otlp_grpc",code=")") + std::string(code) + "\"")
        .value();
  }

  // Declared (so destroyed) in dependency order: the receiver goes first.
  std::unique_ptr<storage::SpanStore> store_ = storage::NewMemoryStore();
  std::unique_ptr<storage::SpanWriter> writer_;
  MetricsRegistry metrics_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<OtlpGrpcReceiver> receiver_;
  std::shared_ptr<grpc::Channel> channel_;
};

// The RetryInfo delay (seconds) carried by `grpc-status-details-bin`, or -1.
int64_t RetryDelaySeconds(const grpc::Status& status, int expected_code) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return -1;
  EXPECT_EQ(details.code(), expected_code);
  EXPECT_EQ(details.message(), status.error_message());
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) return retry.retry_delay().seconds();
  }
  return -1;
}

TEST_F(OtlpGrpcReceiverTest, ExportStoresSpansReadableFromTheStore) {
  StartReceiver();
  const TraceId id = TestTraceId(1);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = Export(MakeRequest(id, 3), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.has_partial_success());

  auto trace = store_->GetTrace(storage::kDefaultTenant, id);
  ASSERT_TRUE(trace.ok());
  ASSERT_EQ((*trace)->size(), 3u);
  for (const Span& span : (*trace)->spans()) {
    EXPECT_EQ(span.trace_id, id);
    EXPECT_THAT(std::string(span.name), HasSubstr("span-"));
    EXPECT_EQ(ServiceName((*trace)->resource_of(span)), "checkout");
  }
  EXPECT_EQ(RequestsWithCode("OK"), 1u);
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr(R"(weft_ingest_spans_total{receiver="otlp_grpc"} 3)"));
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(OtlpGrpcReceiverTest, EmptyRequestSucceeds) {
  StartReceiver();
  otlp_pb::ExportTraceServiceResponse response;
  EXPECT_TRUE(Export(otlp_pb::ExportTraceServiceRequest(), &response).ok());
  EXPECT_FALSE(response.has_partial_success());
}

TEST_F(OtlpGrpcReceiverTest, InvalidSpansGivePartialSuccess) {
  StartReceiver();
  const TraceId id = TestTraceId(2);
  otlp_pb::ExportTraceServiceRequest request = MakeRequest(id, 3);
  request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_trace_id(
      "short");
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = Export(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(response.has_partial_success());
  EXPECT_EQ(response.partial_success().rejected_spans(), 1);
  EXPECT_FALSE(response.partial_success().error_message().empty());
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, id), 2u);
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr(R"(weft_ingest_rejected_spans_total{receiver="otlp_grpc"} 1)"));
}

TEST_F(OtlpGrpcReceiverTest, GarbageBytesAreInvalidArgument) {
  StartReceiver();
  // Field 1, length-delimited, claiming far more bytes than follow.
  const CallResult result = CallRaw(kExport, std::string("\x0a\xff\xff\xff\x0f\x01\x02", 7));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(result.status.error_message().empty());
  EXPECT_EQ(RequestsWithCode("INVALID_ARGUMENT"), 1u);
  // Corrupt gzip (the magic bytes, then junk).
  EXPECT_EQ(CallRaw(kExport, std::string("\x1f\x8bjunk", 6)).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(OtlpGrpcReceiverTest, RawBytesFromTheGenericStubWork) {
  StartReceiver();
  const TraceId id = TestTraceId(3);
  const CallResult result = CallRaw(kExport, MakeRequest(id, 2).SerializeAsString());
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response, "");  // full success: an empty ExportTraceServiceResponse
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, id), 2u);
}

TEST_F(OtlpGrpcReceiverTest, OversizedRequestIsResourceExhausted) {
  OtlpGrpcReceiver::Options options;
  options.max_request_bytes = 64 << 10;
  StartReceiver(options);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status =
      Export(MakeRequest(TestTraceId(4), 2, "checkout", 40 << 10), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, TestTraceId(4)), 0u);
  // A request under the cap still works on the same server.
  EXPECT_TRUE(Export(MakeRequest(TestTraceId(5), 2), &response).ok());
}

TEST_F(OtlpGrpcReceiverTest, SizeCapAppliesAfterDecompression) {
  // A gzip bomb in miniature: 8 MiB of 'a's compresses to a few KiB, far under the 1 MiB cap.
  OtlpGrpcReceiver::Options options;
  options.max_request_bytes = 1 << 20;
  StartReceiver(options);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status =
      Export(MakeRequest(TestTraceId(6), 1, "checkout", 8 << 20), &response, {}, /*gzip=*/true);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("after decompression"));
  EXPECT_EQ(RequestsWithCode("RESOURCE_EXHAUSTED"), 1u);
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, TestTraceId(6)), 0u);
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
  // Just under the cap inflates fine.
  EXPECT_TRUE(Export(MakeRequest(TestTraceId(7), 1, "checkout", 900 << 10), &response, {},
                     /*gzip=*/true)
                  .ok());
}

TEST_F(OtlpGrpcReceiverTest, InflationIsChargedToAdmission) {
  // The cap allows 64 MiB, but inflating 16 MiB outgrows a 4 MiB budget: refused, retryable,
  // without ever holding the whole inflated request.
  StartReceiver({}, /*admission_bytes=*/4 << 20);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status =
      Export(MakeRequest(TestTraceId(15), 1, "checkout", 16 << 20), &response, {}, /*gzip=*/true);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(RetryDelaySeconds(status, 14), 1);
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(OtlpGrpcReceiverTest, DeflateIsRefused) {
  StartReceiver();
  grpc::ClientContext context;
  context.set_compression_algorithm(GRPC_COMPRESS_DEFLATE);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = otlp_pb::TraceService::NewStub(channel_)->Export(
      &context, MakeRequest(TestTraceId(16), 1), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << status.error_message();
}

TEST_F(OtlpGrpcReceiverTest, GzipRequestsAreAccepted) {
  StartReceiver();
  const TraceId id = TestTraceId(17);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status =
      Export(MakeRequest(id, 5, "checkout", 1000), &response, {}, /*gzip=*/true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, id), 5u);
}

TEST_F(OtlpGrpcReceiverTest, AdmissionRefusalIsUnavailableWithRetryInfo) {
  StartReceiver({}, /*admission_bytes=*/16);
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = Export(MakeRequest(TestTraceId(8), 3), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(RetryDelaySeconds(status, 14), 1);
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr(R"(weft_ingest_admission_refused_total{receiver="otlp_grpc"} 1)"));
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, TestTraceId(8)), 0u);
}

TEST_F(OtlpGrpcReceiverTest, TenantHeaderRoutesSpans) {
  StartReceiver();
  const TraceId id = TestTraceId(9);
  otlp_pb::ExportTraceServiceResponse response;
  ASSERT_TRUE(Export(MakeRequest(id, 1), &response, {{"x-scope-orgid", "team-a"}}).ok());
  ASSERT_TRUE(Export(MakeRequest(id, 2), &response, {{"x-scope-orgid", "(Team_B.*')!"}}).ok());
  EXPECT_EQ(StoredSpans("team-a", id), 1u);
  EXPECT_EQ(StoredSpans("(Team_B.*')!", id), 2u);
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, id), 0u);
  ASSERT_TRUE(
      Export(MakeRequest(id, 1), &response, {{"x-scope-orgid", std::string(150, 'x')}}).ok());
}

TEST_F(OtlpGrpcReceiverTest, InvalidTenantsAreInvalidArgument) {
  StartReceiver();
  const TraceId id = TestTraceId(10);
  for (const std::string& tenant :
       {std::string("."), std::string(".."), std::string(151, 'x'), std::string("a|b"),
        std::string("a b"), std::string("a/b"), std::string("")}) {
    otlp_pb::ExportTraceServiceResponse response;
    const grpc::Status status = Export(MakeRequest(id, 1), &response, {{"x-scope-orgid", tenant}});
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "tenant " << tenant;
    EXPECT_THAT(status.error_message(), HasSubstr("x-scope-orgid"));
  }
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status twice =
      Export(MakeRequest(id, 1), &response, {{"x-scope-orgid", "a"}, {"x-scope-orgid", "b"}});
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(StoredSpans(storage::kDefaultTenant, id), 0u);
}

TEST_F(OtlpGrpcReceiverTest, UnknownMethodsAreUnimplemented) {
  StartReceiver();
  const std::string bytes = MakeRequest(TestTraceId(11), 1).SerializeAsString();
  EXPECT_EQ(CallRaw("/opentelemetry.proto.collector.trace.v1.TraceService/Other", bytes)
                .status.error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallRaw("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", bytes)
                .status.error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(RequestsWithCode("UNIMPLEMENTED"), 2u);
}

TEST_F(OtlpGrpcReceiverTest, StorageUnavailableIsUnavailableWithRetryInfo) {
  StartReceiver({}, 256 << 20,
                std::make_unique<ScriptedWriter>(absl::UnavailableError("WAL is behind")));
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = Export(MakeRequest(TestTraceId(12), 1), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("WAL is behind"));
  EXPECT_EQ(RetryDelaySeconds(status, 14), 1);
}

TEST_F(OtlpGrpcReceiverTest, StorageResourceExhaustedIsUnavailableWithRetryInfo) {
  StartReceiver({}, 256 << 20,
                std::make_unique<ScriptedWriter>(absl::ResourceExhaustedError("head is full")));
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = Export(MakeRequest(TestTraceId(13), 1), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(RetryDelaySeconds(status, 14), 1);
}

TEST_F(OtlpGrpcReceiverTest, OtherStorageErrorsAreInternal) {
  StartReceiver({}, 256 << 20,
                std::make_unique<ScriptedWriter>(absl::DataLossError("disk says no")));
  otlp_pb::ExportTraceServiceResponse response;
  const grpc::Status status = Export(MakeRequest(TestTraceId(14), 1), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("disk says no"));
}

TEST_F(OtlpGrpcReceiverTest, AnswerWaitsForAsynchronousStorage) {
  StartReceiver({}, 256 << 20, std::make_unique<ScriptedWriter>(absl::OkStatus(), /*async=*/true));
  // Several calls in flight at once, each answered from a storage thread.
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      otlp_pb::ExportTraceServiceResponse response;
      if (Export(MakeRequest(TestTraceId(20 + i), 2), &response).ok()) ++ok;
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(OtlpGrpcReceiverTest, ShutdownWaitsForInFlightWrites) {
  StartReceiver({}, 256 << 20, std::make_unique<ScriptedWriter>(absl::OkStatus(), /*async=*/true));
  std::atomic<bool> answered_ok{false};
  std::thread client([&] {
    otlp_pb::ExportTraceServiceResponse response;
    answered_ok = Export(MakeRequest(TestTraceId(30), 1), &response).ok();
  });
  // Let the call reach storage (which answers 50 ms later), then shut down.
  for (int i = 0; i < 200 && admission_->bytes_in_flight() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  receiver_->Shutdown();
  client.join();
  EXPECT_TRUE(answered_ok.load());
}

TEST_F(OtlpGrpcReceiverTest, PortInUseIsAnError) {
  StartReceiver();
  auto second = OtlpGrpcReceiver::Start("127.0.0.1:" + std::to_string(receiver_->port()),
                                        *pipeline_, *admission_, {}, metrics_);
  EXPECT_FALSE(second.ok());
}

}  // namespace
}  // namespace weft::ingest
