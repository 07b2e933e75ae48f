// Reusable scratch stacks for the OTLP protobuf decoder. A list being decoded (a span's attributes,
// an array value's elements, a span's events) grows on a stack; when it is complete it is copied
// into the batch's arena in one piece and popped. Nested lists push above their parent's entries
// and are popped before the parent continues, so one stack per element type serves every level.
// Thread rule: not thread-safe; the decoder keeps one Scratch per thread.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <type_traits>

#include "model/span.h"

namespace weft::otlp {

// A growable array of trivially copyable T. Unlike std::vector::push_back (which GCC declined to
// inline in the decoder's loops), push_back here is a compare and a store.
template <typename T>
class ScratchStack {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  size_t size() const { return size_; }
  std::span<const T> From(size_t start) const { return {data_.get() + start, size_ - start}; }

  void push_back(const T& value) {
    if (size_ == capacity_) [[unlikely]] {
      Grow();
    }
    data_[size_++] = value;
  }
  // REQUIRES: size <= size().
  void Truncate(size_t size) { size_ = size; }
  void Clear() { size_ = 0; }
  // Frees the buffer when it grew past `keep_elements` (a hostile request must not pin memory).
  void ReleaseIfLarger(size_t keep_elements) {
    if (capacity_ > keep_elements) {
      data_.reset();
      size_ = capacity_ = 0;
    }
  }

 private:
  [[gnu::noinline]] void Grow() {
    const size_t capacity = capacity_ == 0 ? 64 : 2 * capacity_;
    auto bigger = std::make_unique_for_overwrite<T[]>(capacity);
    if (size_ > 0) std::memcpy(static_cast<void*>(bigger.get()), data_.get(), size_ * sizeof(T));
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

struct DecoderScratch {
  ScratchStack<KeyValue> key_values;
  ScratchStack<AnyValue> values;
  ScratchStack<Event> events;
  ScratchStack<Link> links;

  void Clear() {
    key_values.Clear();
    values.Clear();
    events.Clear();
    links.Clear();
  }
  void ReleaseIfLarge() {
    constexpr size_t kKeep = 1 << 14;
    key_values.ReleaseIfLarger(kKeep);
    values.ReleaseIfLarger(kKeep);
    events.ReleaseIfLarger(kKeep);
    links.ReleaseIfLarger(kKeep);
  }
};

}  // namespace weft::otlp
