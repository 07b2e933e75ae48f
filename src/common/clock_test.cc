#include "common/clock.h"

#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(ClockTest, RealClockIsAfter2020AndMonotonic) {
  const Clock& clock = RealClock::Get();
  EXPECT_GT(clock.NowUnixNanos(), 1'577'836'800'000'000'000ULL);
  const uint64_t a = clock.MonotonicNanos();
  EXPECT_GE(clock.MonotonicNanos(), a);
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(1000);
  EXPECT_EQ(clock.NowUnixNanos(), 1000u);
  clock.Advance(5);
  EXPECT_EQ(clock.NowUnixNanos(), 1005u);
  EXPECT_EQ(clock.MonotonicNanos(), 1005u);
  clock.Set(7);
  EXPECT_EQ(clock.NowUnixNanos(), 7u);
}

}  // namespace
}  // namespace weft
