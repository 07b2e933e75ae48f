// KeepEarliestSpans: the earliest spans stay, ties at the cut are filled in order.
#include "api/trace_size_cap.h"

#include <array>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::api {
namespace {

SpanBatch WithStarts(const std::vector<uint64_t>& starts) {
  SpanBatch batch;
  const uint32_t r = batch.AddResource({});
  const uint32_t s = batch.AddScope(r, {});
  uint8_t n = 0;
  for (const uint64_t start : starts) {
    Span span;
    std::array<uint8_t, 8> id{};
    id[7] = ++n;
    span.span_id = SpanId(id);
    span.start_time_unix_nano = start;
    span.end_time_unix_nano = start + 1;
    span.scope_index = s;
    batch.AddSpan(span);
  }
  return batch;
}

std::vector<int> Ids(const SpanBatch& batch) {
  std::vector<int> ids;
  for (const Span& span : batch.spans()) ids.push_back(span.span_id.bytes()[7]);
  return ids;
}

TEST(TraceSizeCapTest, SmallTracesAreUntouched) {
  SpanBatch batch = WithStarts({30, 10, 20});
  EXPECT_EQ(KeepEarliestSpans(batch, 3), 3u);
  EXPECT_THAT(Ids(batch), ::testing::ElementsAre(1, 2, 3));
}

TEST(TraceSizeCapTest, KeepsTheEarliestInTheirOrder) {
  SpanBatch batch = WithStarts({50, 10, 40, 20, 30});
  EXPECT_EQ(KeepEarliestSpans(batch, 3), 5u);
  EXPECT_THAT(Ids(batch), ::testing::ElementsAre(2, 4, 5));
}

TEST(TraceSizeCapTest, TiesAtTheCutAreFilledInOrder) {
  SpanBatch batch = WithStarts({20, 10, 20, 20, 5});
  EXPECT_EQ(KeepEarliestSpans(batch, 3), 5u);
  EXPECT_THAT(Ids(batch), ::testing::ElementsAre(1, 2, 5));
  EXPECT_EQ(TruncationMessage(5, 3), "trace has 5 spans; the earliest 3 are returned");
}

}  // namespace
}  // namespace weft::api
