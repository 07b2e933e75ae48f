// SpanRecord: everything a recording span accumulates, kept in reusable buffers so that a span
// costs no heap allocation once records are warm (record_pool.h recycles them). Attribute,
// event and link strings live in one byte buffer, addressed by offset.
// This header uses only the standard library, so that both the public-API side of the SDK
// (include/weft) and the OTLP side (model/, otlp/, whose type names overlap the public ones)
// can include it.
// Thread rule: a record is owned by one thread at a time: the span's, then a processor's.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "sdk/fast_clock.h"

namespace weft {
inline namespace v1 {
namespace detail {

struct TracerCore;

// A growable array of trivially copyable T with inline fast paths (std::vector's and
// std::string's append paths are out-of-line calls; a span with 10 attributes makes 30 of them).
// Keeps its capacity across clear(), which is what lets recycled records stop allocating.
template <class T>
class PodVec {
 public:
  PodVec() = default;
  PodVec(const PodVec&) = delete;
  PodVec& operator=(const PodVec&) = delete;
  ~PodVec() { std::free(data_); }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  void clear() { size_ = 0; }
  void resize_down(size_t n) { size_ = static_cast<uint32_t>(n); }

  T& emplace_back() {
    if (size_ == capacity_) [[unlikely]]
      Grow(size_ + 1);
    T* slot = new (data_ + size_) T();
    ++size_;
    return *slot;
  }
  // Appends n elements; returns the index of the first.
  size_t append(const T* items, size_t n) {
    if (size_ + n > capacity_) [[unlikely]]
      Grow(size_ + n);
    std::memcpy(data_ + size_, items, n * sizeof(T));
    const size_t at = size_;
    size_ += static_cast<uint32_t>(n);
    return at;
  }
  void reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  // Frees the buffer.
  void release() {
    std::free(data_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

 private:
  void Grow(size_t need) {
    size_t cap = capacity_ < 16 ? 16 : capacity_ * 2;
    while (cap < need) cap *= 2;
    T* fresh = static_cast<T*>(std::realloc(static_cast<void*>(data_), cap * sizeof(T)));
    if (fresh == nullptr) std::abort();  // out of memory
    data_ = fresh;
    capacity_ = static_cast<uint32_t>(cap);
  }
  T* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
};

using ByteBuffer = PodVec<char>;

// A string in SpanRecord::bytes.
struct StrRef {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// Numbering matches weft::AttributeValue::Type.
enum class AttrType : uint8_t { kBool = 0, kInt = 1, kDouble = 2, kString = 3 };

struct AttrSlot {
  StrRef key;
  AttrType type = AttrType::kBool;
  union {
    bool b;
    int64_t i;
    double d;
    StrRef s;
  };
  AttrSlot() : i(0) {}
};

struct EventSlot {
  uint64_t time_ns = 0;
  StrRef name;
  uint32_t attr_begin = 0;  // into SpanRecord::event_attrs
  uint32_t attr_count = 0;
  uint32_t dropped_attrs = 0;
};

struct LinkSlot {
  std::array<uint8_t, 16> trace_id{};
  std::array<uint8_t, 8> span_id{};
  uint8_t flags = 0;
  bool remote = false;
  StrRef trace_state;
  uint32_t attr_begin = 0;  // into SpanRecord::link_attrs
  uint32_t attr_count = 0;
  uint32_t dropped_attrs = 0;
};

inline bool SameKey(const ByteBuffer& bytes, const AttrSlot& a, const AttrSlot& b) {
  return a.key.size == b.key.size &&
         std::memcmp(bytes.data() + a.key.offset, bytes.data() + b.key.offset, a.key.size) == 0;
}

// Span::SetAttribute appends without looking for the key (the hot path stays O(1)); readers
// call this to see each key once, with its last value. Quadratic in the attribute count, on
// the export thread.
template <class Fn>
void ForEachLatest(const ByteBuffer& bytes, const AttrSlot* slots, size_t n, Fn&& fn) {
  for (size_t i = 0; i < n; ++i) {
    bool superseded = false;
    for (size_t j = i + 1; j < n && !superseded; ++j)
      superseded = SameKey(bytes, slots[i], slots[j]);
    if (!superseded) fn(slots[i]);
  }
}

// Removes all but the last slot of each key, keeping order; returns the new count.
inline size_t CompactLatest(const ByteBuffer& bytes, AttrSlot* slots, size_t n) {
  size_t out = 0;
  ForEachLatest(bytes, slots, n, [&](const AttrSlot& s) { slots[out++] = s; });
  return out;
}

// An instrumentation scope; interned for the life of the process.
struct ScopeInfo {
  std::string name;
  std::string version;
};

// A list of attributes with their own byte buffer (the provider's resource).
struct AttrList {
  PodVec<AttrSlot> attrs;
  ByteBuffer bytes;
  std::string_view View(StrRef s) const { return {bytes.data() + s.offset, s.size}; }
};

// Laid out hot-first: what every span writes comes first; events, links, status message and
// trace state (rare) follow and are reset only when `has_cold` says they were used.
struct SpanRecord {
  std::array<uint8_t, 16> trace_id{};
  std::array<uint8_t, 8> span_id{};
  std::array<uint8_t, 8> parent_span_id{};  // all zero for a root
  uint8_t flags = 0;                        // W3C trace flags
  bool parent_remote = false;
  bool has_parent = false;
  uint8_t kind = 1;       // OTLP numbering (weft::SpanKind)
  uint8_t status = 0;     // OTLP numbering (weft::StatusCode)
  bool has_cold = false;  // any field below `bytes` set
  // start_ns/end_ns hold NowTicks() values; readers convert (StartNanos/EndNanos).
  bool start_in_ticks = false;
  bool end_in_ticks = false;
  uint32_t dropped_attrs = 0;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  StrRef name;
  const ScopeInfo* scope = nullptr;
  const AttrList* resource = nullptr;  // the provider's; outlives the record's export
  TracerCore* core = nullptr;
  // Processors that still hold the record; the last one to finish returns it to the pool.
  std::atomic<uint32_t> holders{0};
  PodVec<AttrSlot> attrs;
  ByteBuffer bytes;
  // Cold part.
  StrRef status_message;
  StrRef trace_state;
  uint32_t dropped_events = 0;
  uint32_t dropped_links = 0;
  PodVec<EventSlot> events;
  PodVec<AttrSlot> event_attrs;
  PodVec<LinkSlot> links;
  PodVec<AttrSlot> link_attrs;

  std::string_view View(StrRef s) const { return {bytes.data() + s.offset, s.size}; }
  // Timestamps in Unix nanoseconds, converting ticks here, on the reader's side: exporters only
  // read records, so their cache lines go back to the application thread clean.
  uint64_t StartNanos() const { return start_in_ticks ? TicksToNanos(start_ns) : start_ns; }
  uint64_t EndNanos() const {
    const uint64_t end = end_in_ticks ? TicksToNanos(end_ns) : end_ns;
    const uint64_t start = StartNanos();
    return end < start ? start : end;
  }
  StrRef Append(std::string_view s) {
    return StrRef{static_cast<uint32_t>(bytes.append(s.data(), s.size())),
                  static_cast<uint32_t>(s.size())};
  }
  // Empties the record, keeping every buffer's capacity.
  void Reset() {
    flags = 0;
    parent_remote = has_parent = false;
    kind = 1;
    status = 0;
    dropped_attrs = 0;
    start_in_ticks = end_in_ticks = false;
    start_ns = end_ns = 0;
    name = StrRef{};
    parent_span_id = {};
    attrs.clear();
    bytes.clear();
    if (has_cold) {
      has_cold = false;
      status_message = trace_state = StrRef{};
      dropped_events = dropped_links = 0;
      events.clear();
      event_attrs.clear();
      links.clear();
      link_attrs.clear();
    }
  }
};

}  // namespace detail
}  // namespace v1
}  // namespace weft
