// Fast pseudo-random numbers for ids and sampling: xoshiro256++ seeded from the OS (getrandom).
// Not for secrets. Thread rule: a RandomGenerator is not thread-safe; ThreadLocalRandom() gives
// each thread its own generator, seeded independently on first use.
#pragma once

#include <cstdint>

namespace weft {

class RandomGenerator {
 public:
  // Seeds from the operating system's entropy source.
  RandomGenerator();
  // Deterministic sequence, for tests and benchmarks.
  explicit RandomGenerator(uint64_t seed);

  uint64_t Next() {
    const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  void Seed(uint64_t seed);
  uint64_t s_[4];
};

// The calling thread's generator.
RandomGenerator& ThreadLocalRandom();

}  // namespace weft
