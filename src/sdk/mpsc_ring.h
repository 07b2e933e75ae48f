// A bounded lock-free multi-producer ring of pointers (Vyukov's sequence-per-cell queue), used
// by the batch processor: application threads push ended spans, the export thread pops. When
// full, TryPush fails at once (the caller drops and counts): producers never block or spin on
// a full queue.
// Thread rule: TryPush from any number of threads; TryPop from one thread at a time.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace weft {
inline namespace v1 {
namespace detail {

template <class T>
class MpscRing {
 public:
  // Capacity is rounded up to a power of two (at least 2).
  explicit MpscRing(size_t capacity)
      : mask_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity) - 1),
        cells_(std::make_unique<Cell[]>(mask_ + 1)) {
    for (size_t i = 0; i <= mask_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  size_t capacity() const { return mask_ + 1; }

  // False when full. `ticket` is the value's position in the stream of pushes.
  bool TryPush(T* value) {
    size_t ticket;
    return TryPush(value, ticket);
  }
  bool TryPush(T* value, size_t& ticket) {
    size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const size_t seq = cell.seq.load(std::memory_order_acquire);
      const auto diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.value = value;
          cell.seq.store(pos + 1, std::memory_order_release);
          ticket = pos;
          return true;
        }
      } else if (diff < 0) {
        return false;  // full
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  // Null when empty (or when the next producer has claimed but not yet filled its cell).
  T* TryPop() {
    Cell& cell = cells_[head_ & mask_];
    const size_t seq = cell.seq.load(std::memory_order_acquire);
    if (static_cast<intptr_t>(seq) - static_cast<intptr_t>(head_ + 1) < 0) return nullptr;
    T* value = cell.value;
    cell.seq.store(head_ + mask_ + 1, std::memory_order_release);
    ++head_;
    head_published_.store(head_, std::memory_order_relaxed);
    return value;
  }

  // Approximate number of queued items (from any thread).
  size_t SizeApprox() const {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    const size_t head = head_published_.load(std::memory_order_relaxed);
    return tail >= head ? tail - head : 0;
  }

 private:
  struct Cell {
    std::atomic<size_t> seq;
    T* value = nullptr;
  };
  const size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<size_t> tail_{0};
  alignas(64) size_t head_ = 0;  // consumer only
  std::atomic<size_t> head_published_{0};
};

}  // namespace detail
}  // namespace v1
}  // namespace weft
