#include "api/tempo_api.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "otlp/proto_codec.h"
#include "storage/memory/memory_store.h"

namespace weft::api {
namespace {

using ::testing::HasSubstr;
using weft::testing::HttpRequest;

TEST(ParseTraceIdParamTest, Rules) {
  EXPECT_EQ(ParseTraceIdParam("4BF92F3577B34DA6A3CE929D0E0E4736")->ToHex(),
            "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(ParseTraceIdParam("abc")->ToHex(), "00000000000000000000000000000abc");
  EXPECT_FALSE(ParseTraceIdParam("").ok());
  EXPECT_FALSE(ParseTraceIdParam(std::string(33, 'a')).ok());
  EXPECT_FALSE(ParseTraceIdParam("xyz").ok());
  EXPECT_FALSE(ParseTraceIdParam("0000").ok());
}

class TempoApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    RegisterTempoRoutes(server_, *store_);
    port_ = *server_.Listen("127.0.0.1:0");
    auto batch = std::make_unique<SpanBatch>();
    const KeyValue attrs[] = {{"service.name", AnyValue::String("checkout")}};
    const uint32_t r = batch->AddResource({batch->arena().CopyArray(Attributes(attrs)), 0, ""});
    const uint32_t s = batch->AddScope(r, {"weft-test", "1", {}, 0, ""});
    Span span;
    span.trace_id = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
    span.span_id = *SpanId::FromHex("00f067aa0ba902b7");
    span.name = "GET /cart";
    span.kind = SpanKind::kServer;
    span.start_time_unix_nano = 1'700'000'000'000'000'000ULL;
    span.end_time_unix_nano = span.start_time_unix_nano + 5'000'000;
    span.scope_index = s;
    batch->AddSpan(span);
    store_->Write(storage::kDefaultTenant, std::move(batch),
                  [](absl::Status status) { ASSERT_TRUE(status.ok()); });
  }

  std::unique_ptr<storage::SpanStore> store_;
  http::HttpServer server_;
  int port_ = 0;
};

TEST_F(TempoApiTest, TraceAsJsonInTempoShape) {
  auto r = HttpRequest(port_, "GET", "/api/traces/4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_THAT(r.body, HasSubstr("{\"batches\":["));
  EXPECT_THAT(r.body, HasSubstr("\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\""));
  EXPECT_THAT(r.body, HasSubstr("\"name\":\"GET /cart\""));
  EXPECT_THAT(r.body, HasSubstr("checkout"));
}

TEST_F(TempoApiTest, TraceAsProtobufWhenAsked) {
  auto r = HttpRequest(port_, "GET", "/api/traces/4bf92f3577b34da6a3ce929d0e0e4736",
                       {{"Accept", "application/protobuf"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/protobuf");
  SpanBatch decoded;
  ASSERT_TRUE(otlp::DecodeExportRequest(decoded.AdoptInput(r.body), decoded).ok());
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded.spans()[0].name, "GET /cart");
}

TEST_F(TempoApiTest, UnknownTraceIs404AndBadIdIs400) {
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/traces/1234").status, 404);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/traces/not-hex").status, 400);
}

TEST_F(TempoApiTest, TenantsAreSeparateAndValidated) {
  const std::string path = "/api/traces/4bf92f3577b34da6a3ce929d0e0e4736";
  EXPECT_EQ(HttpRequest(port_, "GET", path, {{"X-Scope-OrgID", "other"}}).status, 404);
  EXPECT_EQ(HttpRequest(port_, "GET", path, {{"X-Scope-OrgID", ".."}}).status, 400);
}

TEST_F(TempoApiTest, ReadyAndEcho) {
  EXPECT_EQ(HttpRequest(port_, "GET", "/ready").status, 200);
  EXPECT_EQ(HttpRequest(port_, "GET", "/api/echo").body, "echo");
}

}  // namespace
}  // namespace weft::api
