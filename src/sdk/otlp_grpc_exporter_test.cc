// The OTLP/gRPC exporter against a scripted gRPC server (a generic callback service on
// 127.0.0.1:0): the request is a decodable ExportTraceServiceRequest on the OTLP method, a
// retryable code is retried after the delay the server's RetryInfo asks for, RESOURCE_EXHAUSTED
// without RetryInfo and INVALID_ARGUMENT are not retried.
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_callback.h>
#include <gtest/gtest.h>

#include "otlp/proto_codec.h"
#include "sdk/export_test_records.h"
#include "sdk/exporter_factories.h"

namespace weft {
namespace {

using Clock = std::chrono::steady_clock;
using v1::detail::ExportResult;

// Answers each call with the next scripted status (the last one repeats) and records what came.
class FakeGrpcCollector final : public grpc::CallbackGenericService {
 public:
  struct Answer {
    grpc::StatusCode code = grpc::StatusCode::OK;
    std::string message;
    std::string details;  // grpc-status-details-bin: a google.rpc.Status
  };
  struct Call {
    std::string method;
    std::string body;
    Clock::time_point at;
  };

  explicit FakeGrpcCollector(std::vector<Answer> script) : script_(std::move(script)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeGrpcCollector() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Reactor(*this, ctx);
  }

 private:
  class Reactor final : public grpc::ServerGenericBidiReactor {
   public:
    Reactor(FakeGrpcCollector& owner, grpc::GenericCallbackServerContext* ctx)
        : owner_(owner), ctx_(ctx) {
      StartRead(&request_);
    }
    void OnReadDone(bool ok) override {
      if (!ok) {
        Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
        return;
      }
      std::vector<grpc::Slice> slices;
      std::string body;
      if (request_.Dump(&slices).ok()) {
        for (const grpc::Slice& s : slices) {
          body.append(reinterpret_cast<const char*>(s.begin()), s.size());
        }
      }
      const Answer answer = owner_.Record({ctx_->method(), std::move(body), Clock::now()});
      if (answer.code != grpc::StatusCode::OK) {
        Finish(grpc::Status(answer.code, answer.message, answer.details));
        return;
      }
      grpc::Slice empty;  // an empty ExportTraceServiceResponse
      response_ = grpc::ByteBuffer(&empty, 1);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
    void OnDone() override { delete this; }

   private:
    FakeGrpcCollector& owner_;
    grpc::GenericCallbackServerContext* ctx_;
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_;
  };

  Answer Record(Call call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
    return script_[std::min(calls_.size(), script_.size()) - 1];
  }

  std::vector<Answer> script_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mutex_;
  std::vector<Call> calls_;
};

using Answer = FakeGrpcCollector::Answer;

v1::detail::OtlpConfig GrpcConfig(const std::string& url) {
  v1::detail::OtlpConfig c;
  c.grpc = true;
  c.endpoint = url;
  c.timeout = std::chrono::seconds(10);
  c.initial_backoff = std::chrono::milliseconds(10);
  c.max_backoff = std::chrono::milliseconds(50);
  return c;
}

ExportResult ExportThree(const std::string& url, v1::detail::OtlpConfig config = {}) {
  if (config.endpoint.empty()) config = GrpcConfig(url);
  auto exporter = v1::detail::MakeOtlpGrpcExporter(config);
  EXPECT_NE(exporter, nullptr);
  if (exporter == nullptr) return ExportResult::kFailure;
  testing::Records records(3);
  return exporter->Export(records.list, Clock::now() + std::chrono::seconds(10));
}

TEST(OtlpGrpcExporterTest, SendsADecodableRequestOnTheOtlpMethod) {
  FakeGrpcCollector collector({Answer{}});
  EXPECT_EQ(ExportThree(collector.url()), ExportResult::kSuccess);
  const auto calls = collector.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "/opentelemetry.proto.collector.trace.v1.TraceService/Export");
  SpanBatch batch;
  auto decoded = otlp::DecodeExportRequest(calls[0].body, batch);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.spans()[0].name, "GET /cart");
}

TEST(OtlpGrpcExporterTest, RetriesUnavailableAfterTheRetryInfoDelay) {
  const std::string details = otlp::EncodeRpcStatus(static_cast<int>(grpc::StatusCode::UNAVAILABLE),
                                                    "busy", /*retry_delay_seconds=*/1);
  FakeGrpcCollector collector({{grpc::StatusCode::UNAVAILABLE, "busy", details}, Answer{}});
  EXPECT_EQ(ExportThree(collector.url()), ExportResult::kSuccess);
  const auto calls = collector.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_GE(calls[1].at - calls[0].at, std::chrono::milliseconds(950))
      << "RetryInfo's 1 s, not the 10 ms backoff";
}

TEST(OtlpGrpcExporterTest, RetriesUnavailableWithBackoffWithoutRetryInfo) {
  FakeGrpcCollector collector({{grpc::StatusCode::UNAVAILABLE, "busy", ""},
                               {grpc::StatusCode::UNAVAILABLE, "busy", ""},
                               Answer{}});
  EXPECT_EQ(ExportThree(collector.url()), ExportResult::kSuccess);
  const auto calls = collector.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_LT(calls[2].at - calls[0].at, std::chrono::milliseconds(900));
}

TEST(OtlpGrpcExporterTest, NeverRetriesInvalidArgumentNorUnexplainedResourceExhausted) {
  for (const grpc::StatusCode code :
       {grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::RESOURCE_EXHAUSTED}) {
    FakeGrpcCollector collector({{code, "no", ""}, Answer{}});
    EXPECT_EQ(ExportThree(collector.url()), ExportResult::kFailure) << static_cast<int>(code);
    EXPECT_EQ(collector.calls().size(), 1u) << static_cast<int>(code);
  }
}

TEST(OtlpGrpcExporterTest, RetriesResourceExhaustedWhenTheServerSaysWhen) {
  const std::string details =
      otlp::EncodeRpcStatus(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED), "slow down", 1);
  FakeGrpcCollector collector(
      {{grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down", details}, Answer{}});
  EXPECT_EQ(ExportThree(collector.url()), ExportResult::kSuccess);
  EXPECT_EQ(collector.calls().size(), 2u);
}

}  // namespace
}  // namespace weft
