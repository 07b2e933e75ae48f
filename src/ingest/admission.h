// Admission control for ingest: a budget of request bytes held in memory at once (compressed
// body + decoded batch) shared by every receiver. A request that does not fit is refused with a
// retryable answer (HTTP 429/503 + Retry-After, gRPC UNAVAILABLE + RetryInfo) instead of queueing,
// so memory stays bounded under any load. Thread rule: thread-safe (one atomic).
#pragma once

#include <utility>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace weft::ingest {

class Admission {
 public:
  // Returns the bytes to the budget when destroyed. Movable, not copyable.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
    Ticket& operator=(Ticket&& other) noexcept {
      if (this != &other) {
        Release();
        owner_ = std::exchange(other.owner_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
      }
      return *this;
    }
    ~Ticket() { Release(); }
    bool admitted() const { return owner_ != nullptr; }
    size_t bytes() const { return bytes_; }
    // Grows the ticket by `more` bytes if the budget allows; false (unchanged) otherwise.
    bool Grow(size_t more) {
      if (owner_ == nullptr || !owner_->Take(more)) return false;
      bytes_ += more;
      return true;
    }
    void Release() {
      if (owner_ != nullptr) owner_->Give(bytes_);
      owner_ = nullptr;
      bytes_ = 0;
    }

   private:
    friend class Admission;
    Ticket(Admission* owner, size_t bytes) : owner_(owner), bytes_(bytes) {}
    Admission* owner_ = nullptr;
    size_t bytes_ = 0;
  };

  explicit Admission(size_t max_bytes_in_flight) : max_bytes_(max_bytes_in_flight) {}

  // A ticket for `bytes`, or a non-admitted ticket if the budget cannot hold them now.
  Ticket TryAdmit(size_t bytes) {
    if (!Take(bytes)) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Ticket();
    }
    return Ticket(this, bytes);
  }

  size_t max_bytes() const { return max_bytes_; }
  size_t bytes_in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  bool Take(size_t bytes) {
    size_t current = in_flight_.load(std::memory_order_relaxed);
    do {
      if (bytes > max_bytes_ - current) return false;
    } while (
        !in_flight_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    return true;
  }
  void Give(size_t bytes) { in_flight_.fetch_sub(bytes, std::memory_order_relaxed); }

  const size_t max_bytes_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace weft::ingest
