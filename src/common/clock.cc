#include "common/clock.h"

#include <chrono>

namespace weft {

uint64_t RealClock::NowUnixNanos() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

uint64_t RealClock::MonotonicNanos() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

const Clock& RealClock::Get() {
  static const RealClock clock;
  return clock;
}

}  // namespace weft
