#include "storage/embedded/compaction/compaction_plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::storage::embedded {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr uint64_t kHour = uint64_t{3600} * 1'000'000'000;
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kBase = 1'700'000'000ULL * 1'000'000'000 / kHour * kHour;  // a window start

BlockInfo Block(uint64_t min_time, uint64_t bytes, std::string path = "") {
  BlockInfo info;
  info.path = path.empty() ? "b" + std::to_string(min_time) : std::move(path);
  info.tenant = "t";
  info.bytes = bytes;
  info.min_time_unix_nanos = min_time;
  info.max_time_unix_nanos = min_time + 5'000'000'000;
  return info;
}

// `n` blocks of `bytes` each, starting `seconds` apart from `start`.
std::vector<BlockInfo> Blocks(size_t n, uint64_t start, uint64_t bytes, uint64_t seconds = 5) {
  std::vector<BlockInfo> out;
  for (size_t i = 0; i < n; ++i) out.push_back(Block(start + i * seconds * 1'000'000'000, bytes));
  return out;
}

TEST(PlanCompaction, NothingToDo) {
  EXPECT_THAT(PlanCompaction({}, {}), IsEmpty());
  EXPECT_THAT(PlanCompaction(Blocks(3, kBase, kMiB), {}), IsEmpty());  // fewer than min_inputs
}

TEST(PlanCompaction, OneWindowOneGroup) {
  const std::vector<BlockInfo> blocks = Blocks(5, kBase, kMiB);
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(0, 1, 2, 3, 4)));
}

TEST(PlanCompaction, MergedBlocksOfMaxInputSizeAreNotMergedAgain) {
  std::vector<BlockInfo> blocks = Blocks(4, kBase, 64 * kMiB);  // earlier merges' outputs
  for (const BlockInfo& b : Blocks(4, kBase + 100'000'000'000, kMiB)) blocks.push_back(b);
  CompactionPolicy policy;
  policy.max_input_bytes = 64 * kMiB;
  EXPECT_THAT(PlanCompaction(blocks, policy), ElementsAre(ElementsAre(4, 5, 6, 7)));
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(0, 1, 2, 3, 4, 5, 6, 7)))
      << "without the bound every block below the target is merged again";
}

TEST(PlanCompaction, GroupsFollowTimeOrderNotInputOrder) {
  std::vector<BlockInfo> blocks = Blocks(4, kBase, kMiB);
  std::swap(blocks[0], blocks[3]);
  std::swap(blocks[1], blocks[2]);
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(3, 2, 1, 0)));
}

TEST(PlanCompaction, WindowsSeparateOldestFirst) {
  // Four blocks in the second hour given first, five in the first hour, three in a third hour.
  std::vector<BlockInfo> blocks = Blocks(4, kBase + kHour, kMiB);
  for (const BlockInfo& b : Blocks(5, kBase, kMiB)) blocks.push_back(b);
  for (const BlockInfo& b : Blocks(3, kBase + 2 * kHour, kMiB)) blocks.push_back(b);
  EXPECT_THAT(PlanCompaction(blocks, {}),
              ElementsAre(ElementsAre(4, 5, 6, 7, 8), ElementsAre(0, 1, 2, 3)));
}

TEST(PlanCompaction, WindowIsByMinTime) {
  // Two blocks just before the hour, two just after: not one group of four.
  std::vector<BlockInfo> blocks = Blocks(2, kBase + kHour - 10'000'000'000, kMiB);
  for (const BlockInfo& b : Blocks(2, kBase + kHour, kMiB)) blocks.push_back(b);
  EXPECT_THAT(PlanCompaction(blocks, {}), IsEmpty());
  CompactionPolicy one_window;
  one_window.window_nanos = 0;
  EXPECT_THAT(PlanCompaction(blocks, one_window), ElementsAre(ElementsAre(0, 1, 2, 3)));
}

TEST(PlanCompaction, AtMostMaxInputs) {
  const auto groups = PlanCompaction(Blocks(36, kBase, kMiB), {});
  ASSERT_EQ(groups.size(), 3u);  // 16 + 16 + 4
  EXPECT_EQ(groups[0].size(), 16u);
  EXPECT_EQ(groups[0].front(), 0u);
  EXPECT_EQ(groups[1].size(), 16u);
  EXPECT_EQ(groups[1].front(), 16u);
  EXPECT_THAT(groups[2], ElementsAre(32, 33, 34, 35));
  // 35 blocks: three left over, too few for a group.
  EXPECT_EQ(PlanCompaction(Blocks(35, kBase, kMiB), {}).size(), 2u);
}

TEST(PlanCompaction, SizeCap) {
  // 200 MiB blocks: only two fit under 512 MiB, fewer than min_inputs.
  EXPECT_THAT(PlanCompaction(Blocks(8, kBase, 200 * kMiB), {}), IsEmpty());
  // 100 MiB blocks: five per group.
  const auto groups = PlanCompaction(Blocks(10, kBase, 100 * kMiB), {});
  EXPECT_THAT(groups, ElementsAre(ElementsAre(0, 1, 2, 3, 4), ElementsAre(5, 6, 7, 8, 9)));
  // A total of exactly the target is allowed.
  CompactionPolicy policy;
  policy.target_block_bytes = 4 * kMiB + 1;
  EXPECT_THAT(PlanCompaction(Blocks(4, kBase, kMiB), policy), ElementsAre(ElementsAre(0, 1, 2, 3)));
  policy.target_block_bytes = 4 * kMiB - 1;
  EXPECT_THAT(PlanCompaction(Blocks(4, kBase, kMiB), policy), IsEmpty());
}

TEST(PlanCompaction, BigBlocksLeftAlone) {
  std::vector<BlockInfo> blocks = Blocks(4, kBase, kMiB);
  blocks.push_back(Block(kBase + 1, 512 * kMiB, "big"));  // exactly the target: not smaller
  blocks.push_back(Block(kBase + 2, 2048 * kMiB, "huge"));
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(0, 1, 2, 3)));
}

TEST(PlanCompaction, BlockTooLargeToShareIsSetAside) {
  std::vector<BlockInfo> blocks;
  blocks.push_back(Block(kBase, 100 * kMiB));
  blocks.push_back(Block(kBase + 1, 400 * kMiB));  // fits with one other, not with three
  for (int i = 0; i < 3; ++i) blocks.push_back(Block(kBase + 2 + i, 100 * kMiB));
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(0, 2, 3, 4)));
}

TEST(PlanCompaction, FirstFitSkipsWhatDoesNotFit) {
  std::vector<BlockInfo> blocks;
  blocks.push_back(Block(kBase, 300 * kMiB));
  blocks.push_back(Block(kBase + 1, 300 * kMiB));  // does not fit beside the first
  for (int i = 0; i < 3; ++i) blocks.push_back(Block(kBase + 2 + i, 50 * kMiB));
  // First group: 300 + 3 x 50; the second 300 MiB block is alone afterwards.
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(0, 2, 3, 4)));
}

TEST(PlanCompaction, MinAndMaxInputsFromPolicy) {
  CompactionPolicy policy;
  policy.min_inputs = 2;
  policy.max_inputs = 3;
  EXPECT_THAT(PlanCompaction(Blocks(7, kBase, kMiB), policy),
              ElementsAre(ElementsAre(0, 1, 2), ElementsAre(3, 4, 5)));
  policy.min_inputs = 1;  // treated as 2: a block alone is never "compacted"
  EXPECT_THAT(PlanCompaction(Blocks(1, kBase, kMiB), policy), IsEmpty());
  policy.min_inputs = 5;  // more than max_inputs: nothing
  EXPECT_THAT(PlanCompaction(Blocks(10, kBase, kMiB), policy), IsEmpty());
}

TEST(PlanCompaction, TiesByPathThenIndex) {
  std::vector<BlockInfo> blocks = {Block(kBase, kMiB, "d"), Block(kBase, kMiB, "b"),
                                   Block(kBase, kMiB, "c"), Block(kBase, kMiB, "b")};
  EXPECT_THAT(PlanCompaction(blocks, {}), ElementsAre(ElementsAre(1, 3, 2, 0)));
}

TEST(PlanCompaction, Deterministic) {
  std::vector<BlockInfo> blocks;
  blocks.reserve(200);
  for (int i = 0; i < 200; ++i) {
    blocks.push_back(Block(kBase + static_cast<uint64_t>(i * 7919 % 97) * 60'000'000'000,
                           static_cast<uint64_t>(1 + i * 31 % 200) * kMiB));
  }
  const auto first = PlanCompaction(blocks, {});
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(PlanCompaction(blocks, {}), first);
  // Every group obeys the policy and no block is planned twice.
  std::vector<bool> used(blocks.size());
  for (const auto& group : first) {
    EXPECT_GE(group.size(), 4u);
    EXPECT_LE(group.size(), 16u);
    uint64_t total = 0;
    for (size_t i : group) {
      EXPECT_FALSE(used[i]);
      used[i] = true;
      total += blocks[i].bytes;
      EXPECT_EQ(blocks[i].min_time_unix_nanos / kHour,
                blocks[group[0]].min_time_unix_nanos / kHour);
    }
    EXPECT_LE(total, uint64_t{512} << 20);
  }
}

}  // namespace
}  // namespace weft::storage::embedded
