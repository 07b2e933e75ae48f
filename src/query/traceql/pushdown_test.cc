// PushDownSpansetFilter: what translates (and runs on a real store with TraceQL's meaning), and
// what is refused with the construct named.
#include "query/traceql/pushdown.h"

#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/traceql/parser.h"
#include "storage/memory/memory_store.h"

namespace weft::query::traceql {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kBase = 1'700'000'000'000'000'000ULL;

// Three one-span traces: 1 = checkout POST /pay 300ms error http.status_code=500;
// 2 = cart GET /cart 20ms; 3 = checkout GET / 40ms with user "ann".
class PushDownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    Add(1, "checkout", "POST /pay", 300, StatusCode::kError,
        {{"http.status_code", AnyValue::Int(500)}});
    Add(2, "cart", "GET /cart", 20, StatusCode::kUnset, {{"http.status_code", AnyValue::Int(200)}});
    Add(3, "checkout", "GET /", 40, StatusCode::kOk, {{"user", AnyValue::String("ann")}});
  }

  void Add(int n, const char* service, const char* name, uint64_t millis, StatusCode status,
           std::vector<KeyValue> attrs) {
    auto batch = std::make_unique<SpanBatch>();
    const KeyValue resource_attrs[] = {{"service.name", AnyValue::String(service)}};
    const uint32_t r =
        batch->AddResource({batch->arena().CopyArray(Attributes(resource_attrs)), 0, ""});
    const uint32_t s = batch->AddScope(r, {"t", "1", {}, 0, ""});
    Span span;
    span.trace_id = *TraceId::FromHex(std::string(31, '0') + std::to_string(n));
    span.span_id = *SpanId::FromHex("00000000000000aa");
    span.name = name;
    span.kind = SpanKind::kServer;
    span.status_code = status;
    span.start_time_unix_nano = kBase + n * 1'000'000'000ULL;
    span.end_time_unix_nano = span.start_time_unix_nano + millis * 1'000'000;
    span.attributes = batch->arena().CopyArray(Attributes(attrs));
    span.scope_index = s;
    batch->AddSpan(span);
    absl::Notification done;
    store_->Write("t", std::move(batch), [&](absl::Status) { done.Notify(); });
    done.WaitForNotification();
  }

  // The matching traces' numbers, newest first, or the error.
  std::string Find(const std::string& traceql) {
    absl::StatusOr<Query> query = Parse(traceql);
    if (!query.ok()) return "parse: " + std::string(query.status().message());
    absl::StatusOr<storage::ConditionTree> filter = PushDownSpansetFilter(*query);
    if (!filter.ok()) return std::string(filter.status().message());
    storage::FetchRequest request;
    request.tenant = "t";
    request.filter = *std::move(filter);
    absl::StatusOr<storage::FetchResult> result = store_->Fetch(request);
    if (!result.ok()) return "fetch: " + std::string(result.status().message());
    std::string found;
    for (const storage::TraceMatch& m : result->traces) found += m.summary.trace_id.ToHex().back();
    return found;
  }

  std::unique_ptr<storage::SpanStore> store_;
};

TEST_F(PushDownTest, SpanFieldsAndAttributes) {
  EXPECT_EQ(Find("{ }"), "321");
  EXPECT_EQ(Find(R"({ resource.service.name = "checkout" })"), "31");
  EXPECT_EQ(Find(R"({ .service.name = "checkout" && duration > 100ms })"), "1");
  EXPECT_EQ(Find("{ status = error }"), "1");
  EXPECT_EQ(Find("{ status != error }"), "32");
  EXPECT_EQ(Find("{ kind = server && span.http.status_code >= 200 }"), "21");
  EXPECT_EQ(Find("{ 100ms < duration }"), "1") << "literal on the left";
  EXPECT_EQ(Find(R"({ name =~ "GET.*" })"), "32");
  EXPECT_EQ(Find(R"({ name !~ "GET.*" })"), "1");
  EXPECT_EQ(Find(R"({ .user = "ann" || span.http.status_code = 500 })"), "31");
  EXPECT_EQ(Find("{ .user = nil }"), "21");
  EXPECT_EQ(Find("{ .user != nil }"), "3");
  EXPECT_EQ(Find("{ span.http.status_code != 500 }"), "2") << "absent is not different";
}

TEST_F(PushDownTest, WhatIsNotYetSupportedIsNamed) {
  EXPECT_THAT(Find("{ .a = 1 } >> { .b = 2 }"), HasSubstr("spanset operator >>"));
  EXPECT_THAT(Find("{ .a = 1 } | count() > 2"), HasSubstr("pipeline"));
  EXPECT_THAT(Find("{ !(.a = 1) }"), HasSubstr("`!`"));
  EXPECT_THAT(Find("{ traceDuration > 1s }"), HasSubstr("trace:duration"));
  EXPECT_THAT(Find("{ .a = 1 } | count() > 2"), HasSubstr("not supported yet"));
  EXPECT_THAT(Find("{ .a = }"), HasSubstr("parse: 1:"));
}

}  // namespace
}  // namespace weft::query::traceql
