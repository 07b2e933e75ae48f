// `weft serve` end to end: spans sent over OTLP/HTTP (protobuf and JSON) and Zipkin are read back
// from the Tempo API; /metrics counts them; SIGTERM stops the server cleanly; a port in use is a
// clear start-up error.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "model/span_batch.h"
#include "otlp/proto_codec.h"
#include "subprocess.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using weft::testing::HttpRequest;
using weft::testing::ServerProcess;

constexpr const char* kTraceHex = "5b8efff798038103d269b633813fc60c";

std::string ProtobufRequest() {
  SpanBatch batch;
  const KeyValue resource_attrs[] = {{"service.name", AnyValue::String("cart")}};
  const uint32_t r =
      batch.AddResource({batch.arena().CopyArray(Attributes(resource_attrs)), 0, ""});
  const uint32_t s = batch.AddScope(r, {"cart-lib", "2.1", {}, 0, ""});
  Span root;
  root.trace_id = *TraceId::FromHex(kTraceHex);
  root.span_id = *SpanId::FromHex("eee19b7ec3c1b174");
  root.name = "POST /cart/items";
  root.kind = SpanKind::kServer;
  root.start_time_unix_nano = 1'700'000'000'000'000'000ULL;
  root.end_time_unix_nano = root.start_time_unix_nano + 42'000'000;
  const KeyValue attrs[] = {{"http.status_code", AnyValue::Int(201)}};
  root.attributes = batch.arena().CopyArray(Attributes(attrs));
  root.scope_index = s;
  batch.AddSpan(root);
  Span child = root;
  child.span_id = *SpanId::FromHex("eee19b7ec3c1b175");
  child.parent_span_id = root.span_id;
  child.name = "SELECT items";
  child.kind = SpanKind::kClient;
  child.status_code = StatusCode::kError;
  child.status_message = "deadlock";
  batch.AddSpan(child);
  std::string out;
  otlp::EncodeExportRequest(batch, out);
  return out;
}

class ServeBinaryTest : public ::testing::Test {
 protected:
  ServerProcess server_{WEFT_BINARY};
};

TEST_F(ServeBinaryTest, ProtobufOverHttpIsReadBackFromTempoApi) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  auto sent = HttpRequest(server_.port("otlp-http"), "POST", "/v1/traces",
                          {{"Content-Type", "application/x-protobuf"}}, ProtobufRequest());
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.Header("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(sent.body, "");  // full success: an empty ExportTraceServiceResponse

  auto read = HttpRequest(server_.port("tempo"), "GET", std::string("/api/traces/") + kTraceHex);
  ASSERT_EQ(read.status, 200);
  EXPECT_THAT(read.body, HasSubstr("\"stringValue\":\"cart\""));
  EXPECT_THAT(read.body, HasSubstr("\"name\":\"POST /cart/items\""));
  EXPECT_THAT(read.body, HasSubstr("\"parentSpanId\":\"eee19b7ec3c1b174\""));
  EXPECT_THAT(read.body, HasSubstr("\"message\":\"deadlock\""));
  EXPECT_THAT(read.body, HasSubstr("\"version\":\"2.1\""));

  auto metrics = HttpRequest(server_.port("http"), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("weft_ingest_spans_total{receiver=\"otlp_http\"} 2"));
}

TEST_F(ServeBinaryTest, JsonOverHttpRoundTrips) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  const std::string body = R"({"resourceSpans":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"web"}}]},"scopeSpans":[{"spans":[
      {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"B7AD6B7169203331","name":"GET /",
       "kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000500000000}
      ]}]}]})";
  auto sent = HttpRequest(server_.port("otlp-http"), "POST", "/v1/traces",
                          {{"Content-Type", "application/json"}}, body);
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.body, "{}");
  auto read =
      HttpRequest(server_.port("tempo"), "GET", "/api/traces/0af7651916cd43dd8448eb211c80319c");
  ASSERT_EQ(read.status, 200);
  EXPECT_THAT(read.body, HasSubstr("\"spanId\":\"b7ad6b7169203331\""));
  EXPECT_THAT(read.body, HasSubstr("\"endTimeUnixNano\":\"1700000000500000000\""));
}

TEST_F(ServeBinaryTest, ZipkinSpansAreReadBackFromTempoApi) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  const std::string body = R"([{"traceId":"463ac35c9f6413ad","id":"72485a3953bb6124",
      "name":"get /api","kind":"SERVER","timestamp":1700000000000000,"duration":2500,
      "localEndpoint":{"serviceName":"frontend"},"tags":{"http.method":"GET"}}])";
  auto sent = HttpRequest(server_.port("zipkin"), "POST", "/api/v2/spans",
                          {{"Content-Type", "application/json"}}, body);
  ASSERT_EQ(sent.status, 202) << sent.body;
  auto read = HttpRequest(server_.port("tempo"), "GET", "/api/traces/463ac35c9f6413ad");
  ASSERT_EQ(read.status, 200);
  EXPECT_THAT(read.body, HasSubstr("\"stringValue\":\"frontend\""));
  EXPECT_THAT(read.body, HasSubstr("\"traceId\":\"0000000000000000463ac35c9f6413ad\""));
  EXPECT_THAT(read.body, HasSubstr("\"endTimeUnixNano\":\"1700000000002500000\""));
}

TEST_F(ServeBinaryTest, BadInputGetsTheDocumentedAnswers) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  const int port = server_.port("otlp-http");
  EXPECT_EQ(HttpRequest(port, "GET", "/v1/traces").status, 405);
  EXPECT_EQ(HttpRequest(port, "POST", "/v1/traces", {{"Content-Type", "text/plain"}}, "x").status,
            415);
  auto garbage = HttpRequest(port, "POST", "/v1/traces",
                             {{"Content-Type", "application/x-protobuf"}}, "\x0a\xff\xff\xff");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(HttpRequest(server_.port("tempo"), "GET", "/api/traces/abcdef").status, 404);
}

TEST_F(ServeBinaryTest, SigtermStopsCleanly) {
  ASSERT_TRUE(server_.ready()) << server_.output();
  EXPECT_EQ(server_.Stop(), 0);
  EXPECT_THAT(server_.output(), HasSubstr("weft: stopped"));
}

TEST(ServeBinaryStartTest, PortInUseIsAClearError) {
  ServerProcess first(WEFT_BINARY);
  ASSERT_TRUE(first.ready()) << first.output();
  const std::string taken = "127.0.0.1:" + std::to_string(first.port("tempo"));
  auto second = weft::testing::RunCommand(
      {WEFT_BINARY, "serve", "--storage=memory", "--otlp-grpc-addr=127.0.0.1:0",
       "--otlp-http-addr=127.0.0.1:0", "--zipkin-addr=127.0.0.1:0", "--tempo-addr=" + taken,
       "--http-addr=127.0.0.1:0"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.output, HasSubstr("tempo listener on " + taken));
}

}  // namespace
}  // namespace weft
