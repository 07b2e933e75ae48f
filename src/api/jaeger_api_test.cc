// Jaeger-compatible API: the exact JSON of a trace (a recorded shape), envelopes of services and
// operations, search by service / operation / tags / duration / time, and the errors.
#include "api/jaeger_api.h"

#include <memory>

#include "api/api_test_traces.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "storage/memory/memory_store.h"

namespace weft::api {
namespace {

using ::testing::HasSubstr;
using weft::testing::HttpRequest;

using weft::api::testing::kStart;
constexpr const char* kTrace = weft::api::testing::kCheckoutTrace;

class JaegerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    RegisterJaegerRoutes(server_, *store_, clock_);
    port_ = *server_.Listen("127.0.0.1:0");

    store_->Write(storage::kDefaultTenant, testing::CheckoutBatch(/*root_flags=*/1),
                  [](absl::Status status) { ASSERT_TRUE(status.ok()); });
  }

  weft::testing::HttpResult Get(const std::string& target) {
    return HttpRequest(port_, "GET", target);
  }

  FakeClock clock_{kStart + 1'000'000'000};
  std::unique_ptr<storage::SpanStore> store_;
  http::HttpServer server_;
  int port_ = 0;
};

TEST_F(JaegerApiTest, TraceByIdInJaegerShape) {
  const weft::testing::HttpResult r = Get(std::string("/api/traces/") + kTrace);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(
      r.body,
      R"({"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[)"
      R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b7",)"
      R"("operationName":"GET /cart","references":[],"startTime":1700000000000000,)"
      R"("duration":250000,"tags":[{"key":"http.status_code","type":"int64","value":500},)"
      R"({"key":"cache.hit","type":"bool","value":false},)"
      R"({"key":"span.kind","type":"string","value":"server"},)"
      R"({"key":"otel.scope.name","type":"string","value":"shop"},)"
      R"({"key":"otel.scope.version","type":"string","value":"1.2"}],"logs":[],)"
      R"("processID":"p1","warnings":null,"flags":1},)"
      R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b8",)"
      R"("operationName":"charge","references":[)"
      R"({"refType":"CHILD_OF","traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b7"},)"
      R"({"refType":"FOLLOWS_FROM","traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"b7ad6b7169203331"}],)"
      R"("startTime":1700000000010000,"duration":50000,"tags":[)"
      R"({"key":"span.kind","type":"string","value":"client"},)"
      R"({"key":"error","type":"bool","value":true},)"
      R"({"key":"otel.status_code","type":"string","value":"ERROR"},)"
      R"({"key":"otel.status_description","type":"string","value":"card declined"},)"
      R"({"key":"otel.scope.name","type":"string","value":"shop"},)"
      R"({"key":"otel.scope.version","type":"string","value":"1.2"}],)"
      R"("logs":[{"timestamp":1700000000020000,"fields":[)"
      R"({"key":"event","type":"string","value":"exception"},)"
      R"({"key":"exception.type","type":"string","value":"Declined"}]}],)"
      R"("processID":"p1","warnings":null,"flags":0}],)"
      R"("processes":{"p1":{"serviceName":"checkout","tags":[)"
      R"({"key":"host.name","type":"string","value":"web-1"}]}},"warnings":null}],)"
      R"("total":1,"limit":0,"offset":0,"errors":null})");
}

TEST_F(JaegerApiTest, UnknownAndBadTraceIds) {
  weft::testing::HttpResult r = Get("/api/traces/0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(
      r.body,
      R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]})");
  r = Get("/api/traces/xyz");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr(R"("code":400)"));
}

TEST_F(JaegerApiTest, ServicesAndOperations) {
  EXPECT_EQ(Get("/api/services").body,
            R"({"data":["checkout"],"total":1,"limit":0,"offset":0,"errors":null})");
  EXPECT_EQ(Get("/api/services/checkout/operations").body,
            R"({"data":["GET /cart","charge"],"total":2,"limit":0,"offset":0,"errors":null})");
  EXPECT_EQ(
      Get("/api/operations?service=checkout&spanKind=server").body,
      R"({"data":[{"name":"GET /cart","spanKind":"server"}],"total":1,"limit":0,"offset":0,"errors":null})");
  EXPECT_EQ(Get("/api/services/nobody/operations").body,
            R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})");
  EXPECT_EQ(Get("/api/operations").status, 400);
}

// The trace ids a search returns.
std::vector<std::string> Found(const std::string& body) {
  std::vector<std::string> ids;
  for (size_t at = body.find("{\"traceID\":\""); at != std::string::npos;
       at = body.find("{\"traceID\":\"", at + 1)) {
    const std::string id = body.substr(at + 12, 32);
    if (body.compare(at + 44, 10, "\",\"spans\":") == 0) ids.push_back(id);
  }
  return ids;
}

TEST_F(JaegerApiTest, SearchByServiceOperationTagsAndDuration) {
  const std::vector<std::string> hit = {kTrace};
  const std::vector<std::string> none;
  EXPECT_EQ(Found(Get("/api/traces?service=checkout").body), hit);
  EXPECT_EQ(Found(Get("/api/traces?service=nobody").body), none);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&operation=charge").body), hit);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&operation=refund").body), none);
  // Tags as the Jaeger UI sends them (JSON, URL-encoded), as key:value, on span and process.
  EXPECT_EQ(
      Found(Get("/api/traces?service=checkout&tags=%7B%22http.status_code%22%3A%22500%22%7D").body),
      hit);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&tags=http.status_code:404").body), none);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&tags=host.name:web-1").body), hit);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&tags=error:true").body), hit);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&tags=exception.type:Declined").body), hit);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&minDuration=200ms").body), hit);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&minDuration=1s").body), none);
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&maxDuration=10ms").body), none);
  // Time: the default lookback (1h before the fake clock's now) holds the trace; a window an
  // hour later does not.
  const uint64_t later_us = (kStart + 7200'000'000'000ULL) / 1000;
  EXPECT_EQ(Found(Get("/api/traces?service=checkout&end=" + std::to_string(later_us)).body), none);
  EXPECT_EQ(
      Found(Get("/api/traces?service=checkout&end=" + std::to_string(later_us) + "&lookback=3h")
                .body),
      hit);
}

TEST_F(JaegerApiTest, DependenciesBetweenServices) {
  // cart calls checkout: a cart span, and a checkout span whose parent it is.
  auto batch = std::make_unique<SpanBatch>();
  const KeyValue cart_attrs[] = {{"service.name", AnyValue::String("cart")}};
  const uint32_t r = batch->AddResource({batch->arena().CopyArray(Attributes(cart_attrs)), 0, ""});
  const uint32_t s = batch->AddScope(r, {"t", "1", {}, 0, ""});
  Span caller;
  caller.trace_id = *TraceId::FromHex(kTrace);
  caller.span_id = *SpanId::FromHex("00000000000000c1");
  caller.name = "checkout call";
  caller.start_time_unix_nano = kStart - 1'000'000;
  caller.end_time_unix_nano = kStart + 300'000'000;
  caller.scope_index = s;
  batch->AddSpan(caller);
  store_->Write(storage::kDefaultTenant, std::move(batch), [](absl::Status) {});
  auto child = std::make_unique<SpanBatch>();
  const KeyValue checkout_attrs[] = {{"service.name", AnyValue::String("checkout")}};
  const uint32_t r2 =
      child->AddResource({child->arena().CopyArray(Attributes(checkout_attrs)), 0, ""});
  const uint32_t s2 = child->AddScope(r2, {"t", "1", {}, 0, ""});
  Span served;
  served.trace_id = *TraceId::FromHex(kTrace);
  served.span_id = *SpanId::FromHex("00000000000000c2");
  served.parent_span_id = caller.span_id;
  served.name = "POST /checkout";
  served.start_time_unix_nano = kStart;
  served.end_time_unix_nano = kStart + 200'000'000;
  served.scope_index = s2;
  child->AddSpan(served);
  store_->Write(storage::kDefaultTenant, std::move(child), [](absl::Status) {});

  const uint64_t end_ms = (kStart + 1'000'000'000) / 1'000'000;
  EXPECT_EQ(
      Get("/api/dependencies?endTs=" + std::to_string(end_ms) + "&lookback=3600000").body,
      R"({"data":[{"parent":"cart","child":"checkout","callCount":1}],"total":1,"limit":0,"offset":0,"errors":null})");
  EXPECT_EQ(
      Get("/api/dependencies?endTs=" + std::to_string(end_ms - 3'600'000) + "&lookback=1000").body,
      R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})")
      << "nothing in that window";
  EXPECT_EQ(Get("/api/dependencies?lookback=soon").status, 400);
}

TEST_F(JaegerApiTest, SearchErrorsAre400WithTheReason) {
  for (const char* bad :
       {"/api/traces", "/api/traces?service=checkout&minDuration=fast",
        "/api/traces?service=checkout&limit=0", "/api/traces?service=checkout&limit=100000",
        "/api/traces?service=checkout&tags=%7Bnot-json",
        "/api/traces?service=checkout&tags=nocolon", "/api/traces?service=checkout&start=10&end=5",
        "/api/traces?service=checkout&start=abc", "/api/traces?service=%zz"}) {
    const weft::testing::HttpResult r = Get(bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_THAT(r.body, HasSubstr(R"("errors":[{"code":400,"msg":")")) << bad;
  }
}

}  // namespace
}  // namespace weft::api
