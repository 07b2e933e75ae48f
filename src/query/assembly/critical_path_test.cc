#include "query/assembly/critical_path.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/assembly/test_trace_builder.h"

namespace weft::query {
namespace {

using ::testing::ElementsAre;
using testing::TestTraceBuilder;

using Section = CriticalPathSection;

// Spans are added in start order, so span indexes follow the Add calls: R is 0, A 1, ...
CriticalPath PathOf(TestTraceBuilder& b) {
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  return ComputeCriticalPath(b.batch().spans(), tree);
}

TEST(CriticalPathTest, LoneSpanIsItsOwnPath) {
  TestTraceBuilder b;
  b.Add(b.Service("s"), 1, 0, 0, 100);
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections, ElementsAre(Section{0, 0, 100}));
  EXPECT_THAT(path.span_nanos, ElementsAre(100u));
}

TEST(CriticalPathTest, SequentialChildrenAreAllOnThePath) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);  // R
  b.Add(s, 2, 1, 10, 30);  // A
  b.Add(s, 3, 1, 40, 70);  // B
  b.Add(s, 4, 1, 75, 95);  // C
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections, ElementsAre(Section{0, 0, 10}, Section{1, 10, 30}, Section{0, 30, 40},
                                         Section{2, 40, 70}, Section{0, 70, 75}, Section{3, 75, 95},
                                         Section{0, 95, 100}));
  EXPECT_THAT(path.span_nanos, ElementsAre(30u, 20u, 30u, 20u));
}

TEST(CriticalPathTest, ParallelChildrenOnlyTheLastFinishingCounts) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);  // R
  b.Add(s, 2, 1, 10, 80);  // A: parallel with C, finishes earlier
  b.Add(s, 3, 1, 10, 50);  // B: parallel with C, finishes earlier
  b.Add(s, 4, 1, 20, 90);  // C: the last to finish
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections,
              ElementsAre(Section{0, 0, 20}, Section{3, 20, 90}, Section{0, 90, 100}));
  EXPECT_THAT(path.span_nanos, ElementsAre(30u, 0u, 0u, 70u));
}

TEST(CriticalPathTest, OverlappingChildrenPathGoesThroughTheLaterOne) {
  // The example of critical_path.h.
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);  // R
  b.Add(s, 2, 1, 10, 40);  // A
  b.Add(s, 3, 1, 20, 60);  // B
  b.Add(s, 4, 1, 70, 90);  // C
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections, ElementsAre(Section{0, 0, 20}, Section{2, 20, 60}, Section{0, 60, 70},
                                         Section{3, 70, 90}, Section{0, 90, 100}));
}

TEST(CriticalPathTest, ChildOverrunningParentEndIsClipped) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);   // R
  b.Add(s, 2, 1, 10, 60);   // A
  b.Add(s, 3, 1, 50, 130);  // B: runs 30 past R's end
  const CriticalPath path = PathOf(b);
  // B counts up to R's end only; A ends after B starts, so it is off the path.
  EXPECT_THAT(path.sections, ElementsAre(Section{0, 0, 50}, Section{2, 50, 100}));
  EXPECT_THAT(path.span_nanos, ElementsAre(50u, 0u, 50u));
}

TEST(CriticalPathTest, ChildWhollyOutsideParentIsLeftOutWithItsSubtree) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);    // R
  b.Add(s, 2, 1, 10, 50);    // A
  b.Add(s, 3, 1, 120, 150);  // Z: starts after R ended (fire and forget)
  b.Add(s, 4, 3, 125, 140);  // Z's child
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections,
              ElementsAre(Section{0, 0, 10}, Section{1, 10, 50}, Section{0, 50, 100}));
}

TEST(CriticalPathTest, DescendsIntoGrandchildrenAndWalksBackUp) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);  // R
  b.Add(s, 2, 1, 10, 60);  // A
  b.Add(s, 3, 2, 20, 55);  // A1
  b.Add(s, 4, 1, 65, 80);  // B
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections, ElementsAre(Section{0, 0, 10}, Section{1, 10, 20}, Section{2, 20, 55},
                                         Section{1, 55, 60}, Section{0, 60, 65}, Section{3, 65, 80},
                                         Section{0, 80, 100}));
}

TEST(CriticalPathTest, EveryRootGetsItsOwnPath) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  b.Add(s, 1, 0, 0, 100);   // R
  b.Add(s, 2, 1, 10, 20);   // A
  b.Add(s, 3, 99, 30, 50);  // orphan O
  const CriticalPath path = PathOf(b);
  EXPECT_THAT(path.sections, ElementsAre(Section{0, 0, 10}, Section{1, 10, 20}, Section{0, 20, 100},
                                         Section{2, 30, 50}));
}

TEST(CriticalPathTest, ManySequentialChildrenStayLinear) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("s");
  constexpr uint64_t kChildren = 20'000;
  b.Add(s, 1, 0, 0, 10 * kChildren + 10);
  for (uint64_t i = 0; i < kChildren; ++i) b.Add(s, 2 + i, 1, 10 * i + 2, 10 * i + 9);
  const CriticalPath path = PathOf(b);
  EXPECT_EQ(path.sections.size(), 2 * kChildren + 1);
  EXPECT_EQ(path.span_nanos[0], 3 * kChildren + 10);
  EXPECT_EQ(path.span_nanos[1], 7u);
}

}  // namespace
}  // namespace weft::query
