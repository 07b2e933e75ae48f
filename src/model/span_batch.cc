#include "model/span_batch.h"

namespace weft {
namespace {

InstrumentationScope CopyScope(const InstrumentationScope& s, Arena& arena) {
  InstrumentationScope out = s;
  out.name = arena.CopyString(s.name);
  out.version = arena.CopyString(s.version);
  out.attributes = CopyToArena(s.attributes, arena);
  out.schema_url = arena.CopyString(s.schema_url);
  return out;
}

std::span<const Event> CopyEvents(std::span<const Event> events, Arena& arena) {
  if (events.empty()) return {};
  auto* out = static_cast<Event*>(arena.Allocate(sizeof(Event) * events.size(), alignof(Event)));
  for (size_t i = 0; i < events.size(); ++i) {
    out[i] = events[i];
    out[i].name = arena.CopyString(events[i].name);
    out[i].attributes = CopyToArena(events[i].attributes, arena);
  }
  return {out, events.size()};
}

std::span<const Link> CopyLinks(std::span<const Link> links, Arena& arena) {
  if (links.empty()) return {};
  auto* out = static_cast<Link*>(arena.Allocate(sizeof(Link) * links.size(), alignof(Link)));
  for (size_t i = 0; i < links.size(); ++i) {
    out[i] = links[i];
    out[i].trace_state = arena.CopyString(links[i].trace_state);
    out[i].attributes = CopyToArena(links[i].attributes, arena);
  }
  return {out, links.size()};
}

}  // namespace

std::string_view SpanBatch::AdoptInput(std::string bytes) {
  inputs_.push_back(std::move(bytes));
  return inputs_.back();
}

uint32_t SpanBatch::AddResource(const Resource& resource) {
  resources_.push_back(resource);
  return static_cast<uint32_t>(resources_.size() - 1);
}

uint32_t SpanBatch::AddScope(uint32_t resource_index, const InstrumentationScope& scope) {
  scopes_.push_back(ScopeEntry{scope, resource_index});
  return static_cast<uint32_t>(scopes_.size() - 1);
}

Span& SpanBatch::AddSpan(const Span& span) { return spans_.emplace_back(span); }

size_t SpanBatch::MemoryBytes() const {
  size_t bytes = sizeof(*this) + arena_->BytesReserved();
  for (const std::string& input : inputs_) bytes += input.capacity();
  bytes += resources_.capacity() * sizeof(Resource) + scopes_.capacity() * sizeof(ScopeEntry) +
           spans_.capacity() * sizeof(Span);
  return bytes;
}

void SpanBatch::CopySpansFrom(const SpanBatch& other, std::span<const uint32_t> span_indexes) {
  Arena& arena = *arena_;
  constexpr uint32_t kNotCopied = UINT32_MAX;
  std::vector<uint32_t> resource_map(other.resources_.size(), kNotCopied);
  std::vector<uint32_t> scope_map(other.scopes_.size(), kNotCopied);
  for (uint32_t index : span_indexes) {
    const Span& span = other.spans_[index];
    uint32_t& scope_index = scope_map[span.scope_index];
    if (scope_index == kNotCopied) {
      const ScopeEntry& source_scope = other.scopes_[span.scope_index];
      uint32_t& resource_index = resource_map[source_scope.resource_index];
      if (resource_index == kNotCopied) {
        const Resource& r = other.resources_[source_scope.resource_index];
        Resource resource = r;
        resource.attributes = CopyToArena(r.attributes, arena);
        resource.schema_url = arena.CopyString(r.schema_url);
        resource_index = AddResource(resource);
      }
      scope_index = AddScope(resource_index, CopyScope(source_scope.scope, arena));
    }
    Span copy = span;
    copy.trace_state = arena.CopyString(span.trace_state);
    copy.name = arena.CopyString(span.name);
    copy.status_message = arena.CopyString(span.status_message);
    copy.attributes = CopyToArena(span.attributes, arena);
    copy.events = CopyEvents(span.events, arena);
    copy.links = CopyLinks(span.links, arena);
    copy.scope_index = scope_index;
    spans_.push_back(copy);
  }
}

}  // namespace weft
