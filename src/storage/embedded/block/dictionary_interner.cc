#include "storage/embedded/block/dictionary_interner.h"

#include <utility>

namespace weft::storage::embedded::block {

DictionaryInterner::DictionaryInterner(std::span<const std::string> dictionary,
                                       std::atomic<uint64_t>* slots_counter)
    : dictionary_(dictionary), slots_counter_(slots_counter) {
  Allocate(kInitialBits);
}

void DictionaryInterner::Allocate(int bits) {
  const uint32_t capacity = uint32_t{1} << bits;
  slots_ = std::make_unique<Slot[]>(capacity);
  mask_ = capacity - 1;
  shift_ = 32 - bits;
  if (slots_counter_ != nullptr) slots_counter_->fetch_add(capacity, std::memory_order_relaxed);
}

void DictionaryInterner::Reset(Arena& arena) {
  arena_ = &arena;
  size_ = 0;
  if (++generation_ == 0) {
    // After 2^32 - 1 batches: every stamp may be stale, so start over with free slots.
    Allocate(32 - shift_);
    generation_ = 1;
  }
}

std::string_view DictionaryInterner::Insert(uint32_t index, uint32_t at) {
  // Grow at half full, keeping probe sequences short; only the current batch's entries move.
  if (2 * (size_ + 1) > mask_ + 1) {
    std::unique_ptr<Slot[]> old = std::move(slots_);
    const uint32_t old_capacity = mask_ + 1;
    Allocate(33 - shift_);
    for (uint32_t i = 0; i < old_capacity; ++i) {
      if (old[i].generation != generation_) continue;
      uint32_t j = Home(old[i].index);
      while (slots_[j].generation == generation_) j = (j + 1) & mask_;
      slots_[j] = old[i];
    }
    at = Home(index);
    while (slots_[at].generation == generation_) at = (at + 1) & mask_;
  }
  Slot& slot = slots_[at];
  slot.generation = generation_;
  slot.index = index;
  slot.copy = arena_->CopyString(dictionary_[index]);
  ++size_;
  return slot.copy;
}

}  // namespace weft::storage::embedded::block
