#include "api/tempo_api.h"

#include <cctype>
#include <cstdio>
#include <memory>
#include <string>

#include "api/query_metrics.h"
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

namespace weft::api {
namespace {

// /api/search: tags (logfmt), trace durations, limit, time range, the response shape.
class TempoSearchTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kBase = 1'700'000'000'000'000'000ULL;

  void SetUp() override {
    store_ = storage::NewMemoryStore();
    RegisterTempoRoutes(server_, *store_, clock_);
    port_ = *server_.Listen("127.0.0.1:0");
    // Trace 1: checkout, 300 ms, a 500. Trace 2: cart, 20 ms. Trace 3: checkout, 40 ms.
    Add("00000000000000000000000000000001", "checkout", "POST /pay", 300, 500, 0);
    Add("00000000000000000000000000000002", "cart", "GET /cart", 20, 200, 1);
    Add("00000000000000000000000000000003", "checkout", "GET /", 40, 200, 2);
  }

  void Add(const char* trace, const char* service, const char* name, uint64_t millis,
           int64_t status_code, uint64_t offset_seconds) {
    auto batch = std::make_unique<SpanBatch>();
    const KeyValue resource_attrs[] = {{"service.name", AnyValue::String(service)}};
    const uint32_t r =
        batch->AddResource({batch->arena().CopyArray(Attributes(resource_attrs)), 0, ""});
    const uint32_t s = batch->AddScope(r, {"t", "1", {}, 0, ""});
    Span span;
    span.trace_id = *TraceId::FromHex(trace);
    span.span_id = *SpanId::FromHex("00000000000000aa");
    span.name = name;
    span.start_time_unix_nano = kBase + offset_seconds * 1'000'000'000;
    span.end_time_unix_nano = span.start_time_unix_nano + millis * 1'000'000;
    const KeyValue attrs[] = {{"http.status_code", AnyValue::Int(status_code)}};
    span.attributes = batch->arena().CopyArray(Attributes(attrs));
    span.scope_index = s;
    batch->AddSpan(span);
    store_->Write(storage::kDefaultTenant, std::move(batch),
                  [](absl::Status status) { ASSERT_TRUE(status.ok()); });
  }

  // The trace ids (last hex digit) of a search, in order.
  std::string Search(const std::string& query) {
    const testing::HttpResult r = HttpRequest(port_, "GET", "/api/search?" + query);
    if (r.status != 200) return "HTTP " + std::to_string(r.status) + ": " + r.body;
    std::string ids;
    for (size_t at = r.body.find("\"traceID\":\""); at != std::string::npos;
         at = r.body.find("\"traceID\":\"", at + 1)) {
      ids += r.body[at + 11 + 31];
    }
    return ids;
  }

  FakeClock clock_{kBase + 60'000'000'000};
  std::unique_ptr<storage::SpanStore> store_;
  http::HttpServer server_;
  int port_ = 0;
};

TEST_F(TempoSearchTest, TagsDurationsAndLimit) {
  EXPECT_EQ(Search(""), "321") << "newest first";
  EXPECT_EQ(Search("tags=service.name%3Dcheckout"), "31");
  EXPECT_EQ(Search("tags=http.status_code%3D500"), "1");
  EXPECT_EQ(Search("tags=name%3D%22POST+%2Fpay%22+service.name%3Dcheckout"), "1");
  EXPECT_EQ(Search("tags=service.name%3Dcheckout&minDuration=100ms"), "1");
  EXPECT_EQ(Search("maxDuration=30ms"), "2");
  EXPECT_EQ(Search("limit=1"), "3");
  const uint64_t later = (kBase + 7200'000'000'000ULL) / 1'000'000'000;
  EXPECT_EQ(Search("end=" + std::to_string(later)), "") << "the default start: an hour before";
  EXPECT_EQ(Search("start=1&end=" + std::to_string(later)), "321");
}

TEST_F(TempoSearchTest, TraceQLFilters) {
  EXPECT_EQ(Search("q=%7B%7D"), "321");
  EXPECT_EQ(Search("q=%7B+resource.service.name+%3D+%22checkout%22+%7D"), "31");
  EXPECT_EQ(Search("q=%7B+span.http.status_code+%3E%3D+500+%26%26+duration+%3E+100ms+%7D"), "1");
  // Spanset operators on assembled traces: each test trace is one span, so `&&` across two
  // different names finds nothing and `||` finds both.
  EXPECT_EQ(Search("q=%7B+name+%3D+%22GET+%2F%22+%7D+%7C%7C+%7B+name+%3D+%22GET+%2Fcart%22+%7D"),
            "32");
  EXPECT_EQ(Search("q=%7B+name+%3D+%22GET+%2F%22+%7D+%26%26+%7B+name+%3D+%22GET+%2Fcart%22+%7D"),
            "");
  EXPECT_EQ(Search("q=%7B+%7D+%3E%3E+%7B+%7D"), "") << "no span has a parent";
  EXPECT_EQ(Search("q=%7B+%7D+%21%3E%3E+%7B+span.http.status_code+%3D+500+%7D"), "1");
  const testing::HttpResult r = HttpRequest(port_, "GET", "/api/search?q=%7B+.a+%3D+%7D");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("parameter 'q' 1:"));
}

TEST_F(TempoSearchTest, ResponseShape) {
  const testing::HttpResult r =
      HttpRequest(port_, "GET", "/api/search?tags=http.status_code%3D500");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body,
      R"({"traces":[{"traceID":"00000000000000000000000000000001","rootServiceName":"checkout",)"
      R"("rootTraceName":"POST /pay","startTimeUnixNano":"1700000000000000000","durationMs":300,)"
      R"("spanSet":{"spans":[{"spanID":"00000000000000aa","name":"POST /pay",)"
      R"("startTimeUnixNano":"1700000000000000000","durationNanos":"300000000",)"
      R"("attributes":[{"key":"http.status_code","value":{"intValue":"500"}}]}],"matched":1},)"
      R"("spanSets":[{"spans":[{"spanID":"00000000000000aa","name":"POST /pay",)"
      R"("startTimeUnixNano":"1700000000000000000","durationNanos":"300000000",)"
      R"("attributes":[{"key":"http.status_code","value":{"intValue":"500"}}]}],"matched":1}]}],)"
      R"("metrics":{"inspectedTraces":1,"inspectedSpans":"3","inspectedBlocks":0,"skippedBlocks":0}})");
}

TEST_F(TempoSearchTest, BadParametersAre400) {
  for (const char* bad : {"tags=noequals", "tags=a%3D%22open", "minDuration=soon", "limit=0",
                          "limit=5000", "limit=1501", "start=9&end=1", "q=%7B", "spss=0", "start=x",
                          "q=%7B+name+%3D%7E+%22%28%22+%7D"}) {
    EXPECT_EQ(Search(bad).substr(0, 8), "HTTP 400") << bad;
  }
  EXPECT_EQ(Search("limit=1500"), "321") << "the maximum itself is fine";
}

TEST(TempoSearchLimitsTest, TheMaximumLimitIsConfigurable) {
  std::unique_ptr<storage::SpanStore> store = storage::NewMemoryStore();
  http::HttpServer server;
  RegisterTempoRoutes(server, *store, RealClock::Get(), {.max_limit = 5});
  const int port = *server.Listen("127.0.0.1:0");
  const uint64_t rejected_before = QueryMetrics::Get().limit_rejected.value();
  weft::testing::HttpResult r = weft::testing::HttpRequest(port, "GET", "/api/search?limit=6");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(QueryMetrics::Get().limit_rejected.value(), rejected_before + 1)
      << "weft_query_limit_rejected_total";
  EXPECT_NE(r.body.find("limit"), std::string::npos) << r.body;
  r = weft::testing::HttpRequest(port, "GET", "/api/search?limit=5");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QueryMetrics::Get().limit_rejected.value(), rejected_before + 1);
}

TEST(TempoSearchLimitsTest, ASearchPastItsTimeoutIsPartialAndCounted) {
  std::unique_ptr<storage::SpanStore> store = storage::NewMemoryStore();
  http::HttpServer server;
  RegisterTempoRoutes(server, *store, RealClock::Get(),
                      {.timeout = std::chrono::milliseconds(-1)});  // already past
  const int port = *server.Listen("127.0.0.1:0");
  const uint64_t partial_before = QueryMetrics::Get().searches_partial.value();
  weft::testing::HttpResult r =
      weft::testing::HttpRequest(port, "GET", "/api/search?q=%7B+%7D+%3E%3E+%7B+%7D");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QueryMetrics::Get().searches_partial.value(), partial_before + 1)
      << "weft_query_searches_partial_total";
}

// Percent-encodes a query parameter value.
std::string Encoded(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

TEST_F(TempoSearchTest, PipelinesAndUnions) {
  EXPECT_EQ(Search("q=" + Encoded("{ } | count() = 1")), "321");
  EXPECT_EQ(Search("q=" + Encoded("{ } | count() > 1")), "");
  EXPECT_EQ(Search("q=" + Encoded("{ } | by(resource.service.name) | count() = 1")), "321");
  EXPECT_EQ(Search("q=" + Encoded("{ } &> { }")), "") << "no span has a child";
  EXPECT_EQ(Search("q=" + Encoded("{ traceDuration > 30ms }")), "31");
  EXPECT_EQ(Search("q=" + Encoded("{ !(resource.service.name = \"cart\") }")), "31");
  EXPECT_EQ(Search("q=" + Encoded("{ } | select(span.http.status_code)") +
                   "&tags=" + Encoded("service.name=cart")),
            "2");
}

TEST_F(TempoSearchTest, SpansetAttributesForByAndAggregates) {
  const testing::HttpResult r = HttpRequest(
      port_, "GET",
      "/api/search?limit=1&q=" +
          Encoded("{ resource.service.name = \"checkout\" } | by(resource.service.name) | "
                  "count() = 1"));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr(R"j("traceID":"00000000000000000000000000000003")j"));
  EXPECT_THAT(r.body, HasSubstr(R"j("matched":1,"attributes":[{"key":"by(resource.service.name)",)j"
                                R"j("value":{"stringValue":"checkout"}},{"key":"count()",)j"
                                R"j("value":{"intValue":"1"}}]})j"));
}

TEST_F(TempoSearchTest, SelectedFieldsAreSpanAttributes) {
  const testing::HttpResult r = HttpRequest(
      port_, "GET",
      "/api/search?q=" + Encoded("{ span.http.status_code = 500 } | select(span.http.status_code, "
                                 "resource.service.name, status, duration)"));
  ASSERT_EQ(r.status, 200);
  // The span's own attribute once, then the selected fields it does not show yet; the duration
  // has its own field (durationNanos).
  EXPECT_THAT(r.body,
              HasSubstr(R"j("attributes":[{"key":"http.status_code","value":{"intValue":"500"}},)j"
                        R"j({"key":"service.name","value":{"stringValue":"checkout"}},)j"
                        R"j({"key":"status","value":{"stringValue":"unset"}}]}],"matched":1})j"));
}

}  // namespace
}  // namespace weft::api
