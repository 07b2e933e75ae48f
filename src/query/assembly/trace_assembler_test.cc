#include "query/assembly/trace_assembler.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "query/assembly/span_order.h"
#include "query/assembly/test_trace_builder.h"

namespace weft::query {
namespace {

using ::testing::ElementsAre;
using testing::Sid;
using testing::TestTraceBuilder;

std::vector<SpanId> IdsInOrder(const AssembledTrace& trace) {
  std::vector<SpanId> ids;
  for (const Span& span : trace.spans()) ids.push_back(span.span_id);
  return ids;
}

// The critical path of each root tiles the root exactly: contiguous sections from its start to
// its end.
void ExpectCriticalPathTilesRoots(const AssembledTrace& trace) {
  const auto sections = trace.critical_path();
  size_t k = 0;
  for (const uint32_t root : trace.roots()) {
    const Span& span = trace.span(root);
    uint64_t at = span.start_time_unix_nano;
    const uint64_t end = std::max(span.start_time_unix_nano, span.end_time_unix_nano);
    while (at < end) {
      ASSERT_LT(k, sections.size());
      ASSERT_EQ(sections[k].start_unix_nano, at) << "section " << k;
      ASSERT_LT(sections[k].start_unix_nano, sections[k].end_unix_nano);
      at = sections[k].end_unix_nano;
      ++k;
    }
    ASSERT_EQ(at, end);
  }
  EXPECT_EQ(k, sections.size());
}

// frontend GET / [0, 100) -> checkout [10, 50) -> db [20, 30); frontend render [60, 90) (error).
void AddSimpleTrace(TestTraceBuilder& b, bool reversed) {
  const uint32_t frontend = b.Service("frontend");
  const uint32_t checkout = b.Service("checkout");
  struct Row {
    uint32_t scope;
    uint64_t id, parent, start, end;
    const char* name;
  };
  std::vector<Row> rows = {{frontend, 1, 0, 0, 100, "GET /"},
                           {checkout, 2, 1, 10, 50, "checkout"},
                           {checkout, 3, 2, 20, 30, "db"},
                           {frontend, 4, 1, 60, 90, "render"}};
  if (reversed) std::reverse(rows.begin(), rows.end());
  for (const Row& r : rows) {
    Span& span = b.Add(r.scope, r.id, r.parent, r.start, r.end, r.name);
    if (r.id == 4) span.status_code = StatusCode::kError;
  }
}

TEST(AssembleTraceTest, SimpleTree) {
  TestTraceBuilder b;
  AddSimpleTrace(b, /*reversed=*/false);
  const AssembledTrace trace = AssembleTrace(b.batch());
  ASSERT_EQ(trace.size(), 4u);
  EXPECT_THAT(trace.roots(), ElementsAre(0u));
  EXPECT_THAT(trace.children(0), ElementsAre(1u, 3u));
  EXPECT_THAT(trace.children(1), ElementsAre(2u));
  EXPECT_EQ(trace.depth(2), 2u);
  EXPECT_FALSE(trace.incomplete());
  EXPECT_FALSE(trace.has_multiple_roots());
  EXPECT_EQ(trace.duplicates_dropped(), 0u);
  EXPECT_TRUE(trace.warnings().empty());
  EXPECT_EQ(trace.self_time_nanos(0), 30u);
  EXPECT_EQ(trace.self_time_nanos(1), 30u);

  const TraceOverview& o = trace.overview();
  EXPECT_EQ(o.root, 0u);
  EXPECT_EQ(o.root_service_name, "frontend");
  EXPECT_EQ(o.root_span_name, "GET /");
  EXPECT_EQ(o.start_unix_nano, 0u);
  EXPECT_EQ(o.duration_nanos, 100u);
  EXPECT_EQ(o.span_count, 4u);
  EXPECT_EQ(o.error_count, 1u);
  EXPECT_EQ(o.depth, 3u);
  ASSERT_EQ(o.services.size(), 2u);
  EXPECT_EQ(o.services[0].name, "checkout");
  EXPECT_EQ(o.services[0].span_count, 2u);
  EXPECT_EQ(o.services[0].error_count, 0u);
  EXPECT_EQ(o.services[0].self_time_nanos, 40u);  // 30 + 10
  EXPECT_EQ(o.services[1].name, "frontend");
  EXPECT_EQ(o.services[1].error_count, 1u);
  EXPECT_EQ(o.services[1].self_time_nanos, 60u);  // 30 + 30
  ExpectCriticalPathTilesRoots(trace);
  EXPECT_EQ(trace.critical_path_nanos(3), 30u);
  EXPECT_EQ(trace.critical_path_nanos(2), 10u);
}

TEST(AssembleTraceTest, OutOfOrderInputGivesTheSameTrace) {
  TestTraceBuilder in_order, reversed;
  AddSimpleTrace(in_order, false);
  AddSimpleTrace(reversed, true);
  const AssembledTrace a = AssembleTrace(in_order.batch());
  const AssembledTrace b = AssembleTrace(reversed.batch());
  EXPECT_EQ(IdsInOrder(a), IdsInOrder(b));
  EXPECT_THAT(IdsInOrder(b), ElementsAre(Sid(1), Sid(2), Sid(3), Sid(4)));
  EXPECT_EQ(a.tree().parent, b.tree().parent);
  EXPECT_EQ(a.critical_path().size(), b.critical_path().size());
}

TEST(AssembleTraceTest, ExactDuplicatesAreDroppedAndCounted) {
  TestTraceBuilder b;
  AddSimpleTrace(b, false);
  AddSimpleTrace(b, true);  // every span again (new resources with the same content)
  const uint32_t s = b.Service("checkout");
  b.Add(s, 2, 1, 10, 50, "checkout");  // and span 2 a third time
  b.Add(s, 2, 1, 10, 51, "checkout");  // not a duplicate: ends later
  const AssembledTrace trace = AssembleTrace(b.Take());
  EXPECT_EQ(trace.duplicates_dropped(), 5u);
  EXPECT_EQ(trace.size(), 5u);
  ASSERT_EQ(trace.warnings().size(), 1u);
  EXPECT_EQ(trace.warnings()[0].kind, AssemblyWarningKind::kSharedSpanId);
}

TEST(AssembleTraceTest, MissingParentMakesOrphanAndIncompleteTrace) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 0, 0, 100);
  b.Add(s, 5, 40, 10, 20);  // parent 40 never arrived
  b.Add(s, 6, 40, 30, 35);
  b.Add(s, 7, 41, 50, 60);
  b.Add(s, 8, 5, 12, 18);
  const AssembledTrace trace = AssembleTrace(b.batch());
  EXPECT_TRUE(trace.incomplete());
  EXPECT_THAT(trace.missing_parent_ids(), ElementsAre(Sid(40), Sid(41)));
  EXPECT_FALSE(trace.has_multiple_roots());
  EXPECT_THAT(trace.roots(), ElementsAre(0u, 1u, 3u, 4u));
  EXPECT_EQ(trace.attachment(1), Attachment::kOrphan);
  EXPECT_EQ(trace.parent(2), 1u);  // span 8 under orphan 5
  EXPECT_EQ(trace.overview().root, 0u);
  ExpectCriticalPathTilesRoots(trace);
}

TEST(AssembleTraceTest, SeveralTrueRootsAreFlagged) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 9, 77, 0, 5, "orphan first");
  b.Add(s, 1, 0, 10, 100, "first root");
  b.Add(s, 2, 0, 20, 200, "second root");
  const AssembledTrace trace = AssembleTrace(b.batch());
  EXPECT_TRUE(trace.has_multiple_roots());
  EXPECT_TRUE(trace.incomplete());
  EXPECT_EQ(trace.overview().root, 1u);  // the earliest true root, not the orphan
  EXPECT_EQ(trace.overview().root_span_name, "first root");
  EXPECT_EQ(trace.overview().duration_nanos, 200u);
}

TEST(AssembleTraceTest, ZipkinSharedSpanIds) {
  TestTraceBuilder b;
  const uint32_t frontend = b.Service("frontend");
  const uint32_t checkout = b.Service("checkout");
  b.Add(checkout, 3, 2, 20, 40, "db");
  b.Add(checkout, 2, 1, 15, 85, "checkout", SpanKind::kServer);
  b.Add(frontend, 2, 1, 10, 90, "call checkout", SpanKind::kClient);
  b.Add(frontend, 1, 0, 0, 100, "GET /", SpanKind::kServer);
  const AssembledTrace trace = AssembleTrace(b.batch());
  ASSERT_EQ(trace.size(), 4u);
  EXPECT_EQ(trace.span(1).kind, SpanKind::kClient);
  EXPECT_EQ(trace.span(2).kind, SpanKind::kServer);
  EXPECT_EQ(trace.parent(1), 0u);
  EXPECT_EQ(trace.parent(2), 1u);
  EXPECT_EQ(trace.attachment(2), Attachment::kSharedServer);
  EXPECT_EQ(trace.parent(3), 2u);
  EXPECT_TRUE(trace.warnings().empty());
  EXPECT_FALSE(trace.incomplete());
  EXPECT_EQ(trace.overview().depth, 4u);
  EXPECT_EQ(trace.self_time_nanos(1), 10u);  // the client waits while the server works
}

TEST(AssembleTraceTest, CycleIsBrokenWithWarning) {
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  b.Add(s, 1, 2, 0, 100);
  b.Add(s, 2, 1, 10, 50);
  const AssembledTrace trace = AssembleTrace(b.batch());
  EXPECT_THAT(trace.roots(), ElementsAre(0u));
  EXPECT_EQ(trace.parent(1), 0u);
  ASSERT_EQ(trace.warnings().size(), 1u);
  EXPECT_EQ(trace.warnings()[0].kind, AssemblyWarningKind::kCycleBroken);
  EXPECT_FALSE(trace.incomplete());
  EXPECT_EQ(trace.overview().root, 0u);  // no true root: the earliest root
  ExpectCriticalPathTilesRoots(trace);
}

TEST(AssembleTraceTest, HundredThousandDeepChainNeedsNoDeepStack) {
  constexpr uint64_t kDepth = 100'000;
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  // Span k (1-based) runs [k, 2 * kDepth - k) under span k - 1; added deepest first.
  for (uint64_t k = kDepth; k >= 1; --k) b.Add(s, k, k - 1, k, 2 * kDepth - k);
  AssemblyOptions options;
  options.adjust_clock_skew = true;
  const AssembledTrace trace = AssembleTrace(b.Take(), options);
  ASSERT_EQ(trace.size(), kDepth);
  EXPECT_EQ(trace.span(0).span_id, Sid(1));
  EXPECT_EQ(trace.depth(kDepth - 1), kDepth - 1);
  EXPECT_EQ(trace.overview().depth, kDepth);
  EXPECT_EQ(trace.self_time_nanos(0), 2u);
  EXPECT_EQ(trace.self_time_nanos(kDepth - 1), 0u);  // [kDepth, kDepth)
  EXPECT_EQ(trace.self_time_nanos(kDepth - 2), 2u);
  EXPECT_TRUE(trace.warnings().empty());
  ExpectCriticalPathTilesRoots(trace);
}

TEST(AssembleTraceTest, LongCycleOfHundredThousandSpans) {
  constexpr uint64_t kLength = 100'000;
  TestTraceBuilder b;
  const uint32_t s = b.Service("frontend");
  for (uint64_t k = 1; k <= kLength; ++k) b.Add(s, k, k == 1 ? kLength : k - 1, k, k + 10);
  const AssembledTrace trace = AssembleTrace(b.Take());
  EXPECT_THAT(trace.roots(), ElementsAre(0u));
  EXPECT_EQ(trace.overview().depth, kLength);
  ASSERT_EQ(trace.warnings().size(), 1u);
}

TEST(AssembleTraceTest, GeneratedTraceOfTenThousandAndEightSpans) {
  TraceGeneratorOptions gen;
  gen.min_spans_per_trace = gen.max_spans_per_trace = 10'008;
  gen.error_rate = 0.05;
  TraceGenerator generator(42, gen);
  SpanBatch batch;
  generator.NextTrace(batch);
  ASSERT_EQ(batch.size(), 10'008u);
  // Delivered twice (a retry), every copy is an exact duplicate.
  SpanBatch twice;
  std::vector<uint32_t> all(batch.size());
  std::iota(all.begin(), all.end(), 0u);
  twice.CopySpansFrom(batch, all);
  std::reverse(all.begin(), all.end());
  twice.CopySpansFrom(batch, all);

  const AssembledTrace trace = AssembleTrace(twice);
  EXPECT_EQ(trace.duplicates_dropped(), 10'008u);
  ASSERT_EQ(trace.size(), 10'008u);
  EXPECT_THAT(trace.roots(), ElementsAre(0u));
  EXPECT_FALSE(trace.incomplete());
  EXPECT_TRUE(trace.warnings().empty());
  for (uint32_t i = 1; i < trace.size(); ++i) {
    ASSERT_FALSE(StartsBefore(trace.span(i), trace.span(i - 1))) << i;
  }
  const TraceOverview& o = trace.overview();
  uint32_t spans = 0, errors = 0;
  uint64_t self = 0, all_self = 0;
  for (const ServiceOverview& service : o.services) {
    spans += service.span_count;
    errors += service.error_count;
    self += service.self_time_nanos;
  }
  for (uint32_t i = 0; i < trace.size(); ++i) all_self += trace.self_time_nanos(i);
  EXPECT_EQ(spans, 10'008u);
  EXPECT_EQ(errors, o.error_count);
  EXPECT_GT(o.error_count, 0u);
  EXPECT_EQ(self, all_self);
  EXPECT_EQ(o.root_service_name, "frontend");
  EXPECT_GE(o.services.size(), 2u);
  ExpectCriticalPathTilesRoots(trace);
}

TEST(AssembleTraceTest, EmptyInput) {
  const AssembledTrace trace = AssembleTrace(SpanBatch());
  EXPECT_TRUE(trace.empty());
  EXPECT_TRUE(trace.roots().empty());
  EXPECT_EQ(trace.overview().root, kNoSpan);
  EXPECT_EQ(trace.overview().depth, 0u);
  EXPECT_TRUE(trace.critical_path().empty());
}

}  // namespace
}  // namespace weft::query
