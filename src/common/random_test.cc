#include "common/random.h"

#include <set>

#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(RandomTest, SeededSequenceIsDeterministic) {
  RandomGenerator a(42), b(42), c(43);
  const uint64_t first = a.Next();
  EXPECT_EQ(first, b.Next());
  EXPECT_NE(first, c.Next());
}

TEST(RandomTest, OsSeededGeneratorsDiffer) {
  RandomGenerator a, b;
  EXPECT_NE(a.Next(), b.Next());
}

TEST(RandomTest, BitsAreBalanced) {
  RandomGenerator rng(7);
  int ones[64] = {};
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t v = rng.Next();
    for (int bit = 0; bit < 64; ++bit) ones[bit] += (v >> bit) & 1;
  }
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_NEAR(ones[bit], kDraws / 2, kDraws / 20) << "bit " << bit;
  }
}

TEST(RandomTest, ThreadLocalGeneratorProducesDistinctValues) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ThreadLocalRandom().Next());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace weft
