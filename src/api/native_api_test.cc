// Native API: the exact JSON of an assembled trace (a recorded shape), truncation, services and
// operations with pagination, attribute names and values from the sampled catalog, and every
// 400 / 404.
#include "api/native_api.h"

#include <memory>
#include <string>

#include "api/api_test_traces.h"
#include "api/query_metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "storage/memory/memory_store.h"

namespace weft::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using weft::api::testing::kCartTrace;
using weft::api::testing::kCheckoutTrace;
using weft::api::testing::kStart;
using weft::testing::HttpRequest;

class NativeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    testing::WriteRecordedTraces(*store_);
  }

  void Start(const NativeApiOptions& options = {}) {
    server_ = std::make_unique<http::HttpServer>();
    RegisterNativeRoutes(*server_, *store_, clock_, options);
    port_ = *server_->Listen("127.0.0.1:0");
  }

  weft::testing::HttpResult Get(const std::string& target) {
    if (server_ == nullptr) Start();
    return HttpRequest(port_, "GET", target);
  }

  FakeClock clock_{kStart + 1'000'000'000};
  std::unique_ptr<storage::SpanStore> store_;
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
};

TEST_F(NativeApiTest, TraceInNativeShape) {
  const weft::testing::HttpResult r = Get(std::string("/api/v1/traces/") + kCheckoutTrace);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(
      r.body,
      R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","rootService":"checkout",)"
      R"("rootName":"GET /cart","start":"1700000000000000000","duration":250000000,)"
      R"("spanCount":2,"errorCount":1,"depth":2,"services":[{"name":"checkout",)"
      R"("spanCount":2,"errorCount":1,"selfTime":250000000}],"incomplete":false,)"
      R"("missingParentIds":[],"multipleRoots":false,"duplicatesDropped":0,)"
      R"("clockSkewAdjusted":false,"warnings":[],"criticalPath":[)"
      R"({"spanId":"00f067aa0ba902b7","start":"1700000000000000000","end":"1700000000010000000"},)"
      R"({"spanId":"00f067aa0ba902b8","start":"1700000000010000000","end":"1700000000060000000"},)"
      R"({"spanId":"00f067aa0ba902b7","start":"1700000000060000000","end":"1700000000250000000"}],)"
      R"("truncated":false,"resources":[{"service":"checkout","attributes":[)"
      R"({"key":"service.name","value":{"stringValue":"checkout"}},)"
      R"({"key":"host.name","value":{"stringValue":"web-1"}}]}],)"
      R"("scopes":[{"name":"shop","version":"1.2","attributes":[]}],"spans":[)"
      R"({"spanId":"00f067aa0ba902b7","parentSpanId":"","depth":0,"attachment":"root",)"
      R"("service":"checkout","name":"GET /cart","kind":"server","start":"1700000000000000000",)"
      R"("duration":250000000,"selfTime":200000000,"criticalPathTime":200000000,)"
      R"("clockSkewShift":0,"status":{"code":"unset","message":""},"resource":0,"scope":0,)"
      R"("attributes":[{"key":"http.status_code","value":{"intValue":"500"}},)"
      R"({"key":"cache.hit","value":{"boolValue":false}}],"events":[],"links":[]},)"
      R"({"spanId":"00f067aa0ba902b8","parentSpanId":"00f067aa0ba902b7","depth":1,)"
      R"("attachment":"child","service":"checkout","name":"charge","kind":"client",)"
      R"("start":"1700000000010000000","duration":50000000,"selfTime":50000000,)"
      R"("criticalPathTime":50000000,"clockSkewShift":0,)"
      R"("status":{"code":"error","message":"card declined"},"resource":0,"scope":0,)"
      R"("attributes":[],"events":[{"time":"1700000000020000000","name":"exception",)"
      R"("attributes":[{"key":"exception.type","value":{"stringValue":"Declined"}}]}],)"
      R"("links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
      R"("attributes":[{"key":"link.reason","value":{"stringValue":"retry"}}]}]}]})");
}

TEST_F(NativeApiTest, DuplicatesAreDroppedAndCounted) {
  store_->Write(storage::kDefaultTenant, testing::CheckoutBatch(), [](absl::Status) {});
  const weft::testing::HttpResult r = Get(std::string("/api/v1/traces/") + kCheckoutTrace);
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr(R"("spanCount":2,)"));
  EXPECT_THAT(r.body, HasSubstr(R"("duplicatesDropped":2,)"));
}

TEST_F(NativeApiTest, TraceOverTheSpanBoundIsTruncated) {
  NativeApiOptions options;
  options.max_trace_spans = 1;
  Start(options);
  const weft::testing::HttpResult r =
      Get(std::string("/api/v1/traces/") + kCheckoutTrace + "?adjustClockSkew=true");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr(R"("spanCount":2,)")) << "the overview is of the whole trace";
  EXPECT_THAT(r.body, HasSubstr(R"("clockSkewAdjusted":true,)"));
  EXPECT_THAT(r.body, HasSubstr(R"("truncated":true,)"));
  EXPECT_THAT(r.body, HasSubstr(R"("spanId":"00f067aa0ba902b7","parentSpanId")"));
  EXPECT_THAT(r.body, Not(HasSubstr(R"("spanId":"00f067aa0ba902b8","parentSpanId")")));
  EXPECT_THAT(r.body, Not(HasSubstr(R"("spanId":"00f067aa0ba902b8","start")")))
      << "critical path sections of spans left out are left out";
}

TEST_F(NativeApiTest, TraceErrors) {
  weft::testing::HttpResult r = Get("/api/v1/traces/0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"status":404,"message":"trace not found"}})");
  r = Get("/api/v1/traces/xyz");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, StartsWith(R"({"error":{"status":400,"message":"trace id)"));
  r = Get(std::string("/api/v1/traces/") + kCheckoutTrace + "?adjustClockSkew=maybe");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("parameter 'adjustClockSkew'"));
}

TEST_F(NativeApiTest, ServicesPageByPage) {
  EXPECT_EQ(Get("/api/v1/services").body, R"({"services":["cart","checkout"],"next":null})");
  EXPECT_EQ(Get("/api/v1/services?limit=1").body, R"({"services":["cart"],"next":"cart"})");
  EXPECT_EQ(Get("/api/v1/services?limit=1&after=cart").body,
            R"({"services":["checkout"],"next":null})");
  EXPECT_EQ(Get("/api/v1/services?prefix=che").body, R"({"services":["checkout"],"next":null})");
  for (const char* bad : {"/api/v1/services?limit=0", "/api/v1/services?limit=10001",
                          "/api/v1/services?limit=ten", "/api/v1/services?after=%zz"}) {
    const weft::testing::HttpResult r = Get(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_THAT(r.body, StartsWith(R"({"error":{"status":400,"message":)")) << bad;
  }
  EXPECT_THAT(Get("/api/v1/services?limit=0").body, HasSubstr("parameter 'limit'"));
}

TEST_F(NativeApiTest, OperationsWithKinds) {
  EXPECT_EQ(Get("/api/v1/services/checkout/operations").body,
            R"({"service":"checkout","operations":[{"name":"GET /cart","kind":"server"},)"
            R"({"name":"charge","kind":"client"}],"next":null})");
  EXPECT_EQ(
      Get("/api/v1/services/checkout/operations?limit=1").body,
      R"({"service":"checkout","operations":[{"name":"GET /cart","kind":"server"}],"next":"GET /cart"})");
  EXPECT_EQ(
      Get("/api/v1/services/checkout/operations?limit=1&after=GET%20%2Fcart").body,
      R"({"service":"checkout","operations":[{"name":"charge","kind":"client"}],"next":null})");
  EXPECT_EQ(Get("/api/v1/services/nobody/operations").body,
            R"({"service":"nobody","operations":[],"next":null})");
  EXPECT_THAT(Get("/api/v1/services/checkout").body,
              HasSubstr("expected /api/v1/services/{service}/operations"));
  EXPECT_EQ(Get("/api/v1/services/%zz/operations").status, 400);
}

TEST_F(NativeApiTest, AttributeNamesOfAScopeFromTheSample) {
  EXPECT_EQ(
      Get("/api/v1/attributes?scope=span").body,
      R"({"attributes":[)"
      R"({"id":"span.cache.hit","scope":"span","name":"cache.hit","count":1},)"
      R"({"id":"span.http.method","scope":"span","name":"http.method","count":1},)"
      R"({"id":"span.http.status_code","scope":"span","name":"http.status_code","count":2},)"
      R"({"id":"span.ratio","scope":"span","name":"ratio","count":1}],"next":null,)"
      R"("sampled":true,"tracesInspected":2,"spansInspected":3,"partial":false,"capped":false})");
  EXPECT_EQ(
      Get("/api/v1/attributes?scope=resource,event,link&prefix=re").body,
      R"({"attributes":[{"id":"resource.region","scope":"resource","name":"region","count":1}],)"
      R"("next":null,"sampled":true,"tracesInspected":2,"spansInspected":3,)"
      R"("partial":false,"capped":false})");
  const std::string all = Get("/api/v1/attributes").body;
  EXPECT_THAT(all, HasSubstr(R"({"id":"event.exception.type","scope":"event",)"));
  EXPECT_THAT(all, HasSubstr(R"({"id":"link.link.reason","scope":"link",)"));
  EXPECT_THAT(all, HasSubstr(R"({"id":"resource.service.name","scope":"resource",)"));
  EXPECT_THAT(all, HasSubstr(R"({"id":"span:name","scope":"intrinsic","name":"span:name"})"));
  EXPECT_THAT(all, HasSubstr(R"({"id":"status","scope":"intrinsic","name":"status"})"));
}

TEST_F(NativeApiTest, AttributeNamesPageByPage) {
  EXPECT_EQ(Get("/api/v1/attributes?scope=span&limit=2").body,
            R"({"attributes":[)"
            R"({"id":"span.cache.hit","scope":"span","name":"cache.hit","count":1},)"
            R"({"id":"span.http.method","scope":"span","name":"http.method","count":1}],)"
            R"("next":"span.http.method","sampled":true,"tracesInspected":2,"spansInspected":3,)"
            R"("partial":false,"capped":false})");
  EXPECT_EQ(
      Get("/api/v1/attributes?scope=span&limit=2&after=span.http.method").body,
      R"({"attributes":[)"
      R"({"id":"span.http.status_code","scope":"span","name":"http.status_code","count":2},)"
      R"({"id":"span.ratio","scope":"span","name":"ratio","count":1}],"next":null,)"
      R"("sampled":true,"tracesInspected":2,"spansInspected":3,"partial":false,"capped":false})");
}

TEST_F(NativeApiTest, AttributeValuesWithTypesAndCounts) {
  EXPECT_EQ(Get("/api/v1/attributes/span.http.status_code/values").body,
            R"({"attribute":"span.http.status_code","values":[)"
            R"({"type":"int","value":"200","count":1},{"type":"int","value":"500","count":1}],)"
            R"("next":null,"sampled":true,"tracesInspected":2,"spansInspected":2,)"
            R"("partial":false,"capped":false})")
      << "only spans that carry the attribute are fetched";
  EXPECT_EQ(
      Get("/api/v1/attributes/status/values").body,
      R"({"attribute":"status","values":[)"
      R"({"type":"status","value":"error","count":1},{"type":"status","value":"unset","count":2}],)"
      R"("next":null,"sampled":true,"tracesInspected":2,"spansInspected":3,)"
      R"("partial":false,"capped":false})");
  EXPECT_THAT(Get("/api/v1/attributes/.region/values").body,
              HasSubstr(R"("values":[{"type":"string","value":"eu","count":1}])"));
  EXPECT_THAT(Get("/api/v1/attributes/span.ratio/values").body,
              HasSubstr(R"("values":[{"type":"float","value":"0.5","count":1}])"));
  EXPECT_THAT(Get("/api/v1/attributes/span.cache.hit/values").body,
              HasSubstr(R"("values":[{"type":"bool","value":"false","count":1}])"));
  EXPECT_THAT(Get("/api/v1/attributes/kind/values").body,
              HasSubstr(R"("values":[{"type":"kind","value":"client","count":1},)"
                        R"({"type":"kind","value":"server","count":2}])"));
  EXPECT_THAT(Get("/api/v1/attributes/resource.service.name/values?prefix=ch").body,
              HasSubstr(R"("values":[{"type":"string","value":"checkout","count":2}])"));
  EXPECT_THAT(Get("/api/v1/attributes/event.exception.type/values").body,
              HasSubstr(R"("values":[{"type":"string","value":"Declined","count":1}])"));
  EXPECT_THAT(Get("/api/v1/attributes/trace:rootService/values").body,
              HasSubstr(R"("values":[{"type":"string","value":"cart","count":1},)"
                        R"({"type":"string","value":"checkout","count":1}])"));
  // Pages: the cursor is type:value.
  EXPECT_THAT(Get("/api/v1/attributes/span.http.status_code/values?limit=1").body,
              HasSubstr(R"("values":[{"type":"int","value":"200","count":1}],"next":"int:200",)"));
  EXPECT_THAT(Get("/api/v1/attributes/span.http.status_code/values?limit=1&after=int:200").body,
              HasSubstr(R"("values":[{"type":"int","value":"500","count":1}],"next":null,)"));
}

TEST_F(NativeApiTest, TheWindowBoundsTheSample) {
  // An hour later, with the default lookback of an hour: nothing.
  const std::string later = std::to_string((kStart + 7200'000'000'000ULL) / 1'000'000'000);
  EXPECT_EQ(Get("/api/v1/attributes/span.http.status_code/values?end=" + later).body,
            R"({"attribute":"span.http.status_code","values":[],"next":null,"sampled":true,)"
            R"("tracesInspected":0,"spansInspected":0,"partial":false,"capped":false})");
  // The checkout trace alone: from its start second on.
  const std::string start = std::to_string(kStart / 1'000'000'000);
  EXPECT_THAT(Get("/api/v1/attributes/resource.service.name/values?start=" + start).body,
              HasSubstr(R"("values":[{"type":"string","value":"checkout","count":2}])"));
}

TEST_F(NativeApiTest, TheSampleStopsAtItsBounds) {
  NativeApiOptions options;
  options.catalog.page_traces = 1;
  options.catalog.deadline_nanos = 0;  // the fake clock stands still: passed after a page
  Start(options);
  EXPECT_THAT(Get("/api/v1/attributes/resource.service.name/values").body,
              HasSubstr(R"("values":[{"type":"string","value":"checkout","count":2}],"next":null,)"
                        R"("sampled":true,"tracesInspected":1,"spansInspected":2,)"
                        R"("partial":true,"capped":false})"));
}

TEST_F(NativeApiTest, TheSampleCapsItsTracesAndDistinctValues) {
  NativeApiOptions options;
  options.catalog.max_traces = 1;
  options.catalog.max_distinct = 1;
  Start(options);
  const uint64_t partial_before = QueryMetrics::Get().catalog_partial.value();
  EXPECT_THAT(Get("/api/v1/attributes/span:name/values").body,
              HasSubstr(R"("values":[{"type":"string","value":"GET /cart","count":1}],"next":null,)"
                        R"("sampled":true,"tracesInspected":1,"spansInspected":2,)"
                        R"("partial":false,"capped":true})"));
  EXPECT_EQ(QueryMetrics::Get().catalog_partial.value(), partial_before + 1)
      << "weft_query_catalog_partial_total";
}

TEST_F(NativeApiTest, AttributeErrorsAre400NamingTheProblem) {
  const struct {
    const char* target;
    const char* message;
  } cases[] = {
      {"/api/v1/attributes?scope=spans", "parameter 'scope'"},
      {"/api/v1/attributes?limit=0", "parameter 'limit'"},
      {"/api/v1/attributes?start=soon", "parameter 'start'"},
      {"/api/v1/attributes?start=20&end=10", "parameter 'start' must not be after 'end'"},
      {"/api/v1/attributes?end=-1", "parameter 'end'"},
      {"/api/v1/attributes/http.method/values", "'http' is not an attribute scope"},
      {"/api/v1/attributes/span./values", "names no attribute"},
      {"/api/v1/attributes/span:nope/values", "not a TraceQL intrinsic"},
      {"/api/v1/attributes/bogus/values", "neither an intrinsic nor a scoped attribute"},
      {"/api/v1/attributes/span.a/values?after=nocolon", "parameter 'after'"},
      {"/api/v1/attributes/span.a", "expected /api/v1/attributes/{name}/values"},
  };
  for (const auto& c : cases) {
    const weft::testing::HttpResult r = Get(c.target);
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    EXPECT_THAT(r.body, StartsWith(R"({"error":{"status":400,"message":")")) << c.target;
    EXPECT_THAT(r.body, HasSubstr(c.message)) << c.target;
  }
}

TEST_F(NativeApiTest, SearchRunsTraceQLInTheNativeShape) {
  // Times are unix seconds, as in Tempo's search; the recorded traces start at kStart.
  const std::string window = "&start=1699999000&end=1700001000";
  weft::testing::HttpResult r =
      Get("/api/v1/search?q=%7B+status+%3D+error+%7D+%7C+count()+%3E+0" + window);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, StartsWith(R"({"traces":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"));
  EXPECT_THAT(r.body, HasSubstr(R"("name":"charge")"));
  EXPECT_THAT(r.body, Not(HasSubstr(kCartTrace)));
  EXPECT_THAT(r.body, HasSubstr(R"("partial":false)"));

  r = Get("/api/v1/search?q=%7B+.http.status_code+%3D+200+%7D" + window);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(kCartTrace));
  EXPECT_THAT(r.body, Not(HasSubstr(kCheckoutTrace)));

  r = Get("/api/v1/search?q=%7B+status+%3D+%7D");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("parameter 'q'"));
  r = Get("/api/v1/search?limit=100000");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("limit"));
}

}  // namespace
}  // namespace weft::api
