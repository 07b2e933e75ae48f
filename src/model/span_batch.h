// SpanBatch: a decoded request (or any group of spans) as flat arrays — resources, scopes that
// point at a resource, spans that point at a scope — with every string and nested array owned by
// the batch: either in its arena or in an input buffer it adopted (zero-copy decoding). Decoding a
// request therefore costs a handful of allocations, not several per attribute.
// Thread rule: build on one thread; once built, a const SpanBatch may be read from any thread.
// Views into a batch stay valid until the batch is destroyed (moving it keeps them valid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/arena.h"
#include "model/span.h"

namespace weft {

struct ScopeEntry {
  InstrumentationScope scope;
  uint32_t resource_index = 0;
};

class SpanBatch {
 public:
  SpanBatch() = default;
  SpanBatch(SpanBatch&&) noexcept = default;
  SpanBatch& operator=(SpanBatch&&) noexcept = default;
  SpanBatch(const SpanBatch&) = delete;
  SpanBatch& operator=(const SpanBatch&) = delete;

  // Takes ownership of `bytes` for the batch's lifetime and returns a view of them that decoders
  // may point into. May be called more than once.
  std::string_view AdoptInput(std::string bytes);

  // Where copied strings and arrays go.
  Arena& arena() { return *arena_; }

  // Appends and returns the new index. Span::scope_index must name an existing scope.
  uint32_t AddResource(const Resource& resource);
  uint32_t AddScope(uint32_t resource_index, const InstrumentationScope& scope);
  Span& AddSpan(const Span& span);

  // Drops every span for which `reject(span)` is true, keeping the order of the rest; returns how
  // many were dropped. Resources and scopes stay (they may be left without spans).
  template <typename Pred>
  size_t RemoveSpansIf(Pred reject) {
    const size_t before = spans_.size();
    std::erase_if(spans_, reject);
    return before - spans_.size();
  }

  std::span<const Resource> resources() const { return resources_; }
  std::span<const ScopeEntry> scopes() const { return scopes_; }
  std::span<const Span> spans() const { return spans_; }
  std::span<Span> mutable_spans() { return spans_; }
  size_t size() const { return spans_.size(); }
  bool empty() const { return spans_.empty(); }

  const InstrumentationScope& scope_of(const Span& span) const {
    return scopes_[span.scope_index].scope;
  }
  const Resource& resource_of(const Span& span) const {
    return resources_[scopes_[span.scope_index].resource_index];
  }

  // Approximate heap bytes held (arena, adopted input, arrays): for memory limits.
  size_t MemoryBytes() const;

  // Appends deep copies of the spans of `other` at `span_indexes` (with their resources and
  // scopes, each copied once per call) into this batch.
  void CopySpansFrom(const SpanBatch& other, std::span<const uint32_t> span_indexes);

 private:
  // unique_ptr keeps the arena's address stable when the batch moves.
  std::unique_ptr<Arena> arena_ = std::make_unique<Arena>();
  std::vector<std::string> inputs_;
  std::vector<Resource> resources_;
  std::vector<ScopeEntry> scopes_;
  std::vector<Span> spans_;
};

}  // namespace weft
