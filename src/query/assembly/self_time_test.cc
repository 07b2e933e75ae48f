#include "query/assembly/self_time.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/assembly/test_trace_builder.h"

namespace weft::query {
namespace {

using ::testing::ElementsAre;
using testing::TestTraceBuilder;

std::vector<uint64_t> SelfTimesOf(TestTraceBuilder& b) {
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  return ComputeSelfTimes(b.batch().spans(), tree);
}

TEST(SelfTimeTest, SpanWithoutChildrenIsAllSelfTime) {
  TestTraceBuilder b;
  b.Add(b.Service("s"), 1, 0, 100, 350);
  EXPECT_THAT(SelfTimesOf(b), ElementsAre(250u));
}

TEST(SelfTimeTest, OverlappingChildrenCountOnce) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 1, 10, 50);
  b.Add(s, 3, 1, 30, 70);  // overlaps the first
  b.Add(s, 4, 1, 60, 65);  // inside the second
  // The children cover [10, 70): 60 of 100.
  EXPECT_THAT(SelfTimesOf(b), ElementsAre(40u, 40u, 40u, 5u));
}

TEST(SelfTimeTest, ChildrenAreClippedToTheParent) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 50, 150);
  b.Add(s, 2, 1, 0, 80);     // starts 50 before its parent
  b.Add(s, 3, 1, 120, 400);  // ends 250 after it
  // Covered: [50, 80) and [120, 150).
  EXPECT_THAT(SelfTimesOf(b), ElementsAre(40u, 80u, 280u));
}

TEST(SelfTimeTest, GrandchildrenDoNotReduceTheGrandparent) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 1, 10, 20);
  b.Add(s, 3, 2, 12, 18);
  EXPECT_THAT(SelfTimesOf(b), ElementsAre(90u, 4u, 6u));
}

TEST(SelfTimeTest, EndBeforeStartCountsAsZeroLength) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 1, 50, 40);  // malformed
  EXPECT_THAT(SelfTimesOf(b), ElementsAre(100u, 0u));
}

}  // namespace
}  // namespace weft::query
