// DictionaryInterner: copies of a block dictionary's strings (attribute keys, span names) in an
// output batch's arena, each made once per batch however many spans use it. Its work is in
// proportion to the entries a batch uses, never to the size of the dictionary: a trace read from
// a block with 40k distinct span names costs what it costs with one (BlockTraceCursor returns one
// batch per trace, so a cost per dictionary entry would make a walk over a block quadratic).
// Thread rule: not thread-safe; one per output batch user.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/arena.h"

namespace weft::storage::embedded::block {

class DictionaryInterner {
 public:
  // `slots_counter`, when not null, accumulates the table slots this interner initializes (its
  // work apart from the copies themselves; BlockReadStats::interner_slots). REQUIRES:
  // `dictionary` outlives the interner.
  DictionaryInterner(std::span<const std::string> dictionary, std::atomic<uint64_t>* slots_counter);

  // Copies from now on go to `arena`, and copies made for the previous arena are forgotten. O(1):
  // the table's slots are stamped with the batch they were filled for.
  void Reset(Arena& arena);

  // The copy of entry `index`. REQUIRES: Reset was called; index < dictionary size (readers check
  // indexes read from the file before they get here).
  std::string_view Get(uint32_t index) {
    for (uint32_t i = Home(index);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.generation != generation_) return Insert(index, i);
      if (slot.index == index) return slot.copy;
    }
  }

  // Distinct entries copied into the current arena.
  uint32_t size() const { return size_; }

 private:
  // Open addressing with linear probing; a slot is in use when its generation is current.
  struct Slot {
    uint32_t generation = 0;
    uint32_t index = 0;
    std::string_view copy;
  };
  static constexpr int kInitialBits = 4;

  uint32_t Home(uint32_t index) const { return (index * 0x9e3779b1u) >> shift_; }
  std::string_view Insert(uint32_t index, uint32_t at);
  // A fresh table of 2^bits slots, all free (generation 0).
  void Allocate(int bits);

  std::span<const std::string> dictionary_;
  std::atomic<uint64_t>* slots_counter_;
  Arena* arena_ = nullptr;
  std::unique_ptr<Slot[]> slots_;
  uint32_t mask_ = 0;
  int shift_ = 32;
  uint32_t generation_ = 1;  // never 0, the generation of free slots
  uint32_t size_ = 0;
};

}  // namespace weft::storage::embedded::block
