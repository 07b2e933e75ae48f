// The SDK end to end against the real `weft serve`: spans made with the public API, exported by
// the batch processor over OTLP/HTTP (and set up from the environment), read back from the Tempo
// API with their parents, attributes, events and status.
#include <string>
#include <thread>

#include <stdlib.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "subprocess.h"
#include "weft/sdk.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using weft::testing::HttpRequest;
using weft::testing::ServerProcess;

class SdkServeTest : public ::testing::Test {
 protected:
  ServerProcess server_{WEFT_BINARY};

  std::string Endpoint() const {
    return "http://127.0.0.1:" + std::to_string(server_.port("otlp-http")) + "/v1/traces";
  }
  // The trace from the Tempo API, retried briefly (the server acknowledges before indexing).
  std::string ReadTrace(const std::string& trace_hex) {
    for (int i = 0; i < 50; ++i) {
      auto read = HttpRequest(server_.port("tempo"), "GET", "/api/traces/" + trace_hex);
      if (read.status == 200) return read.body;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }
};

TEST_F(SdkServeTest, BatchExportedSpansAreReadBack) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  TracerProviderOptions options;
  options.resource.Set("service.name", "sdk-shop");
  OtlpExporterOptions otlp;
  otlp.endpoint = Endpoint();
  options.processors.push_back(BatchProcessor(OtlpExporter(otlp)));
  TracerProvider provider(std::move(options));
  Tracer tracer = provider.GetTracer("shop.checkout", "3.1");

  std::string trace_hex, root_hex;
  {
    Span root = tracer.StartSpan(
        "POST /checkout",
        {.kind = SpanKind::kServer, .attributes = {{"http.request.method", "POST"}}});
    trace_hex = root.Context().trace_id.ToHex();
    root_hex = root.Context().span_id.ToHex();
    Scope scope(root);
    Span db = tracer.StartSpan("SELECT stock", {.kind = SpanKind::kClient});
    db.SetAttribute("db.rows", 12);
    db.AddEvent("cache miss", {{"key", "sku-42"}});
    db.SetStatus(StatusCode::kError, "deadlock");
  }
  ASSERT_TRUE(provider.ForceFlush(std::chrono::seconds(10)));
  EXPECT_EQ(provider.Stats().spans_exported, 2u);

  const std::string body = ReadTrace(trace_hex);
  EXPECT_THAT(body, HasSubstr("\"stringValue\":\"sdk-shop\""));
  EXPECT_THAT(body, HasSubstr("\"name\":\"POST /checkout\""));
  EXPECT_THAT(body, HasSubstr("\"name\":\"SELECT stock\""));
  EXPECT_THAT(body, HasSubstr("\"parentSpanId\":\"" + root_hex + "\""));
  EXPECT_THAT(body, HasSubstr("\"message\":\"deadlock\""));
  EXPECT_THAT(body, HasSubstr("\"name\":\"cache miss\""));
  EXPECT_THAT(body, HasSubstr("\"name\":\"shop.checkout\""));
  EXPECT_THAT(body, HasSubstr("\"version\":\"3.1\""));
}

TEST_F(SdkServeTest, GrpcExportedSpansAreReadBack) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  TracerProviderOptions options;
  options.resource.Set("service.name", "grpc-shop");
  OtlpExporterOptions otlp;
  otlp.protocol = OtlpExporterOptions::Protocol::kGrpc;
  otlp.endpoint = "http://127.0.0.1:" + std::to_string(server_.port("otlp-grpc"));
  options.processors.push_back(BatchProcessor(OtlpExporter(otlp)));
  TracerProvider provider(std::move(options));
  std::string trace_hex;
  {
    Span span = provider.GetTracer("grpc").StartSpan("over grpc", {.kind = SpanKind::kProducer});
    trace_hex = span.Context().trace_id.ToHex();
  }
  ASSERT_TRUE(provider.ForceFlush(std::chrono::seconds(10)));
  EXPECT_EQ(provider.Stats().spans_exported, 1u);
  const std::string body = ReadTrace(trace_hex);
  EXPECT_THAT(body, HasSubstr("\"stringValue\":\"grpc-shop\""));
  EXPECT_THAT(body, HasSubstr("\"name\":\"over grpc\""));
}

TEST_F(SdkServeTest, InitFromEnvironmentExportsOnShutdown) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  const std::string base = "http://127.0.0.1:" + std::to_string(server_.port("otlp-http"));
  setenv("OTEL_EXPORTER_OTLP_ENDPOINT", base.c_str(), 1);
  setenv("OTEL_SERVICE_NAME", "env-service", 1);
  setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test%20lab", 1);
  setenv("OTEL_BSP_SCHEDULE_DELAY", "60000", 1);  // only shutdown exports
  std::string trace_hex;
  {
    auto sdk = sdk::InitFromEnvironment();
    ASSERT_TRUE(sdk);
    Span span = GetTracer("env").StartSpan("from env");
    trace_hex = span.Context().trace_id.ToHex();
  }  // span ends, then the handle flushes and shuts down
  for (const char* v : {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME",
                        "OTEL_RESOURCE_ATTRIBUTES", "OTEL_BSP_SCHEDULE_DELAY"}) {
    unsetenv(v);
  }
  EXPECT_EQ(GetGlobalTracerProvider(), nullptr);
  const std::string body = ReadTrace(trace_hex);
  EXPECT_THAT(body, HasSubstr("\"stringValue\":\"env-service\""));
  EXPECT_THAT(body, HasSubstr("\"stringValue\":\"test lab\""));
  EXPECT_THAT(body, HasSubstr("\"name\":\"from env\""));
}

TEST_F(SdkServeTest, ManySpansFromManyThreadsAllArrive) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  TracerProviderOptions options;
  OtlpExporterOptions otlp;
  otlp.endpoint = Endpoint();
  BatchOptions batch;
  batch.schedule_delay = std::chrono::milliseconds(50);
  options.processors.push_back(BatchProcessor(OtlpExporter(otlp), batch));
  TracerProvider provider(std::move(options));
  Tracer tracer = provider.GetTracer("load");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        Span s = tracer.StartSpan("op", {.attributes = {{"i", i}}});
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(provider.ForceFlush(std::chrono::seconds(20)));
  EXPECT_EQ(provider.Stats().spans_exported, 20000u);
  EXPECT_EQ(provider.Stats().spans_dropped, 0u);
}

}  // namespace
}  // namespace weft
