// A bump allocator: many small allocations carved from a few large blocks, all freed together when
// the Arena is destroyed. SpanBatch keeps its strings and arrays here so that decoding a request
// costs a handful of heap allocations, not several per attribute.
// Thread rule: not thread-safe; one owner at a time. Objects placed in an arena must be trivially
// destructible (their destructors never run).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace weft {

class Arena {
 public:
  // `first_block_bytes` is the size of the first block; each later block doubles, up to 1 MiB
  // (an allocation larger than that gets a block of its own).
  explicit Arena(size_t first_block_bytes = 4096) : next_block_bytes_(first_block_bytes) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) noexcept = default;
  Arena& operator=(Arena&&) noexcept = default;

  // Uninitialised memory for `bytes` bytes aligned to `align` (a power of two, at most 16).
  void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(cursor_) + align - 1) & ~(uintptr_t{align} - 1);
    if (cursor_ == nullptr || p + bytes > reinterpret_cast<uintptr_t>(limit_)) {
      return AllocateSlow(bytes, align);
    }
    cursor_ = reinterpret_cast<char*>(p + bytes);
    return reinterpret_cast<void*>(p);
  }

  // A copy of `s` owned by the arena.
  std::string_view CopyString(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(Allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // A copy of `items` owned by the arena. REQUIRES: T is trivially copyable.
  template <typename T>
  std::span<const T> CopyArray(std::span<const T> items) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (items.empty()) return {};
    T* p = static_cast<T*>(Allocate(sizeof(T) * items.size(), alignof(T)));
    std::memcpy(static_cast<void*>(p), items.data(), sizeof(T) * items.size());
    return {p, items.size()};
  }

  // Bytes obtained from the heap so far (for memory accounting).
  size_t BytesReserved() const { return reserved_; }

 private:
  void* AllocateSlow(size_t bytes, size_t align);

  static constexpr size_t kMaxBlockBytes = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  char* limit_ = nullptr;
  size_t next_block_bytes_;
  size_t reserved_ = 0;
};

}  // namespace weft
