#include "storage/span_identity.h"

#include <utility>

#include <algorithm>
#include <bit>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"

namespace weft::storage {
namespace {

// absl::Hash streams every field through one hash state (one mixing step per value, no buffer
// copies). Strings and sequences are combined with their sizes, so field boundaries cannot shift.

// A string's bytes and size. (absl::Hash of a std::string_view goes through std::hash when absl's
// string_view is its own type, as in Debian's build: slower, and it made up most of the hashing.)
template <typename H>
H HashString(H h, std::string_view s) {
  return H::combine(H::combine_contiguous(std::move(h), s.data(), s.size()), s.size());
}

template <typename H>
H HashValue(H h, const AnyValue& value);

template <typename H>
H HashAttributes(H h, Attributes attributes) {
  h = H::combine(std::move(h), attributes.size());
  for (const KeyValue& kv : attributes) h = HashValue(HashString(std::move(h), kv.key), kv.value);
  return h;
}

template <typename H>
H HashValue(H h, const AnyValue& value) {
  h = H::combine(std::move(h), static_cast<uint8_t>(value.type()));
  switch (value.type()) {
    case ValueType::kEmpty:
      return h;
    case ValueType::kString:
    case ValueType::kBytes:
      return HashString(std::move(h), value.string_value());
    case ValueType::kBool:
      return H::combine(std::move(h), value.bool_value());
    case ValueType::kInt:
      return H::combine(std::move(h), value.int_value());
    case ValueType::kDouble:
      // The bit pattern, as SameSpanContent compares it.
      return H::combine(std::move(h), std::bit_cast<uint64_t>(value.double_value()));
    case ValueType::kArray: {
      const std::span<const AnyValue> elements = value.array_value();
      h = H::combine(std::move(h), elements.size());
      for (const AnyValue& element : elements) h = HashValue(std::move(h), element);
      return h;
    }
    case ValueType::kKvList:
      return HashAttributes(std::move(h), value.kvlist_value());
  }
  return h;
}

// The content of a scope and of its resource: what spans of one scope share.
struct OriginContent {
  const InstrumentationScope& scope;
  const Resource& resource;

  template <typename H>
  friend H AbslHashValue(H h, const OriginContent& c) {
    h = H::combine(std::move(h), c.resource.dropped_attributes_count);
    h = HashString(std::move(h), c.resource.schema_url);
    h = HashAttributes(std::move(h), c.resource.attributes);
    h = H::combine(std::move(h), c.scope.dropped_attributes_count);
    h = HashString(std::move(h), c.scope.name);
    h = HashString(std::move(h), c.scope.version);
    h = HashString(std::move(h), c.scope.schema_url);
    return HashAttributes(std::move(h), c.scope.attributes);
  }
};

uint64_t OriginHash(const SpanBatch& batch, const Span& span) {
  return absl::Hash<OriginContent>{}(OriginContent{batch.scope_of(span), batch.resource_of(span)});
}

// A span's own fields with the hash of its origin (computed once per scope by
// DropExactDuplicates).
struct SpanFields {
  const Span& span;
  uint64_t origin_hash;

  template <typename H>
  friend H AbslHashValue(H h, const SpanFields& c) {
    const Span& s = c.span;
    h = H::combine(std::move(h), c.origin_hash, s.trace_id, s.span_id, s.parent_span_id, s.kind,
                   s.status_code, s.flags, s.start_time_unix_nano, s.end_time_unix_nano,
                   s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count);
    h = HashString(std::move(h), s.trace_state);
    h = HashString(std::move(h), s.name);
    h = HashString(std::move(h), s.status_message);
    h = HashAttributes(std::move(h), s.attributes);
    h = H::combine(std::move(h), s.events.size());
    for (const Event& e : s.events) {
      h = H::combine(std::move(h), e.time_unix_nano, e.dropped_attributes_count);
      h = HashString(std::move(h), e.name);
      h = HashAttributes(std::move(h), e.attributes);
    }
    h = H::combine(std::move(h), s.links.size());
    for (const Link& l : s.links) {
      h = H::combine(std::move(h), l.trace_id, l.span_id, l.flags, l.dropped_attributes_count);
      h = HashString(std::move(h), l.trace_state);
      h = HashAttributes(std::move(h), l.attributes);
    }
    return h;
  }
};

// KeyValue's operator== compares keys, types and values deeply (doubles by bit pattern).
bool SameAttributes(Attributes a, Attributes b) { return std::ranges::equal(a, b); }

bool SameEvent(const Event& a, const Event& b) {
  return a.time_unix_nano == b.time_unix_nano && a.name == b.name &&
         a.dropped_attributes_count == b.dropped_attributes_count &&
         SameAttributes(a.attributes, b.attributes);
}

bool SameLink(const Link& a, const Link& b) {
  return a.trace_id == b.trace_id && a.span_id == b.span_id && a.trace_state == b.trace_state &&
         a.flags == b.flags && a.dropped_attributes_count == b.dropped_attributes_count &&
         SameAttributes(a.attributes, b.attributes);
}

bool SameResource(const Resource& a, const Resource& b) {
  return a.dropped_attributes_count == b.dropped_attributes_count && a.schema_url == b.schema_url &&
         SameAttributes(a.attributes, b.attributes);
}

bool SameScope(const InstrumentationScope& a, const InstrumentationScope& b) {
  return a.name == b.name && a.version == b.version &&
         a.dropped_attributes_count == b.dropped_attributes_count && a.schema_url == b.schema_url &&
         SameAttributes(a.attributes, b.attributes);
}

// Whether the resources and scopes of `a` and `b` have the same content. Spans of one batch that
// share a scope (the usual case) need no comparison.
bool SameOrigin(const SpanBatch& a_batch, const Span& a, const SpanBatch& b_batch, const Span& b) {
  const bool same_batch = &a_batch == &b_batch;
  if (same_batch && a.scope_index == b.scope_index) return true;
  if (!SameScope(a_batch.scope_of(a), b_batch.scope_of(b))) return false;
  if (same_batch && a_batch.scopes()[a.scope_index].resource_index ==
                        b_batch.scopes()[b.scope_index].resource_index) {
    return true;
  }
  return SameResource(a_batch.resource_of(a), b_batch.resource_of(b));
}

}  // namespace

uint64_t SpanContentHash(const SpanBatch& batch, const Span& span) {
  return absl::Hash<SpanFields>{}(SpanFields{span, OriginHash(batch, span)});
}

bool SameSpanContent(const SpanBatch& a_batch, const Span& a, const SpanBatch& b_batch,
                     const Span& b) {
  // Cheap, most selective fields first.
  return a.span_id == b.span_id && a.trace_id == b.trace_id &&
         a.start_time_unix_nano == b.start_time_unix_nano &&
         a.end_time_unix_nano == b.end_time_unix_nano && a.kind == b.kind &&
         a.parent_span_id == b.parent_span_id && a.status_code == b.status_code &&
         a.flags == b.flags && a.dropped_attributes_count == b.dropped_attributes_count &&
         a.dropped_events_count == b.dropped_events_count &&
         a.dropped_links_count == b.dropped_links_count && a.name == b.name &&
         a.trace_state == b.trace_state && a.status_message == b.status_message &&
         SameAttributes(a.attributes, b.attributes) &&
         std::ranges::equal(a.events, b.events, SameEvent) &&
         std::ranges::equal(a.links, b.links, SameLink) && SameOrigin(a_batch, a, b_batch, b);
}

size_t DropExactDuplicates(SpanBatch& batch) {
  const std::span<const Span> spans = batch.spans();
  if (spans.size() < 2) return 0;
  // SpanContentHash, with each scope's origin hashed once.
  std::vector<uint64_t> origin_hashes(batch.scopes().size());
  std::vector<bool> origin_known(batch.scopes().size(), false);
  std::vector<uint64_t> hashes(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    if (!origin_known[span.scope_index]) {
      origin_hashes[span.scope_index] = OriginHash(batch, span);
      origin_known[span.scope_index] = true;
    }
    hashes[i] = absl::Hash<SpanFields>{}(SpanFields{span, origin_hashes[span.scope_index]});
  }

  // A set of span indexes hashed by content: a colliding hash falls back to SameSpanContent.
  struct IndexHash {
    const std::vector<uint64_t>* hashes;
    size_t operator()(uint32_t i) const { return (*hashes)[i]; }
  };
  struct IndexEq {
    const SpanBatch* batch;
    const std::vector<uint64_t>* hashes;
    bool operator()(uint32_t a, uint32_t b) const {
      const std::span<const Span> s = batch->spans();
      return (*hashes)[a] == (*hashes)[b] && SameSpanContent(*batch, s[a], *batch, s[b]);
    }
  };
  absl::flat_hash_set<uint32_t, IndexHash, IndexEq> first_copies(spans.size(), IndexHash{&hashes},
                                                                 IndexEq{&batch, &hashes});
  std::vector<bool> duplicate(spans.size(), false);
  size_t duplicates = 0;
  for (uint32_t i = 0; i < spans.size(); ++i) {
    if (!first_copies.insert(i).second) {
      duplicate[i] = true;
      ++duplicates;
    }
  }
  if (duplicates == 0) return 0;
  // An in-place removal tests every element where it stands before moving any kept one over it,
  // so the element's address gives its original index.
  const Span* const base = spans.data();
  return batch.RemoveSpansIf(
      [&](const Span& span) { return duplicate[static_cast<size_t>(&span - base)]; });
}

}  // namespace weft::storage
