#include "query/assembly/trace_tree.h"

#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/assembly/test_trace_builder.h"

namespace weft::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Sid;
using testing::TestTraceBuilder;

// Spans are added in start order, so indexes are the order of Add calls.
TEST(TraceTreeTest, LinksChildrenToParentsInSpanOrder) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 1, 10, 50);
  b.Add(s, 3, 2, 20, 30);
  b.Add(s, 4, 1, 60, 90);
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.parent, ElementsAre(kNoSpan, 0u, 1u, 0u));
  EXPECT_THAT(tree.children(0), ElementsAre(1u, 3u));
  EXPECT_THAT(tree.children(1), ElementsAre(2u));
  EXPECT_THAT(tree.roots, ElementsAre(0u));
  EXPECT_THAT(tree.depth, ElementsAre(0u, 1u, 2u, 1u));
  EXPECT_THAT(tree.preorder, ElementsAre(0u, 1u, 2u, 3u));
  EXPECT_EQ(tree.true_root_count, 1u);
  EXPECT_TRUE(tree.missing_parent_ids.empty());
  EXPECT_TRUE(tree.warnings.empty());
}

TEST(TraceTreeTest, SpanWithAbsentParentIsAnOrphanRoot) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 99, 10, 50);
  b.Add(s, 3, 99, 20, 30);
  b.Add(s, 4, 2, 25, 26);
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.roots, ElementsAre(0u, 1u, 2u));
  EXPECT_THAT(tree.attachment, ElementsAre(Attachment::kRoot, Attachment::kOrphan,
                                           Attachment::kOrphan, Attachment::kChild));
  EXPECT_THAT(tree.missing_parent_ids, ElementsAre(Sid(99)));
  EXPECT_EQ(tree.true_root_count, 1u);
  EXPECT_EQ(tree.parent[3], 1u);
}

TEST(TraceTreeTest, ZipkinSharedSpanServerHangsUnderClientAndOwnsChildren) {
  TestTraceBuilder b;
  const uint32_t frontend = b.Service("frontend");
  const uint32_t checkout = b.Service("checkout");
  b.Add(frontend, 1, 0, 0, 100, "GET /", SpanKind::kServer);
  b.Add(frontend, 2, 1, 10, 90, "call checkout", SpanKind::kClient);
  // Zipkin: the callee records the same id with the caller's parent.
  b.Add(checkout, 2, 1, 15, 85, "checkout", SpanKind::kServer);
  b.Add(checkout, 3, 2, 20, 40, "db");
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.parent, ElementsAre(kNoSpan, 0u, 1u, 2u));
  EXPECT_EQ(tree.attachment[2], Attachment::kSharedServer);
  EXPECT_THAT(tree.children(0), ElementsAre(1u));
  EXPECT_THAT(tree.children(1), ElementsAre(2u));
  EXPECT_THAT(tree.children(2), ElementsAre(3u));
  EXPECT_TRUE(tree.warnings.empty());
}

TEST(TraceTreeTest, ZipkinSharedSpanWorksWhenServerSortsFirst) {
  TestTraceBuilder b;
  const uint32_t frontend = b.Service("frontend");
  const uint32_t checkout = b.Service("checkout");
  b.Add(frontend, 1, 0, 0, 100, "GET /", SpanKind::kServer);
  b.Add(checkout, 2, 1, 5, 85, "checkout", SpanKind::kServer);  // skewed: before the CLIENT
  b.Add(frontend, 2, 1, 10, 90, "call checkout", SpanKind::kClient);
  b.Add(checkout, 3, 2, 20, 40, "db");
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.parent, ElementsAre(kNoSpan, 2u, 0u, 1u));
  EXPECT_THAT(tree.preorder, ElementsAre(0u, 2u, 1u, 3u));
}

TEST(TraceTreeTest, AmbiguousSharedIdWarnsAndUsesEarliestSpan) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 1, 10, 50, "first");
  b.Add(s, 2, 1, 12, 60, "second");
  b.Add(s, 3, 2, 20, 30);
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.parent, ElementsAre(kNoSpan, 0u, 0u, 1u));
  ASSERT_EQ(tree.warnings.size(), 1u);
  EXPECT_EQ(tree.warnings[0].kind, AssemblyWarningKind::kSharedSpanId);
  EXPECT_EQ(tree.warnings[0].span_id, Sid(2));
  EXPECT_THAT(tree.warnings[0].reason, HasSubstr("2 different spans"));
}

TEST(TraceTreeTest, TwoSpanCycleIsBrokenAtEarliestSpan) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 2, 0, 100);  // A's parent is B
  b.Add(s, 2, 1, 10, 50);  // B's parent is A
  b.Add(s, 3, 2, 20, 30);
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.roots, ElementsAre(0u));
  EXPECT_EQ(tree.attachment[0], Attachment::kCycleBroken);
  EXPECT_THAT(tree.parent, ElementsAre(kNoSpan, 0u, 1u));
  EXPECT_EQ(tree.preorder.size(), 3u);
  ASSERT_EQ(tree.warnings.size(), 1u);
  EXPECT_EQ(tree.warnings[0].kind, AssemblyWarningKind::kCycleBroken);
  EXPECT_EQ(tree.warnings[0].span_id, Sid(1));
  EXPECT_THAT(tree.warnings[0].reason, HasSubstr("cycle of 2"));
  EXPECT_EQ(tree.true_root_count, 0u);
}

TEST(TraceTreeTest, SelfParentAndLongCycleBesideARealRoot) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 0, 0, 100);  // the real root
  b.Add(s, 5, 5, 1, 2);    // its own parent
  b.Add(s, 10, 12, 3, 4);  // 10 -> 12 -> 11 -> 10
  b.Add(s, 11, 10, 5, 6);
  b.Add(s, 12, 11, 7, 8);
  b.Add(s, 13, 12, 9, 10);  // hangs off the cycle
  const TraceTree tree = BuildTraceTree(b.batch().spans());
  EXPECT_THAT(tree.roots, ElementsAre(0u, 1u, 2u));
  EXPECT_EQ(tree.attachment[1], Attachment::kCycleBroken);
  EXPECT_EQ(tree.attachment[2], Attachment::kCycleBroken);
  EXPECT_EQ(tree.warnings.size(), 2u);
  EXPECT_EQ(tree.preorder.size(), 6u);
  EXPECT_EQ(tree.depth[5], 3u);  // 10 -> 11 -> 12 -> 13
  EXPECT_EQ(tree.true_root_count, 1u);
}

TEST(TraceTreeTest, PermuteRenumbersEverything) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 2, 1, 10, 50);
  b.Add(s, 3, 2, 20, 30);
  TraceTree tree = BuildTraceTree(b.batch().spans());
  const std::vector<uint32_t> order = {2, 0, 1};  // new 0 is old 2, ...
  PermuteTraceTree(tree, order);
  EXPECT_THAT(tree.parent, ElementsAre(2u, kNoSpan, 1u));
  EXPECT_THAT(tree.roots, ElementsAre(1u));
  EXPECT_THAT(tree.preorder, ElementsAre(1u, 2u, 0u));
  EXPECT_THAT(tree.depth, ElementsAre(2u, 0u, 1u));
}

}  // namespace
}  // namespace weft::query
