#include "query/assembly/clock_skew.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/assembly/test_trace_builder.h"
#include "query/assembly/trace_assembler.h"

namespace weft::query {
namespace {

using ::testing::HasSubstr;
using testing::Sid;
using testing::TestTraceBuilder;

AssemblyOptions SkewOn() {
  AssemblyOptions options;
  options.adjust_clock_skew = true;
  return options;
}

// frontend on host-a calls checkout on host-b, whose clock is 500 ns behind; checkout calls
// payment on host-c, whose clock is right.
//   1 frontend  GET /          [1000, 2000)
//   2 frontend  call checkout  [1100, 1900)  CLIENT
//   3 checkout  checkout       [ 600, 1400)  SERVER, really [1100, 1900)
//   4 checkout  load cart      [ 700,  800)  really [1200, 1300)
//   5 payment   charge         [1210, 1290)  inside the real [1200, 1300)
SpanBatch SkewedTrace() {
  TestTraceBuilder b;
  const uint32_t frontend = b.Service("frontend", "host-a");
  const uint32_t checkout = b.Service("checkout", "host-b");
  const uint32_t payment = b.Service("payment", "host-c");
  b.Add(frontend, 1, 0, 1000, 2000, "GET /", SpanKind::kServer);
  b.Add(frontend, 2, 1, 1100, 1900, "call checkout", SpanKind::kClient);
  Span& server = b.Add(checkout, 3, 2, 600, 1400, "checkout", SpanKind::kServer);
  static const Event kEvent{650, "cart loaded", {}, 0};
  server.events = {&kEvent, 1};
  b.Add(checkout, 4, 3, 700, 800, "load cart");
  b.Add(payment, 5, 4, 1210, 1290, "charge");
  return b.Take();
}

TEST(ClockSkewTest, OffByDefaultKeepsRawTimes) {
  const AssembledTrace trace = AssembleTrace(SkewedTrace());
  EXPECT_TRUE(trace.warnings().empty());
  // Raw start order: 3, 4, 1, 2, 5.
  EXPECT_EQ(trace.span(0).span_id, Sid(3));
  EXPECT_EQ(trace.span(0).start_time_unix_nano, 600u);
  for (uint32_t i = 0; i < trace.size(); ++i) EXPECT_EQ(trace.clock_skew_shift_nanos(i), 0);
}

TEST(ClockSkewTest, ShiftsCalleeSubtreeIntoCallerAndWarns) {
  const AssembledTrace trace = AssembleTrace(SkewedTrace(), SkewOn());
  ASSERT_EQ(trace.size(), 5u);
  // Re-sorted by the adjusted times: 1, 2, 3 (1100, id 2 first), 4, 5.
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(trace.span(i).span_id, Sid(i + 1)) << i;
  EXPECT_EQ(trace.span(2).start_time_unix_nano, 1100u);
  EXPECT_EQ(trace.span(2).end_time_unix_nano, 1900u);
  ASSERT_EQ(trace.span(2).events.size(), 1u);
  EXPECT_EQ(trace.span(2).events[0].time_unix_nano, 1150u);
  EXPECT_EQ(trace.span(3).start_time_unix_nano, 1200u);
  EXPECT_EQ(trace.span(3).end_time_unix_nano, 1300u);
  EXPECT_EQ(trace.span(4).start_time_unix_nano, 1210u);  // fits: not moved
  EXPECT_EQ(trace.clock_skew_shift_nanos(2), 500);
  EXPECT_EQ(trace.clock_skew_shift_nanos(3), 500);
  EXPECT_EQ(trace.clock_skew_shift_nanos(4), 0);
  EXPECT_EQ(trace.parent(3), 2u);
  EXPECT_EQ(trace.parent(4), 3u);

  ASSERT_EQ(trace.warnings().size(), 2u);
  const AssemblyWarning& callee = trace.warnings()[0];
  EXPECT_EQ(callee.kind, AssemblyWarningKind::kClockSkewShifted);
  EXPECT_EQ(callee.span_id, Sid(3));
  EXPECT_EQ(callee.shift_nanos, 500);
  EXPECT_THAT(callee.reason, HasSubstr("starts before its parent"));
  const AssemblyWarning& inherited = trace.warnings()[1];
  EXPECT_EQ(inherited.span_id, Sid(4));
  EXPECT_EQ(inherited.shift_nanos, 500);
  EXPECT_THAT(inherited.reason, HasSubstr("same host as its parent"));
  // Self time uses the adjusted times: the CLIENT is covered by its SERVER.
  EXPECT_EQ(trace.self_time_nanos(1), 0u);
}

TEST(ClockSkewTest, ChildEndingAfterParentIsCentered) {
  TestTraceBuilder b;
  const uint32_t a = b.Service("frontend", "host-a");
  const uint32_t c = b.Service("checkout", "host-b");
  b.Add(a, 1, 0, 1000, 1800);
  b.Add(c, 2, 1, 1500, 2100);  // 600 long, ends 300 after its parent
  const AssembledTrace trace = AssembleTrace(b.Take(), SkewOn());
  EXPECT_EQ(trace.span(1).start_time_unix_nano, 1100u);  // 1000 + (800 - 600) / 2
  EXPECT_EQ(trace.span(1).end_time_unix_nano, 1700u);
  ASSERT_EQ(trace.warnings().size(), 1u);
  EXPECT_EQ(trace.warnings()[0].shift_nanos, -400);
  EXPECT_THAT(trace.warnings()[0].reason, HasSubstr("ends after its parent"));
}

TEST(ClockSkewTest, ChildLongerThanParentOnlyStopsStartingBeforeIt) {
  TestTraceBuilder b;
  const uint32_t a = b.Service("frontend", "host-a");
  const uint32_t c = b.Service("checkout", "host-b");
  b.Add(a, 1, 0, 1000, 1800);
  b.Add(c, 2, 1, 900, 2900);   // longer than its parent and starts before it
  b.Add(c, 3, 1, 1200, 3200);  // longer, starts inside: asynchronous, left alone
  const AssembledTrace trace = AssembleTrace(b.Take(), SkewOn());
  ASSERT_EQ(trace.warnings().size(), 1u);
  EXPECT_EQ(trace.warnings()[0].span_id, Sid(2));
  EXPECT_EQ(trace.warnings()[0].shift_nanos, 100);
  EXPECT_THAT(trace.warnings()[0].reason, HasSubstr("outlasts its parent"));
}

TEST(ClockSkewTest, SameHostNeverMovesAgainstItsParent) {
  TestTraceBuilder b;
  const uint32_t a = b.Service("frontend", "host-a");
  const uint32_t worker = b.Service("worker", "host-a");  // another service, same host
  b.Add(a, 1, 0, 1000, 1800);
  b.Add(a, 2, 1, 1700, 2500);      // fire-and-forget work outliving the request
  b.Add(worker, 3, 1, 900, 1000);  // odd, but one clock: not skew
  const AssembledTrace trace = AssembleTrace(b.Take(), SkewOn());
  EXPECT_TRUE(trace.warnings().empty());
}

TEST(ClockSkewTest, ShiftAboveTheLimitIsNotAppliedButReported) {
  AssemblyOptions options = SkewOn();
  options.max_clock_skew_shift_nanos = 100;
  const AssembledTrace trace = AssembleTrace(SkewedTrace(), options);
  ASSERT_EQ(trace.warnings().size(), 2u);
  EXPECT_EQ(trace.warnings()[0].kind, AssemblyWarningKind::kClockSkewNotApplied);
  EXPECT_EQ(trace.warnings()[0].span_id, Sid(3));
  EXPECT_EQ(trace.warnings()[0].shift_nanos, 500);
  EXPECT_THAT(trace.warnings()[0].reason, HasSubstr("exceeds the limit"));
  EXPECT_EQ(trace.span(0).start_time_unix_nano, 600u);  // raw
  // Span 4 shares span 3's clock and stays; span 5 (host-c) now disagrees with the unmoved span 4
  // and would be centered in it (at 710), also beyond the limit.
  EXPECT_EQ(trace.warnings()[1].kind, AssemblyWarningKind::kClockSkewNotApplied);
  EXPECT_EQ(trace.warnings()[1].span_id, Sid(5));
  EXPECT_EQ(trace.warnings()[1].shift_nanos, 710 - 1210);
}

TEST(ClockSkewTest, OrphanRootsAreNotMoved) {
  TestTraceBuilder b;
  const uint32_t a = b.Service("frontend", "host-a");
  b.Add(a, 1, 99, 1000, 1800);
  const AssembledTrace trace = AssembleTrace(b.Take(), SkewOn());
  EXPECT_TRUE(trace.warnings().empty());
  EXPECT_TRUE(trace.incomplete());
}

TEST(ClockSkewTest, ZipkinSharedSpanHalvesOnTwoHosts) {
  TestTraceBuilder b;
  const uint32_t a = b.Service("frontend", "host-a");
  const uint32_t c = b.Service("checkout", "host-b");
  b.Add(a, 1, 0, 1000, 2000, "GET /", SpanKind::kServer);
  b.Add(a, 2, 1, 1100, 1900, "call", SpanKind::kClient);
  b.Add(c, 2, 1, 5100, 5800, "serve", SpanKind::kServer);  // host-b is 4 us ahead
  const AssembledTrace trace = AssembleTrace(b.Take(), SkewOn());
  ASSERT_EQ(trace.warnings().size(), 1u);
  EXPECT_EQ(trace.warnings()[0].shift_nanos, 1150 - 5100);
  EXPECT_EQ(trace.span(2).start_time_unix_nano, 1150u);
  EXPECT_EQ(trace.attachment(2), Attachment::kSharedServer);
}

}  // namespace
}  // namespace weft::query
