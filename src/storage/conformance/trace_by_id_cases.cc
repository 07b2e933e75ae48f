// Conformance: reading traces back — by ID, large, arriving in parts, duplicated.
#include <algorithm>
#include <map>

#include "gmock/gmock.h"
#include "model/trace_generator.h"
#include "storage/conformance/conformance_data.h"
#include "storage/conformance/storage_conformance.h"

namespace weft::storage::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;
using enum CompareOp;
using S = std::string;

// Sorted, so that comparing two is cheap even for 10,008 spans.
std::vector<SpanId> SpanIds(const SpanBatch& batch) {
  std::vector<SpanId> ids;
  for (const Span& span : batch.spans()) ids.push_back(span.span_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_P(StorageConformanceTest, UnknownTraceIsEmptyNotAnError) {
  EXPECT_TRUE(GetTrace(kTenant, Shop(1))->empty()) << "empty store";
  WriteShop();
  EXPECT_TRUE(GetTrace(kTenant, MakeTraceId(0x5a, 999))->empty());
  EXPECT_TRUE(GetTrace("another-tenant", Shop(1))->empty());
}

TEST_P(StorageConformanceTest, TraceByIdReturnsEveryStoredSpanComplete) {
  WriteShop();
  std::unique_ptr<SpanBatch> trace = GetTrace(kTenant, Shop(3));
  EXPECT_THAT(SpanIds(*trace), UnorderedElementsAreArray({SpanIdOf(31), SpanIdOf(32), SpanIdOf(33),
                                                          SpanIdOf(34), SpanIdOf(35)}));
  for (const Span& span : trace->spans()) {
    if (span.span_id != SpanIdOf(34)) continue;
    EXPECT_EQ(span.name, "Charge");
    EXPECT_EQ(span.parent_span_id, SpanIdOf(32));
    EXPECT_EQ(span.kind, SpanKind::kServer);
    EXPECT_EQ(span.status_code, StatusCode::kError);
    EXPECT_EQ(span.start_time_unix_nano, ShopStart(3) + 200 * kMillis);
    EXPECT_EQ(span.end_time_unix_nano, ShopStart(3) + 800 * kMillis);
    EXPECT_EQ(ServiceName(trace->resource_of(span)), "payment");
    const AnyValue* env =
        FindAttribute(trace->resource_of(span).attributes, "deployment.environment");
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->string_value(), "prod");
    ASSERT_EQ(span.events.size(), 1u);
    const AnyValue* type = FindAttribute(span.events[0].attributes, "exception.type");
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(type->string_value(), "CardDeclined");
  }
}

TEST_P(StorageConformanceTest, LargeTraceOf10008SpansWrittenInSeveralBatches) {
  constexpr uint32_t kSpans = 10'008;
  TraceGeneratorOptions options;
  options.start_time_unix_nano = kBaseTime + 60 * kMinute;
  options.min_spans_per_trace = kSpans;
  options.max_spans_per_trace = kSpans;
  TraceGenerator generator(/*seed=*/10008, options);
  SpanBatch whole;
  generator.NextTrace(whole);
  ASSERT_EQ(whole.size(), kSpans);
  const TraceId id = whole.spans()[0].trace_id;

  // Four batches, with a small trace of its own in between.
  constexpr uint32_t kParts = 4;
  for (uint32_t part = 0; part < kParts; ++part) {
    std::vector<uint32_t> indexes;
    for (uint32_t i = part * kSpans / kParts; i < (part + 1) * kSpans / kParts; ++i) {
      indexes.push_back(i);
    }
    auto batch = std::make_unique<SpanBatch>();
    batch->CopySpansFrom(whole, indexes);
    Write(kTenant, std::move(batch));
    if (part == 1) {
      Write(kTenant, MakeBatch({SpanOf(MakeTraceId(0x44, 1), 1, 0, "frontend", "GET /",
                                       SpanKind::kServer, kBaseTime, kMillis)}));
    }
  }
  MaybeFlush();

  std::unique_ptr<SpanBatch> trace = GetTrace(kTenant, id);
  ASSERT_EQ(trace->size(), kSpans);
  EXPECT_TRUE(SpanIds(*trace) == SpanIds(whole)) << "not the spans written";

  FetchRequest request = Search(kTenant, Where(Field::kServiceName, kEq, S("frontend")));
  request.whole_traces = true;
  const FetchResult result = Fetch(request);
  ASSERT_EQ(result.traces.size(), 2u);
  EXPECT_EQ(result.traces[0].summary.trace_id, id) << "the newer trace first";
  EXPECT_EQ(result.traces[0].summary.span_count, kSpans);
  EXPECT_EQ(result.traces[0].spans->size(), kSpans);
  EXPECT_EQ(result.traces[1].summary.span_count, 1u);
}

TEST_P(StorageConformanceTest, TraceArrivingInThreeBatchesMinutesApart) {
  const TraceId id = MakeTraceId(0x3b, 1);
  const TraceId other = MakeTraceId(0x3b, 2);
  const uint64_t t = kBaseTime;
  // Children first (stamped two minutes in), then the root, then a consumer four minutes in.
  Write(kTenant, MakeBatch({SpanOf(id, 2, 1, "checkout", "PlaceOrder", SpanKind::kServer,
                                   t + 2 * kMinute, 1000 * kMillis),
                            SpanOf(id, 3, 2, "cart", "GetCart", SpanKind::kClient,
                                   t + 2 * kMinute + 100 * kMillis, 50 * kMillis),
                            SpanOf(other, 9, 0, "frontend", "GET /", SpanKind::kServer,
                                   t + 3 * kMinute, 1000 * kMillis)}));
  MaybeFlush();
  Write(kTenant, MakeBatch({SpanOf(id, 1, 0, "frontend", "POST /checkout", SpanKind::kServer, t,
                                   2 * kMinute + 2000 * kMillis)}));
  MaybeFlush();
  Write(kTenant, MakeBatch({SpanOf(id, 4, 2, "email", "SendConfirmation", SpanKind::kConsumer,
                                   t + 4 * kMinute, 1000 * kMillis)}));
  MaybeFlush();

  EXPECT_THAT(SpanIds(*GetTrace(kTenant, id)),
              UnorderedElementsAreArray({SpanIdOf(1), SpanIdOf(2), SpanIdOf(3), SpanIdOf(4)}));

  const FetchResult result =
      Fetch(Search(kTenant, Where(Field::kSpanName, kEq, S("SendConfirmation"))));
  ASSERT_EQ(result.traces.size(), 1u);
  const TraceSummary& summary = result.traces[0].summary;
  EXPECT_EQ(summary.trace_id, id);
  EXPECT_EQ(summary.root_service, "frontend");
  EXPECT_EQ(summary.root_span_name, "POST /checkout");
  EXPECT_EQ(summary.start_unix_nanos, t);
  EXPECT_EQ(summary.duration_nanos, 4 * kMinute + 1000 * kMillis);
  EXPECT_EQ(summary.span_count, 4u);

  // Ordered by the trace's start now that its root has arrived: older than `other`.
  EXPECT_THAT(FetchIds(Search(kTenant, {})), ElementsAre(other, id));

  // Only the last part lies in this range, and the trace comes back whole.
  FetchRequest request = Search(kTenant, {});
  request.start_unix_nanos = t + 4 * kMinute;
  request.end_unix_nanos = t + 5 * kMinute;
  request.whole_traces = true;
  const FetchResult in_range = Fetch(request);
  ASSERT_EQ(in_range.traces.size(), 1u);
  EXPECT_EQ(in_range.traces[0].summary.trace_id, id);
  EXPECT_EQ(in_range.traces[0].spans->size(), 4u);
}

// Retries are at-least-once. A backend may keep an exact duplicate or drop it (the embedded
// store drops them at compaction), so GetTrace holds each span once or twice here and Fetch
// counts what is stored — but a trace is always one trace, and spans that merely share an id
// (Zipkin's shared client/server spans) are never merged.
TEST_P(StorageConformanceTest, DuplicatesAreNeverInventedAndSharedIdsAreKept) {
  const TraceId id = MakeTraceId(0xd0, 1);
  const TraceId shared = MakeTraceId(0xd0, 2);
  const std::vector<TestSpan> spans = {
      SpanOf(id, 1, 0, "frontend", "GET /", SpanKind::kServer, kBaseTime, 10 * kMillis),
      SpanOf(id, 2, 1, "cart", "GetCart", SpanKind::kServer, kBaseTime + kMillis, 5 * kMillis),
      SpanOf(id, 3, 1, "users", "GetUser", SpanKind::kClient, kBaseTime + kMillis, 5 * kMillis),
  };
  Write(kTenant, MakeBatch(spans));
  MaybeFlush();
  Write(kTenant, MakeBatch(spans));  // the retry
  Write(kTenant, MakeBatch({SpanOf(shared, 5, 0, "frontend", "GET /", SpanKind::kClient, kBaseTime,
                                   4 * kMillis),
                            SpanOf(shared, 5, 0, "cart", "GET /", SpanKind::kServer,
                                   kBaseTime + kMillis, 2 * kMillis)}));
  MaybeFlush();

  std::unique_ptr<SpanBatch> trace = GetTrace(kTenant, id);
  std::map<SpanId, int> copies;
  for (const Span& span : trace->spans()) ++copies[span.span_id];
  EXPECT_EQ(copies.size(), 3u);
  for (const auto& [span_id, count] : copies) {
    EXPECT_GE(count, 1) << span_id.ToHex();
    EXPECT_LE(count, 2) << span_id.ToHex();
  }

  std::vector<SpanKind> kinds;
  const std::unique_ptr<SpanBatch> shared_trace = GetTrace(kTenant, shared);
  for (const Span& span : shared_trace->spans()) kinds.push_back(span.kind);
  std::sort(kinds.begin(), kinds.end());
  EXPECT_THAT(kinds, ElementsAre(SpanKind::kServer, SpanKind::kClient));

  const FetchResult result = Fetch(Search(kTenant, Where(Field::kSpanName, kEq, S("GetCart"))));
  ASSERT_EQ(result.traces.size(), 1u) << "a retried trace is still one trace";
  EXPECT_GE(result.traces[0].summary.span_count, 3u);
  EXPECT_LE(result.traces[0].summary.span_count, 6u);
  EXPECT_GE(result.traces[0].matched_spans, 1u);
  EXPECT_LE(result.traces[0].matched_spans, 2u);
  EXPECT_EQ(result.traces[0].summary.root_span_name, "GET /");
}

}  // namespace
}  // namespace weft::storage::conformance
