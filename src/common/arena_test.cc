#include "common/arena.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(ArenaTest, CopyStringOwnsItsBytes) {
  Arena arena;
  std::string source = "hello";
  std::string_view copy = arena.CopyString(source);
  source[0] = 'j';
  EXPECT_EQ(copy, "hello");
  EXPECT_TRUE(arena.CopyString("").empty());
}

TEST(ArenaTest, AllocationsAreAlignedAndDistinct) {
  Arena arena(64);
  void* previous = nullptr;
  for (int i = 0; i < 1000; ++i) {
    void* p = arena.Allocate(static_cast<size_t>(i % 13 + 1), 8);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
    EXPECT_NE(p, previous);
    previous = p;
  }
}

TEST(ArenaTest, FewBlocksForManySmallAllocations) {
  Arena arena;
  for (int i = 0; i < 100000; ++i) arena.CopyString("attribute-value");
  // 1.5 MB of strings: blocks double up to 1 MiB, so this takes a handful of blocks.
  EXPECT_LT(arena.BytesReserved(), 4u << 20);
}

TEST(ArenaTest, LargeAllocationGetsItsOwnBlock) {
  Arena arena;
  std::string_view small = arena.CopyString("x");
  std::string big(3 << 20, 'b');
  std::string_view big_copy = arena.CopyString(big);
  std::string_view after = arena.CopyString("y");
  EXPECT_EQ(small, "x");
  EXPECT_EQ(big_copy.size(), big.size());
  EXPECT_EQ(after, "y");
}

TEST(ArenaTest, CopyArray) {
  Arena arena;
  const int values[] = {1, 2, 3};
  std::span<const int> copy = arena.CopyArray(std::span<const int>(values));
  ASSERT_EQ(copy.size(), 3u);
  EXPECT_EQ(copy[2], 3);
  EXPECT_NE(copy.data(), values);
}

}  // namespace
}  // namespace weft
