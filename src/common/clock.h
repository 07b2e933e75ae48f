// Time for the whole server comes through a Clock, so tests control it (STYLE: clocks come in
// through constructors). RealClock is the only code that reads the system clock.
// Thread rule: every Clock method is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace weft {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in nanoseconds since the Unix epoch (span timestamps, retention).
  virtual uint64_t NowUnixNanos() const = 0;
  // Monotonic nanoseconds from an arbitrary origin (timeouts, idle detection, rates).
  virtual uint64_t MonotonicNanos() const = 0;
};

class RealClock final : public Clock {
 public:
  uint64_t NowUnixNanos() const override;
  uint64_t MonotonicNanos() const override;
  // A process-wide instance.
  static const Clock& Get();
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(uint64_t unix_nanos = 1'700'000'000'000'000'000ULL) : now_(unix_nanos) {}
  uint64_t NowUnixNanos() const override { return now_.load(std::memory_order_relaxed); }
  uint64_t MonotonicNanos() const override { return now_.load(std::memory_order_relaxed); }
  void Advance(uint64_t nanos) { now_.fetch_add(nanos, std::memory_order_relaxed); }
  void Set(uint64_t unix_nanos) { now_.store(unix_nanos, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> now_;
};

}  // namespace weft
