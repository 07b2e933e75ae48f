#include "common/arena.h"

#include <algorithm>

namespace weft {

void* Arena::AllocateSlow(size_t bytes, size_t align) {
  const size_t needed = bytes + align;
  if (needed > kMaxBlockBytes / 4) {
    // A large allocation gets its own block, so the current block's free space is not wasted.
    blocks_.emplace_back(new char[needed]);
    reserved_ += needed;
    const uintptr_t raw = reinterpret_cast<uintptr_t>(blocks_.back().get());
    return reinterpret_cast<void*>((raw + align - 1) & ~(uintptr_t{align} - 1));
  }
  const size_t size = std::max(next_block_bytes_, needed);
  next_block_bytes_ = std::min(next_block_bytes_ * 2, kMaxBlockBytes);
  blocks_.emplace_back(new char[size]);
  reserved_ += size;
  cursor_ = blocks_.back().get();
  limit_ = cursor_ + size;
  return Allocate(bytes, align);
}

}  // namespace weft
