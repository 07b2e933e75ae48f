// Conformance: the shape of search results — limit and order, summaries, which spans come back,
// tenants, and request errors.
#include <algorithm>
#include <chrono>

#include "gmock/gmock.h"
#include "storage/conformance/conformance_data.h"
#include "storage/conformance/storage_conformance.h"

namespace weft::storage::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using enum CompareOp;
using S = std::string;
using I = int64_t;

I Nanos(uint64_t n) { return static_cast<I>(n); }

TEST_P(StorageConformanceTest, SearchIsNewestFirstAndLimited) {
  WriteShop();
  FetchRequest request = Search(kTenant, {});
  EXPECT_THAT(FindShop(request), ElementsAre(8, 7, 6, 5, 4, 3, 2, 1));
  request.limit = 3;
  EXPECT_THAT(FindShop(request), ElementsAre(8, 7, 6));
  request.limit = 2;
  request.filter = Where(Field::kServiceName, kEq, S("cart"));
  EXPECT_THAT(FindShop(request), ElementsAre(5, 2)) << "the newest matches, not any two";
}

TEST_P(StorageConformanceTest, PassedDeadlineAnswersPartialNotAnError) {
  WriteShop();
  FetchRequest request = Search(kTenant, {});
  request.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  absl::StatusOr<FetchResult> result = store().Fetch(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->partial);
  request.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  result = store().Fetch(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->partial);
  EXPECT_EQ(result->traces.size(), 8u);
}

TEST_P(StorageConformanceTest, TracesStartingTogetherAreOrderedByTraceId) {
  std::vector<TestSpan> spans;
  for (uint32_t n : {7u, 2u, 9u, 4u}) {
    spans.push_back(
        SpanOf(MakeTraceId(0x71, n), n, 0, "svc", "op", SpanKind::kServer, kBaseTime, kMillis));
  }
  spans.push_back(
      SpanOf(MakeTraceId(0x71, 1), 1, 0, "svc", "op", SpanKind::kServer, kBaseTime - 1, kMillis));
  Write(kTenant, MakeBatch(spans));
  MaybeFlush();
  FetchRequest request = Search(kTenant, {});
  request.limit = 3;
  EXPECT_THAT(FetchIds(request),
              ElementsAre(MakeTraceId(0x71, 2), MakeTraceId(0x71, 4), MakeTraceId(0x71, 7)));
}

TEST_P(StorageConformanceTest, SummaryDescribesTheWholeTrace) {
  WriteShop();
  // Matches only Shop(3)'s payment span; the summary still covers all five spans.
  const FetchResult result = Fetch(Search(kTenant, Where(Field::kSpanName, kEq, S("Charge"))));
  ASSERT_EQ(result.traces.size(), 1u);
  const TraceMatch& match = result.traces[0];
  EXPECT_EQ(match.summary.trace_id, Shop(3));
  EXPECT_EQ(match.summary.root_service, "frontend");
  EXPECT_EQ(match.summary.root_span_name, "POST /checkout");
  EXPECT_EQ(match.summary.start_unix_nanos, ShopStart(3));
  EXPECT_EQ(match.summary.duration_nanos, 900 * kMillis);
  EXPECT_EQ(match.summary.span_count, 5u);
  EXPECT_EQ(match.summary.error_count, 1u);
  EXPECT_EQ(match.matched_spans, 1u);
  ASSERT_EQ(match.spans->size(), 1u);
  const Span& span = match.spans->spans()[0];
  EXPECT_EQ(span.span_id, SpanIdOf(34));
  EXPECT_EQ(ServiceName(match.spans->resource_of(span)), "payment");
  ASSERT_EQ(span.events.size(), 1u) << "returned spans are complete";
  EXPECT_EQ(span.events[0].name, "exception");
}

TEST_P(StorageConformanceTest, SpansPerTraceBoundsTheMatchingSpansReturned) {
  WriteShop();
  // Every span of Shop(3) lasts at least 50 ms.
  FetchRequest request =
      Search(kTenant, ConditionTree::And({Where(Field::kDuration, kGe, Nanos(50 * kMillis)),
                                          Where(Field::kStartTime, kGe, Nanos(ShopStart(3))),
                                          Where(Field::kStartTime, kLt, Nanos(ShopStart(4)))}));
  request.spans_per_trace = 2;
  FetchResult result = Fetch(request);
  ASSERT_EQ(result.traces.size(), 1u);
  EXPECT_EQ(result.traces[0].matched_spans, 5u);
  EXPECT_EQ(result.traces[0].spans->size(), 2u);

  request.spans_per_trace = 0;
  result = Fetch(request);
  ASSERT_EQ(result.traces.size(), 1u);
  EXPECT_EQ(result.traces[0].spans->size(), 5u);
}

TEST_P(StorageConformanceTest, WholeTracesReturnEverySpan) {
  WriteShop();
  FetchRequest request = Search(kTenant, Where(Field::kServiceName, kEq, S("payment")));
  request.whole_traces = true;
  request.spans_per_trace = 1;  // ignored
  const FetchResult result = Fetch(request);
  ASSERT_EQ(result.traces.size(), 1u);
  EXPECT_EQ(result.traces[0].matched_spans, 1u);
  std::vector<SpanId> ids;
  for (const Span& span : result.traces[0].spans->spans()) ids.push_back(span.span_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_THAT(ids,
              ElementsAre(SpanIdOf(31), SpanIdOf(32), SpanIdOf(33), SpanIdOf(34), SpanIdOf(35)));
}

TEST_P(StorageConformanceTest, TenantsAreIsolated) {
  WriteShop("tenant-a");
  // tenant-b reuses Shop(1)'s trace id for a trace of its own.
  Write("tenant-b", MakeBatch({SpanOf(Shop(1), 901, 0, "secret", "hidden", SpanKind::kServer,
                                      ShopStart(1), kMillis)}));
  MaybeFlush();

  EXPECT_THAT(FindShop(Search("tenant-a", Where(Field::kServiceName, kEq, S("secret")))),
              IsEmpty());
  EXPECT_THAT(FindShop(Search("tenant-b", {})), ElementsAre(1));
  const FetchResult b = Fetch(Search("tenant-b", {}));
  ASSERT_EQ(b.traces.size(), 1u);
  EXPECT_EQ(b.traces[0].summary.span_count, 1u);
  EXPECT_EQ(b.traces[0].summary.root_service, "secret");
  EXPECT_THAT(FindShop(Search("tenant-c", {})), IsEmpty()) << "unknown tenant: no traces";

  EXPECT_EQ(GetTrace("tenant-b", Shop(1))->size(), 1u);
  EXPECT_EQ(GetTrace("tenant-a", Shop(1))->size(), 2u);
  EXPECT_TRUE(GetTrace(kTenant, Shop(1))->empty());
  EXPECT_THAT(*store().Services("tenant-b"), ElementsAre("secret"));
}

TEST_P(StorageConformanceTest, BadRequestsAreInvalidArgument) {
  WriteShop();
  FetchRequest request = Search(kTenant, {});
  request.limit = 0;
  EXPECT_EQ(store().Fetch(request).status().code(), absl::StatusCode::kInvalidArgument);

  request = Search(kTenant, {});
  request.start_unix_nanos = ShopStart(5);
  request.end_unix_nanos = ShopStart(4);
  EXPECT_EQ(store().Fetch(request).status().code(), absl::StatusCode::kInvalidArgument);

  request = Search(kTenant, Where(Field::kSpanName, kRegex, S("GET (")));
  EXPECT_EQ(store().Fetch(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace weft::storage::conformance
