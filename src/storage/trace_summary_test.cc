#include "storage/trace_summary.h"

#include <array>
#include <string_view>

#include "gtest/gtest.h"

namespace weft::storage {
namespace {

SpanId Id(uint8_t n) {
  std::array<uint8_t, 8> bytes{};
  bytes[7] = n;
  return SpanId(bytes);
}

// Appends a span of `service` to `batch` (one resource per call, which is fine for tests).
void AddSpan(SpanBatch& batch, std::string_view service, std::string_view name, SpanId id,
             SpanId parent, uint64_t start, uint64_t end, StatusCode status = StatusCode::kUnset) {
  Arena& arena = batch.arena();
  const KeyValue attrs[] = {{"service.name", AnyValue::String(arena.CopyString(service))}};
  const uint32_t r = batch.AddResource({arena.CopyArray(Attributes(attrs)), 0, ""});
  Span span;
  span.span_id = id;
  span.parent_span_id = parent;
  span.name = arena.CopyString(name);
  span.start_time_unix_nano = start;
  span.end_time_unix_nano = end;
  span.status_code = status;
  span.scope_index = batch.AddScope(r, {});
  batch.AddSpan(span);
}

const TraceId kTrace = TraceId::Random();

TEST(TraceSummaryTest, RootStartDurationAndCounts) {
  SpanBatch batch;
  AddSpan(batch, "cart", "HGET", Id(3), Id(2), 150, 400, StatusCode::kError);
  AddSpan(batch, "frontend", "GET /", Id(1), SpanId(), 100, 900);
  AddSpan(batch, "checkout", "PlaceOrder", Id(2), Id(1), 120, 950, StatusCode::kError);
  const TraceSummary s = ComputeSummary(kTrace, batch);
  EXPECT_EQ(s.trace_id, kTrace);
  EXPECT_EQ(s.root_service, "frontend");
  EXPECT_EQ(s.root_span_name, "GET /");
  EXPECT_EQ(s.start_unix_nanos, 100u);
  EXPECT_EQ(s.duration_nanos, 850u) << "latest end (a child's) - earliest start";
  EXPECT_EQ(s.span_count, 3u);
  EXPECT_EQ(s.error_count, 2u);
}

TEST(TraceSummaryTest, SeveralRootsTakeTheEarliestThenTheSmallestSpanId) {
  SpanBatch batch;
  AddSpan(batch, "late", "late root", Id(1), SpanId(), 500, 600);
  AddSpan(batch, "b", "tie b", Id(9), SpanId(), 200, 300);
  AddSpan(batch, "a", "tie a", Id(4), SpanId(), 200, 300);
  const TraceSummary s = ComputeSummary(kTrace, batch);
  EXPECT_EQ(s.root_service, "a");
  EXPECT_EQ(s.root_span_name, "tie a");
}

TEST(TraceSummaryTest, NoRootYetLeavesNamesEmpty) {
  SpanBatch batch;
  AddSpan(batch, "cart", "HGET", Id(3), Id(2), 150, 400);
  const TraceSummary s = ComputeSummary(kTrace, batch);
  EXPECT_EQ(s.root_service, "");
  EXPECT_EQ(s.root_span_name, "");
  EXPECT_EQ(s.span_count, 1u);
}

TEST(TraceSummaryTest, SpansFromSeveralBatches) {
  SpanBatch first, second;
  AddSpan(first, "checkout", "PlaceOrder", Id(2), Id(1), 120, 200);
  AddSpan(second, "frontend", "GET /", Id(1), SpanId(), 100, 180);
  TraceSummaryBuilder builder(kTrace);
  EXPECT_TRUE(builder.empty());
  builder.Add(first, first.spans()[0]);
  builder.Add(second, second.spans()[0]);
  const TraceSummary s = builder.Finish();
  EXPECT_EQ(s.root_service, "frontend");
  EXPECT_EQ(s.start_unix_nanos, 100u);
  EXPECT_EQ(s.duration_nanos, 100u);
  EXPECT_EQ(s.span_count, 2u);
}

TEST(TraceSummaryTest, EndBeforeStartCountsAsZeroLength) {
  SpanBatch batch;
  AddSpan(batch, "x", "broken clock", Id(1), SpanId(), 500, 100);
  const TraceSummary s = ComputeSummary(kTrace, batch);
  EXPECT_EQ(s.start_unix_nanos, 500u);
  EXPECT_EQ(s.duration_nanos, 0u);
}

TEST(TraceSummaryTest, EmptyIsAllZero) {
  const TraceSummary s = ComputeSummary(kTrace, SpanBatch());
  EXPECT_EQ(s.trace_id, kTrace);
  EXPECT_EQ(s.span_count, 0u);
  EXPECT_EQ(s.start_unix_nanos, 0u);
  EXPECT_EQ(s.duration_nanos, 0u);
}

}  // namespace
}  // namespace weft::storage
