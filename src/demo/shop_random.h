// Randomness for the shop's simulated work: latencies and rare failures. Which *path* a request
// takes is decided by its attributes (payment method, region, cart size); these draws only spread
// the latencies and pick the unlucky fraction within a path.
// Thread rule: a generator per thread (thread_local); free functions.
#pragma once

#include <chrono>
#include <random>
#include <thread>

namespace weft::shop {

inline std::mt19937_64& ThreadRandom() {
  thread_local std::mt19937_64 generator(std::random_device{}());
  return generator;
}

// Uniform in [lo, hi].
inline int RandomInt(int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(ThreadRandom());
}

// True with probability p.
inline bool Chance(double p) { return std::bernoulli_distribution(p)(ThreadRandom()); }

// Sleeps between lo and hi milliseconds: the simulated cost of some work.
inline void Work(int lo_ms, int hi_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(RandomInt(lo_ms, hi_ms)));
}

}  // namespace weft::shop
