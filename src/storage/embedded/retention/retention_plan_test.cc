#include "storage/embedded/retention/retention_plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::storage::embedded {
namespace {

constexpr uint64_t kHour = uint64_t{3600} * 1'000'000'000;
constexpr uint64_t kDay = 24 * kHour;
constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kNow = 1'700'000'000'000'000'000ULL;

BlockInfo Block(std::string path, uint64_t max_time, uint64_t bytes, std::string tenant = "t") {
  BlockInfo info;
  info.path = std::move(path);
  info.tenant = std::move(tenant);
  info.bytes = bytes;
  info.min_time_unix_nanos = max_time - std::min(max_time, kHour);
  info.max_time_unix_nanos = max_time;
  return info;
}

std::vector<size_t> Indexes(const std::vector<RetentionDecision>& decisions) {
  std::vector<size_t> out;
  out.reserve(decisions.size());
  for (const RetentionDecision& d : decisions) out.push_back(d.index);
  return out;
}

TEST(PlanRetention, Empty) {
  EXPECT_TRUE(PlanRetention({}, kNow, {}).empty());
  RetentionPolicy capped;
  capped.max_total_bytes = 1;
  EXPECT_TRUE(PlanRetention({}, kNow, capped).empty());
}

TEST(PlanRetention, ByAgeOldestFirst) {
  const std::vector<BlockInfo> blocks = {
      Block("a", kNow - 8 * kDay, 10),        // expired
      Block("b", kNow - 1 * kDay, 10),        // kept
      Block("c", kNow - 30 * kDay, 10),       // expired, oldest
      Block("d", kNow - 7 * kDay, 10),        // exactly at the cutoff: not older, kept
      Block("e", kNow - 7 * kDay - 1, 10),    // one nanosecond older: expired
      Block("f", kNow + kHour, 10, "other"),  // in the future (clock skew): kept
  };
  const std::vector<RetentionDecision> decisions = PlanRetention(blocks, kNow, {});
  EXPECT_THAT(Indexes(decisions), ::testing::ElementsAre(2, 0, 4));
  for (const RetentionDecision& d : decisions) EXPECT_EQ(d.reason, "older than 168h0m0s");
}

TEST(PlanRetention, AgeZeroMeansNoAgeLimit) {
  const std::vector<BlockInfo> blocks = {Block("a", 1, 10)};
  RetentionPolicy policy;
  policy.max_age_nanos = 0;
  EXPECT_TRUE(PlanRetention(blocks, kNow, policy).empty());
}

TEST(PlanRetention, NowBeforeMaxAgeDeletesNothingByAge) {
  const std::vector<BlockInfo> blocks = {Block("a", 0, 10)};
  EXPECT_TRUE(PlanRetention(blocks, 5 * kDay, {}).empty());
}

TEST(PlanRetention, BySizeCapOldestFirstAcrossTenants) {
  const std::vector<BlockInfo> blocks = {
      Block("a", kNow - 3 * kHour, 4 * kGiB, "t1"),
      Block("b", kNow - 1 * kHour, 4 * kGiB, "t2"),
      Block("c", kNow - 5 * kHour, 4 * kGiB, "t2"),
  };
  RetentionPolicy policy;
  policy.max_total_bytes = 5 * kGiB;
  const std::vector<RetentionDecision> decisions = PlanRetention(blocks, kNow, policy);
  ASSERT_THAT(Indexes(decisions), ::testing::ElementsAre(2, 0));
  EXPECT_EQ(decisions[0].reason, "total size 12 GiB over cap 5 GiB");
  EXPECT_EQ(decisions[1].reason, "total size 8 GiB over cap 5 GiB");
}

TEST(PlanRetention, CapReachedExactlyKeepsTheRest) {
  const std::vector<BlockInfo> blocks = {Block("a", kNow - 2, 6), Block("b", kNow - 1, 4)};
  RetentionPolicy policy;
  policy.max_total_bytes = 10;
  EXPECT_TRUE(PlanRetention(blocks, kNow, policy).empty());
  policy.max_total_bytes = 9;
  EXPECT_THAT(Indexes(PlanRetention(blocks, kNow, policy)), ::testing::ElementsAre(0));
}

TEST(PlanRetention, CapZeroMeansNoCap) {
  const std::vector<BlockInfo> blocks = {Block("a", kNow - kHour, 1000 * kGiB)};
  RetentionPolicy policy;
  policy.max_total_bytes = 0;
  EXPECT_TRUE(PlanRetention(blocks, kNow, policy).empty());
}

TEST(PlanRetention, AgeThenCapOnWhatRemains) {
  const std::vector<BlockInfo> blocks = {
      Block("young", kNow - 1 * kHour, 3 * kGiB),
      Block("expired", kNow - 10 * kDay, 100 * kGiB),
      Block("middle", kNow - 2 * kHour, 3 * kGiB),
      Block("old", kNow - 3 * kHour, 3 * kGiB),
  };
  RetentionPolicy policy;
  policy.max_total_bytes = 7 * kGiB;
  const std::vector<RetentionDecision> decisions = PlanRetention(blocks, kNow, policy);
  ASSERT_THAT(Indexes(decisions), ::testing::ElementsAre(1, 3));
  EXPECT_EQ(decisions[0].reason, "older than 168h0m0s");
  // The expired block's bytes no longer count.
  EXPECT_EQ(decisions[1].reason, "total size 9 GiB over cap 7 GiB");
}

TEST(PlanRetention, TiesByPathThenIndex) {
  const uint64_t t = kNow - kHour;
  const std::vector<BlockInfo> blocks = {Block("c", t, 1), Block("a", t, 1), Block("b", t, 1),
                                         Block("a", t, 1)};
  RetentionPolicy policy;
  policy.max_total_bytes = 1;
  EXPECT_THAT(Indexes(PlanRetention(blocks, kNow, policy)), ::testing::ElementsAre(1, 3, 2));
  policy.max_total_bytes = 0;
  policy.max_age_nanos = 1;
  EXPECT_THAT(Indexes(PlanRetention(blocks, kNow, policy)), ::testing::ElementsAre(1, 3, 2, 0));
}

TEST(PlanRetention, ReasonShowsBytesWhenRoundingHidesTheExcess) {
  const std::vector<BlockInfo> blocks = {Block("a", kNow - 2, 1), Block("b", kNow - 1, kGiB)};
  RetentionPolicy policy;
  policy.max_total_bytes = kGiB;
  const std::vector<RetentionDecision> decisions = PlanRetention(blocks, kNow, policy);
  ASSERT_THAT(Indexes(decisions), ::testing::ElementsAre(0));
  EXPECT_EQ(decisions[0].reason, "total size 1073741825 bytes over cap 1073741824 bytes");
}

TEST(FormatGoDuration, AsGoPrintsIt) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(7), "7ns");
  EXPECT_EQ(FormatGoDuration(1'500), "1.5\u00b5s");
  EXPECT_EQ(FormatGoDuration(250'000'000), "250ms");
  EXPECT_EQ(FormatGoDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(FormatGoDuration(90'000'000'000), "1m30s");
  EXPECT_EQ(FormatGoDuration(kHour), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(7 * kDay), "168h0m0s");
  EXPECT_EQ(FormatGoDuration(kHour + 1), "1h0m0.000000001s");
}

TEST(FormatBinaryBytes, Units) {
  EXPECT_EQ(FormatBinaryBytes(0), "0 B");
  EXPECT_EQ(FormatBinaryBytes(1023), "1023 B");
  EXPECT_EQ(FormatBinaryBytes(1024), "1 KiB");
  EXPECT_EQ(FormatBinaryBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBinaryBytes(12 * kGiB), "12 GiB");
  EXPECT_EQ(FormatBinaryBytes(uint64_t{3} << 40), "3 TiB");
}

}  // namespace
}  // namespace weft::storage::embedded
