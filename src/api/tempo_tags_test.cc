// Tempo's tag discovery endpoints: the exact v1 / v2 shapes Grafana reads (names per scope,
// typed values, TraceQL identifiers), the sample headers, limits and every 400.
#include "api/tempo_tags.h"

#include <memory>
#include <string>

#include "api/api_test_traces.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "storage/memory/memory_store.h"

namespace weft::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using weft::api::testing::kStart;
using weft::testing::HttpRequest;

class TempoTagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    testing::WriteRecordedTraces(*store_);
    RegisterTempoTagRoutes(server_, *store_, clock_);
    port_ = *server_.Listen("127.0.0.1:0");
  }

  weft::testing::HttpResult Get(const std::string& target) {
    return HttpRequest(port_, "GET", target);
  }

  FakeClock clock_{kStart + 1'000'000'000};
  std::unique_ptr<storage::SpanStore> store_;
  http::HttpServer server_;
  int port_ = 0;
};

TEST_F(TempoTagsTest, V1TagNamesOfSpansAndResources) {
  const weft::testing::HttpResult r = Get("/api/search/tags");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(r.body,
            R"({"tagNames":["cache.hit","host.name","http.method","http.status_code","ratio",)"
            R"("region","service.name"]})");
  EXPECT_EQ(r.Header("X-Weft-Sampled-Traces"), "2");
  EXPECT_EQ(r.Header("X-Weft-Sampled-Spans"), "3");
  EXPECT_EQ(r.Header("X-Weft-Partial"), "false");
  EXPECT_EQ(Get("/api/search/tags?scope=resource").body,
            R"({"tagNames":["host.name","region","service.name"]})");
  EXPECT_EQ(Get("/api/search/tags?scope=event").body, R"({"tagNames":["exception.type"]})");
  EXPECT_EQ(Get("/api/search/tags?scope=resource&limit=1").body, R"({"tagNames":["host.name"]})");
  EXPECT_THAT(Get("/api/search/tags?scope=intrinsic").body,
              HasSubstr(R"("name","rootName","rootServiceName",)"));
}

TEST_F(TempoTagsTest, V2TagNamesPerScope) {
  EXPECT_EQ(Get("/api/v2/search/tags?scope=span").body,
            R"({"scopes":[{"name":"span","tags":["cache.hit","http.method",)"
            R"("http.status_code","ratio"]}]})");
  EXPECT_EQ(Get("/api/v2/search/tags?scope=span&limit=2").body,
            R"({"scopes":[{"name":"span","tags":["cache.hit","http.method"]}]})");
  const std::string all = Get("/api/v2/search/tags").body;
  EXPECT_THAT(all, HasSubstr(R"({"scopes":[{"name":"resource","tags":["host.name","region",)"
                             R"("service.name"]},{"name":"span","tags":["cache.hit",)"));
  EXPECT_THAT(all, HasSubstr(R"({"name":"event","tags":["exception.type"]},)"
                             R"({"name":"link","tags":["link.reason"]},)"
                             R"({"name":"intrinsic","tags":["childCount","duration",)"
                             R"("event:name","event:timeSinceStart",)"));
  EXPECT_THAT(all, Not(HasSubstr(R"("instrumentation","tags")"))) << "empty scopes are left out";
  EXPECT_THAT(all, HasSubstr(R"("span:name",)"));
}

TEST_F(TempoTagsTest, V2TypedValuesOfTraceQLIdentifiers) {
  EXPECT_EQ(
      Get("/api/v2/search/tag/resource.service.name/values").body,
      R"({"tagValues":[{"type":"string","value":"cart"},{"type":"string","value":"checkout"}]})");
  EXPECT_EQ(Get("/api/v2/search/tag/span.http.status_code/values").body,
            R"({"tagValues":[{"type":"int","value":"200"},{"type":"int","value":"500"}]})");
  EXPECT_EQ(Get("/api/v2/search/tag/.region/values").body,
            R"({"tagValues":[{"type":"string","value":"eu"}]})");
  EXPECT_EQ(
      Get("/api/v2/search/tag/status/values").body,
      R"({"tagValues":[{"type":"status","value":"error"},{"type":"status","value":"unset"}]})");
  EXPECT_EQ(Get("/api/v2/search/tag/span:kind/values").body,
            R"({"tagValues":[{"type":"kind","value":"client"},{"type":"kind","value":"server"}]})");
  EXPECT_EQ(Get("/api/v2/search/tag/name/values?limit=1").body,
            R"({"tagValues":[{"type":"string","value":"GET /cart"}]})");
  EXPECT_EQ(Get("/api/v2/search/tag/span.ratio/values").body,
            R"({"tagValues":[{"type":"float","value":"0.5"}]})");
  EXPECT_EQ(Get("/api/v2/search/tag/duration/values").body, R"({"tagValues":[]})")
      << "durations are not offered as values";
  // Grafana sends the query it is editing and a large limit: accepted.
  EXPECT_EQ(Get("/api/v2/search/tag/resource.service.name/values?q=%7B%7D&limit=5000").status, 200);
}

TEST_F(TempoTagsTest, V1ValuesAsText) {
  EXPECT_EQ(Get("/api/search/tag/service.name/values").body,
            R"({"tagValues":["cart","checkout"]})");
  EXPECT_EQ(Get("/api/search/tag/http.status_code/values").body, R"({"tagValues":["200","500"]})");
  EXPECT_EQ(Get("/api/search/tag/name/values").body,
            R"({"tagValues":["GET /cart","GET /items","charge"]})");
  EXPECT_EQ(Get("/api/search/tag/nothing.here/values").body, R"({"tagValues":[]})");
}

TEST_F(TempoTagsTest, BadInputIs400) {
  const struct {
    const char* target;
    const char* message;
  } cases[] = {
      {"/api/search/tags?scope=spans", "invalid scope: spans"},
      {"/api/v2/search/tags?scope=x", "invalid scope: x"},
      {"/api/v2/search/tags?start=soon", "parameter 'start'"},
      {"/api/search/tags?start=20&end=10", "parameter 'start' must not be after 'end'"},
      {"/api/search/tags?limit=many", "parameter 'limit'"},
      {"/api/v2/search/tag/http.method/values", "'http' is not an attribute scope"},
      {"/api/v2/search/tag/span:bogus/values", "not a TraceQL intrinsic"},
      {"/api/v2/search/tag/x%zz/values", "bad percent escape in the tag name"},
      {"/api/search/tag/values", "expected /api/search/tag/{tag}/values"},
      {"/api/v2/search/tag/span.a/keys", "expected /api/v2/search/tag/{tag}/values"},
  };
  for (const auto& c : cases) {
    const weft::testing::HttpResult r = Get(c.target);
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    EXPECT_THAT(r.body, HasSubstr(c.message)) << c.target;
  }
}

}  // namespace
}  // namespace weft::api
