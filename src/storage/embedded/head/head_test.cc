// Head: adding, finding, what is due by idle / max-live time and by bytes, two-step removal that
// keeps late spans, and the oldest WAL segment still needed.
#include "storage/embedded/head/head.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "common/clock.h"
#include "gtest/gtest.h"

namespace weft::storage::embedded {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

// A batch of `spans` spans, all of trace `trace` (1-based small ids).
std::shared_ptr<const GroupedBatch> TraceBatch(int trace, int spans, int first_span = 1) {
  auto batch = std::make_unique<SpanBatch>();
  Resource resource;
  const uint32_t r = batch->AddResource(resource);
  const uint32_t s = batch->AddScope(r, InstrumentationScope{});
  for (int i = 0; i < spans; ++i) {
    Span span;
    span.trace_id = *TraceId::FromHex(absl::StrFormat("%032x", trace));
    span.span_id = *SpanId::FromHex(absl::StrFormat("%016x", first_span + i));
    span.scope_index = s;
    span.name = "op";
    span.start_time_unix_nano = 1000;
    span.end_time_unix_nano = 2000;
    batch->AddSpan(span);
  }
  return GroupBatch(std::move(batch));
}

TraceId Id(int trace) { return *TraceId::FromHex(absl::StrFormat("%032x", trace)); }

class HeadTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  Head head_{HeadOptions{.idle_nanos = 10 * kSecond,
                         .max_live_nanos = 60 * kSecond,
                         .max_bytes = uint64_t{1} << 30},
             clock_};
};

TEST_F(HeadTest, FindsWhatWasAdded) {
  head_.Add("t", TraceBatch(1, 3), 5);
  EXPECT_EQ(head_.Find("t", Id(1)).size(), 1u);
  EXPECT_TRUE(head_.Find("other", Id(1)).empty());
  EXPECT_TRUE(head_.Find("t", Id(2)).empty());
  EXPECT_EQ(head_.stats().spans, 3u);
  EXPECT_EQ(head_.stats().traces, 1u);
  EXPECT_GT(head_.stats().bytes, 0u);
}

TEST_F(HeadTest, IdleTraceIsDueAfterIdleTime) {
  head_.Add("t", TraceBatch(1, 2), 1);
  clock_.Advance(9 * kSecond);
  EXPECT_TRUE(head_.Due(false).empty());
  clock_.Advance(1 * kSecond);
  const std::vector<HeadCut> cuts = head_.Due(false);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].tenant, "t");
  ASSERT_EQ(cuts[0].traces.size(), 1u);
  EXPECT_EQ(cuts[0].spans, 2u);
}

TEST_F(HeadTest, BusyTraceIsDueAfterMaxLive) {
  head_.Add("t", TraceBatch(1, 1), 1);
  for (int i = 0; i < 12; ++i) {
    clock_.Advance(5 * kSecond);  // never idle for 10 s
    head_.Add("t", TraceBatch(1, 1, 100 + i), 1);
    if (i < 11) {
      EXPECT_TRUE(head_.Due(false).empty()) << i;
    }
  }
  EXPECT_EQ(head_.Due(false).size(), 1u);  // 60 s since the first span
}

TEST_F(HeadTest, EverythingIsDueWhenAsked) {
  head_.Add("a", TraceBatch(2, 1), 1);
  head_.Add("a", TraceBatch(1, 1), 1);
  head_.Add("b", TraceBatch(3, 1), 1);
  const std::vector<HeadCut> cuts = head_.Due(true);
  ASSERT_EQ(cuts.size(), 2u);
  EXPECT_EQ(cuts[0].tenant, "a");
  ASSERT_EQ(cuts[0].traces.size(), 2u);
  EXPECT_LT(cuts[0].traces[0].id, cuts[0].traces[1].id) << "ascending trace ids";
  EXPECT_EQ(cuts[1].tenant, "b");
}

TEST_F(HeadTest, OverBytesCutsOldestFirst) {
  const uint64_t one = TraceBatch(1, 10)->charged_bytes;
  FakeClock clock;
  Head head(HeadOptions{.max_bytes = one * 4}, clock);
  for (int t = 1; t <= 8; ++t) {
    head.Add("t", TraceBatch(t, 10), 1);
    clock.Advance(kSecond / 10);
  }
  EXPECT_TRUE(head.OverBytes(1.0));
  const std::vector<HeadCut> cuts = head.Due(false);
  ASSERT_EQ(cuts.size(), 1u);
  // Back to half of 4 traces' bytes: 2 stay, the 6 oldest go.
  ASSERT_EQ(cuts[0].traces.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(cuts[0].traces[i].id, Id(static_cast<int>(i) + 1));
  head.Remove(cuts[0]);
  EXPECT_FALSE(head.OverBytes(1.0));
  EXPECT_EQ(head.stats().traces, 2u);
}

TEST_F(HeadTest, RemoveKeepsSpansThatArrivedAfterDue) {
  head_.Add("t", TraceBatch(1, 2), 3);
  const std::vector<HeadCut> cuts = head_.Due(true);
  head_.Add("t", TraceBatch(1, 1, 50), 4);  // a late span while the block is being written
  head_.Remove(cuts[0]);
  const std::vector<TraceSlice> left = head_.Find("t", Id(1));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].indexes().size(), 1u);
  EXPECT_EQ(head_.stats().spans, 1u);
  EXPECT_EQ(head_.MinWalSegment(), 4u) << "segment 3's spans are in a block now";
}

TEST_F(HeadTest, MinWalSegmentIsTheOldestHeld) {
  EXPECT_EQ(head_.MinWalSegment(), UINT64_MAX);
  head_.Add("t", TraceBatch(1, 1), 7);
  head_.Add("u", TraceBatch(2, 1), 3);
  EXPECT_EQ(head_.MinWalSegment(), 3u);
  for (const HeadCut& cut : head_.Due(true)) {
    if (cut.tenant == "u") head_.Remove(cut);
  }
  EXPECT_EQ(head_.MinWalSegment(), 7u);
}

TEST_F(HeadTest, FetchAndCatalogSeeHeadTraces) {
  head_.Add("t", TraceBatch(1, 2), 1);
  FetchRequest request;
  request.tenant = "t";
  absl::StatusOr<FetchResult> result = head_.Fetch(request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->traces.size(), 1u);
  EXPECT_EQ(result->traces[0].summary.span_count, 2u);
  const std::vector<OperationName> ops = head_.Operations("t", "");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].name, "op");
  head_.Remove(head_.Due(true)[0]);
  EXPECT_TRUE(head_.Operations("t", "").empty()) << "catalog counts follow removal";
}

}  // namespace
}  // namespace weft::storage::embedded
