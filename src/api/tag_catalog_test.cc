// The tag catalog's pure parts: TraceQL identifiers, value order (numbers numerically), cursors;
// and the sample's paging over a store with many traces.
#include "api/tag_catalog.h"

#include <array>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/memory/memory_store.h"

namespace weft::api {
namespace {

namespace traceql = query::traceql;

TEST(ParseTagRefTest, ScopedUnscopedAndIntrinsics) {
  absl::StatusOr<TagRef> ref = ParseTagRef("resource.service.name");
  ASSERT_TRUE(ref.ok());
  EXPECT_FALSE(ref->intrinsic);
  EXPECT_EQ(ref->scope, TagScope::kResource);
  EXPECT_EQ(ref->key, "service.name");
  ref = ParseTagRef(".http.method");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->scope, std::nullopt);
  EXPECT_EQ(ref->key, "http.method");
  ref = ParseTagRef("span:status");
  ASSERT_TRUE(ref.ok());
  EXPECT_TRUE(ref->intrinsic);
  EXPECT_EQ(ref->which, traceql::Intrinsic::kSpanStatus);
  ref = ParseTagRef("rootServiceName");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->which, traceql::Intrinsic::kTraceRootService);
  ref = ParseTagRef("event.exception.type");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->scope, TagScope::kEvent);
  for (const char* bad : {"", ".", "span.", "http.method", "intrinsic.name", "span:nope", "nope"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseTagRef(bad).status())) << bad;
  }
}

TEST(TagScopeTest, NamesRoundTrip) {
  for (int i = 0; i < kTagScopeCount; ++i) {
    const TagScope scope = static_cast<TagScope>(i);
    EXPECT_EQ(ParseTagScope(TagScopeName(scope)), scope);
  }
  EXPECT_EQ(ParseTagScope("spans"), std::nullopt);
}

TEST(CursorTest, NamesAndValues) {
  const std::vector<TagName> names = {
      {TagScope::kResource, "a", 1}, {TagScope::kSpan, "b", 1}, {TagScope::kSpan, "c", 1}};
  EXPECT_EQ(FirstNameAfter(names, ""), 0u);
  EXPECT_EQ(FirstNameAfter(names, "resource.a"), 1u);
  EXPECT_EQ(FirstNameAfter(names, "span.b"), 2u);
  EXPECT_EQ(FirstNameAfter(names, "span.c"), 3u);

  const std::vector<TagValue> values = {{TagValueType::kInt, "9", 1},
                                        {TagValueType::kInt, "10", 1},
                                        {TagValueType::kString, "10", 1}};
  EXPECT_EQ(ValueCursor(values[1]), "int:10");
  EXPECT_EQ(*FirstValueAfter(values, "int:9"), 1u) << "ints compare as numbers";
  EXPECT_EQ(*FirstValueAfter(values, "int:10"), 2u);
  EXPECT_EQ(*FirstValueAfter(values, "string:10"), 3u);
  EXPECT_FALSE(FirstValueAfter(values, "10").ok());
  EXPECT_FALSE(FirstValueAfter(values, "text:10").ok());
}

// 25 one-span traces, one per second, each with its own value of `n`.
class CatalogSampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    for (int i = 0; i < 25; ++i) {
      auto batch = std::make_unique<SpanBatch>();
      const KeyValue resource[] = {{"service.name", AnyValue::String("s")}};
      const uint32_t r =
          batch->AddResource({batch->arena().CopyArray(Attributes(resource)), 0, ""});
      const uint32_t s = batch->AddScope(r, {"lib", "", {}, 0, ""});
      Span span;
      std::array<uint8_t, 16> id{};
      id[15] = static_cast<uint8_t>(i + 1);
      span.trace_id = TraceId(id);
      span.span_id = *SpanId::FromHex("00000000000000a1");
      span.name = "op";
      span.start_time_unix_nano = kBase + i * 1'000'000'000ULL;
      span.end_time_unix_nano = span.start_time_unix_nano + 1000;
      const KeyValue attrs[] = {{"n", AnyValue::Int(i)}};
      span.attributes = batch->arena().CopyArray(Attributes(attrs));
      span.scope_index = s;
      batch->AddSpan(span);
      store_->Write(storage::kDefaultTenant, std::move(batch), [](absl::Status) {});
    }
  }

  static constexpr uint64_t kBase = 1'700'000'000'000'000'000ULL;
  FakeClock clock_{kBase};
  std::unique_ptr<storage::SpanStore> store_;
  CatalogWindow window_{std::string(storage::kDefaultTenant), kBase, kBase + 3600'000'000'000ULL};
};

TEST_F(CatalogSampleTest, PagesThroughTheNewestTraces) {
  CatalogLimits limits;
  limits.page_traces = 4;
  limits.max_traces = 10;
  absl::StatusOr<TagValues> values =
      CollectTagValues(*store_, clock_, window_, *ParseTagRef("span.n"), limits);
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(values->stats.traces, 10u);
  EXPECT_FALSE(values->stats.partial);
  ASSERT_EQ(values->values.size(), 10u);
  EXPECT_EQ(values->values.front().text, "15") << "the newest ten: 15 to 24";
  EXPECT_EQ(values->values.back().text, "24");

  limits.max_traces = 1000;
  values = CollectTagValues(*store_, clock_, window_, *ParseTagRef("span.n"), limits);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->stats.traces, 25u) << "every trace of the window, once";
  EXPECT_EQ(values->values.size(), 25u);
}

TEST_F(CatalogSampleTest, TheSpanBudgetStopsTheScan) {
  CatalogLimits limits;
  limits.page_traces = 4;
  limits.max_spans = 6;
  absl::StatusOr<TagNames> names =
      CollectTagNames(*store_, clock_, window_, ScopeBit(TagScope::kSpan), limits);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->stats.traces, 8u) << "stops after the page that reaches the budget";
  EXPECT_TRUE(names->stats.partial);
  ASSERT_EQ(names->names.size(), 1u);
  EXPECT_EQ(names->names[0].Identifier(), "span.n");
  EXPECT_EQ(names->names[0].count, 8u);
}

TEST_F(CatalogSampleTest, DistinctNamesShareOneBudget) {
  CatalogLimits limits;
  limits.max_distinct = 1;
  absl::StatusOr<TagNames> names = CollectTagNames(
      *store_, clock_, window_, ScopeBit(TagScope::kSpan) | ScopeBit(TagScope::kResource), limits);
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->stats.capped);
  ASSERT_EQ(names->names.size(), 1u);
  EXPECT_EQ(names->names[0].Identifier(), "span.n");
  EXPECT_EQ(names->names[0].count, 25u);
}

}  // namespace
}  // namespace weft::api
