// Records -> SpanBatch conversion for the OTLP exporters (otlp_records.h).
// Thread rule: pure functions.
#include "sdk/otlp_records.h"

#include <utility>

#include <algorithm>
#include <map>
#include <new>
#include <vector>

#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"

namespace weft::sdk_otlp {
namespace {

using v1::detail::AttrList;
using v1::detail::AttrSlot;
using v1::detail::AttrType;
using v1::detail::ScopeInfo;
using v1::detail::SpanRecord;
using v1::detail::StrRef;

using v1::detail::ByteBuffer;

std::string_view View(const ByteBuffer& bytes, StrRef s) {
  return {bytes.data() + s.offset, s.size};
}

AnyValue ToValue(const ByteBuffer& bytes, const AttrSlot& s) {
  switch (s.type) {
    case AttrType::kBool:
      return AnyValue::Bool(s.b);
    case AttrType::kInt:
      return AnyValue::Int(s.i);
    case AttrType::kDouble:
      return AnyValue::Double(s.d);
    case AttrType::kString:
      return AnyValue::String(View(bytes, s.s));
  }
  return AnyValue::String({});
}

Attributes ToAttributes(const ByteBuffer& bytes, const AttrSlot* slots, size_t n, Arena& arena) {
  if (n == 0) return {};
  auto* kv = static_cast<KeyValue*>(arena.Allocate(sizeof(KeyValue) * n, alignof(KeyValue)));
  size_t out = 0;
  v1::detail::ForEachLatest(bytes, slots, n, [&](const AttrSlot& s) {
    new (&kv[out++]) KeyValue{View(bytes, s.key), ToValue(bytes, s)};
  });
  return {kv, out};
}

template <class T, size_t N>
std::string_view Raw(const std::array<T, N>& a) {
  return {reinterpret_cast<const char*>(a.data()), N};
}

void AddSpan(const SpanRecord& r, uint32_t scope_index, SpanBatch& batch) {
  Arena& arena = batch.arena();
  ::weft::Span s;
  s.trace_id = TraceId(r.trace_id);
  s.span_id = SpanId(r.span_id);
  if (r.has_parent) s.parent_span_id = SpanId(r.parent_span_id);
  s.trace_state = r.View(r.trace_state);
  s.name = r.View(r.name);
  s.kind = static_cast<SpanKind>(r.kind);
  s.status_code = static_cast<StatusCode>(r.status);
  s.status_message = r.View(r.status_message);
  s.flags = r.flags | kSpanFlagsHasIsRemote | (r.parent_remote ? kSpanFlagsIsRemote : 0);
  s.start_time_unix_nano = r.StartNanos();
  s.end_time_unix_nano = r.EndNanos();
  s.attributes = ToAttributes(r.bytes, r.attrs.data(), r.attrs.size(), arena);
  s.dropped_attributes_count = r.dropped_attrs;
  if (!r.events.empty()) {
    auto* events = static_cast<::weft::Event*>(
        arena.Allocate(sizeof(::weft::Event) * r.events.size(), alignof(::weft::Event)));
    for (size_t i = 0; i < r.events.size(); ++i) {
      const auto& e = r.events[i];
      auto* out = new (&events[i])::weft::Event();
      out->time_unix_nano = e.time_ns;
      out->name = r.View(e.name);
      out->attributes =
          ToAttributes(r.bytes, r.event_attrs.data() + e.attr_begin, e.attr_count, arena);
      out->dropped_attributes_count = e.dropped_attrs;
    }
    s.events = {events, r.events.size()};
  }
  s.dropped_events_count = r.dropped_events;
  if (!r.links.empty()) {
    auto* links = static_cast<::weft::Link*>(
        arena.Allocate(sizeof(::weft::Link) * r.links.size(), alignof(::weft::Link)));
    for (size_t i = 0; i < r.links.size(); ++i) {
      const auto& l = r.links[i];
      auto* out = new (&links[i])::weft::Link();
      out->trace_id = TraceId(l.trace_id);
      out->span_id = SpanId(l.span_id);
      out->trace_state = r.View(l.trace_state);
      out->attributes =
          ToAttributes(r.bytes, r.link_attrs.data() + l.attr_begin, l.attr_count, arena);
      out->dropped_attributes_count = l.dropped_attrs;
      out->flags = l.flags | kSpanFlagsHasIsRemote | (l.remote ? kSpanFlagsIsRemote : 0);
    }
    s.links = {links, r.links.size()};
  }
  s.dropped_links_count = r.dropped_links;
  s.scope_index = scope_index;
  batch.AddSpan(s);
}

}  // namespace

void RecordsToBatch(std::span<SpanRecord* const> records, SpanBatch& batch) {
  if (records.empty()) return;
  // (resource, scope) -> scope index in `batch`; resources likewise. Batches almost always hold
  // one resource and a handful of scopes, so this map stays tiny.
  std::map<const AttrList*, uint32_t> resources;
  std::map<std::pair<const AttrList*, const ScopeInfo*>, uint32_t> scopes;
  std::vector<std::pair<uint32_t, uint32_t>> order;  // (scope index, record index)
  order.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const SpanRecord& r = *records[i];
    const auto key = std::make_pair(r.resource, r.scope);
    auto it = scopes.find(key);
    if (it == scopes.end()) {
      auto rit = resources.find(r.resource);
      if (rit == resources.end()) {
        ::weft::Resource resource;
        if (r.resource != nullptr) {
          resource.attributes = ToAttributes(r.resource->bytes, r.resource->attrs.data(),
                                             r.resource->attrs.size(), batch.arena());
        }
        rit = resources.emplace(r.resource, batch.AddResource(resource)).first;
      }
      InstrumentationScope scope;
      if (r.scope != nullptr) {
        scope.name = r.scope->name;
        scope.version = r.scope->version;
      }
      it = scopes.emplace(key, batch.AddScope(rit->second, scope)).first;
    }
    order.emplace_back(it->second, static_cast<uint32_t>(i));
  }
  if (scopes.size() > 1) std::stable_sort(order.begin(), order.end());
  for (const auto& [scope_index, i] : order) AddSpan(*records[i], scope_index, batch);
}

void EncodeRecords(std::span<SpanRecord* const> records, std::string& out, bool json) {
  SpanBatch batch;
  RecordsToBatch(records, batch);
  if (json) {
    otlp::EncodeExportRequestJson(batch, out);
  } else {
    otlp::EncodeExportRequest(batch, out);
  }
}

}  // namespace weft::sdk_otlp
