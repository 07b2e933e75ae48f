#include "common/random.h"

#include <chrono>

#include <sys/random.h>

namespace weft {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

RandomGenerator::RandomGenerator() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof(seed), 0) != static_cast<ssize_t>(sizeof(seed))) {
    // getrandom cannot fail for 8 bytes once the pool is initialised; the clock is a last resort.
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  Seed(seed);
}

RandomGenerator::RandomGenerator(uint64_t seed) { Seed(seed); }

void RandomGenerator::Seed(uint64_t seed) {
  for (auto& word : s_) word = SplitMix64(seed);
}

RandomGenerator& ThreadLocalRandom() {
  thread_local RandomGenerator generator;
  return generator;
}

}  // namespace weft
