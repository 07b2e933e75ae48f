// TSC-based wall clock with seqlock-published calibration (fast_clock.h).
// Thread rule: readers retry while the sequence is odd or changed; one writer at a time (mutex).
#include "sdk/fast_clock.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace weft {
inline namespace v1 {
namespace detail {
namespace {

__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

uint64_t RealtimeNanos() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

#if defined(__x86_64__)
bool InvariantTsc() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) {
      return line.find(" constant_tsc") != std::string::npos &&
             line.find(" nonstop_tsc") != std::string::npos;
    }
  }
  return false;
}
uint64_t Ticks() { return __rdtsc(); }
#else
bool InvariantTsc() { return false; }
uint64_t Ticks() { return 0; }
#endif

// ns = base_ns + ((ticks - base_ticks) * mult) >> 32
struct Calibration {
  std::atomic<uint32_t> seq{0};
  std::atomic<uint64_t> base_ticks{0};
  std::atomic<uint64_t> base_ns{0};
  std::atomic<uint64_t> mult{0};
};

struct ClockState {
  bool use_tsc = false;
  Calibration cal;
  std::mutex writer;
  uint64_t anchor_ticks = 0;  // first calibration point (long baseline for the frequency)
  uint64_t anchor_ns = 0;
};

void Publish(ClockState& s, uint64_t ticks, uint64_t ns, uint64_t mult) {
  const uint32_t seq = s.cal.seq.load(std::memory_order_relaxed);
  s.cal.seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  s.cal.base_ticks.store(ticks, std::memory_order_relaxed);
  s.cal.base_ns.store(ns, std::memory_order_relaxed);
  s.cal.mult.store(mult, std::memory_order_relaxed);
  s.cal.seq.store(seq + 2, std::memory_order_release);
}

// A realtime reading paired with the tick count at its midpoint.
void Pair(uint64_t& ticks, uint64_t& ns) {
  const uint64_t t0 = Ticks();
  ns = RealtimeNanos();
  const uint64_t t1 = Ticks();
  ticks = t0 + (t1 - t0) / 2;
}

ClockState& State() {
  static ClockState* state = [] {
    auto* s = new ClockState();  // leaked: used by threads until process exit
    s->use_tsc = InvariantTsc();
    if (s->use_tsc) {
      uint64_t t0, n0, t1, n1;
      Pair(t0, n0);
      const timespec pause{0, 2'000'000};
      nanosleep(&pause, nullptr);
      Pair(t1, n1);
      if (t1 <= t0 || n1 <= n0) {
        s->use_tsc = false;
      } else {
        s->anchor_ticks = t0;
        s->anchor_ns = n0;
        const auto mult = static_cast<uint64_t>((static_cast<UInt128>(n1 - n0) << 32) / (t1 - t0));
        Publish(*s, t1, n1, mult);
      }
    }
    return s;
  }();
  return *state;
}

}  // namespace

bool ClockTicksAreTscSlow() {
  const int v = State().use_tsc ? 1 : 0;
  g_clock_ticks_are_tsc.store(v, std::memory_order_relaxed);
  return v == 1;
}

uint64_t TicksToNanos(uint64_t ticks) {
  ClockState& s = State();
  if (!s.use_tsc) return ticks;
  for (;;) {
    const uint32_t seq = s.cal.seq.load(std::memory_order_acquire);
    const uint64_t base_ticks = s.cal.base_ticks.load(std::memory_order_relaxed);
    const uint64_t base_ns = s.cal.base_ns.load(std::memory_order_relaxed);
    const uint64_t mult = s.cal.mult.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if ((seq & 1) != 0 || s.cal.seq.load(std::memory_order_relaxed) != seq) continue;
    const int64_t delta = static_cast<int64_t>(ticks - base_ticks);
    const int64_t scaled =
        static_cast<int64_t>((static_cast<Int128>(delta) * static_cast<Int128>(mult)) >> 32);
    return base_ns + static_cast<uint64_t>(scaled);
  }
}

uint64_t NowNanos() {
  if (!State().use_tsc) return RealtimeNanos();
  return TicksToNanos(Ticks());
}

void RecalibrateClock() {
  ClockState& s = State();
  if (!s.use_tsc) return;
  std::lock_guard lock(s.writer);
  uint64_t ticks, ns;
  Pair(ticks, ns);
  if (ticks <= s.anchor_ticks || ns <= s.anchor_ns) return;
  // Frequency over the whole run since the anchor: precise after a few seconds.
  const auto mult = static_cast<uint64_t>((static_cast<UInt128>(ns - s.anchor_ns) << 32) /
                                          (ticks - s.anchor_ticks));
  Publish(s, ticks, ns, mult);
}

bool ClockUsesTsc() { return State().use_tsc; }

}  // namespace detail
}  // namespace v1
}  // namespace weft
