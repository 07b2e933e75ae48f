// Span: recording attributes, events, links and status into the span's SpanRecord, with the
// provider's limits, and handing the record to the processors on End.
// Thread rule: a Span is used by one thread at a time.
#include <algorithm>
#include <cstring>

#include "sdk/fast_clock.h"
#include "sdk/record_pool.h"
#include "sdk/tracer_core.h"
#include "weft/trace.h"

namespace weft {
inline namespace v1 {
namespace detail {
namespace {

// The longest prefix of `s` of at most `max` bytes that does not split a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view s, uint32_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

uint64_t ToNanos(SystemTime t) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

inline StrRef AppendTo(ByteBuffer& bytes, std::string_view s) {
  return StrRef{static_cast<uint32_t>(bytes.append(s.data(), s.size())),
                static_cast<uint32_t>(s.size())};
}

inline void SetValue(AttrSlot& slot, ByteBuffer& bytes, const AttributeValue& value,
                     uint32_t max_value_length) {
  switch (value.type()) {
    case AttributeValue::Type::kBool:
      slot.type = AttrType::kBool;
      slot.b = value.as_bool();
      break;
    case AttributeValue::Type::kInt:
      slot.type = AttrType::kInt;
      slot.i = value.as_int();
      break;
    case AttributeValue::Type::kDouble:
      slot.type = AttrType::kDouble;
      slot.d = value.as_double();
      break;
    case AttributeValue::Type::kString:
      slot.type = AttrType::kString;
      slot.s = AppendTo(bytes, TruncateUtf8(value.as_string(), max_value_length));
      break;
  }
}

// Adds attributes to `slots` (an event's or link's), at most `max`; returns how many dropped.
uint32_t AppendAttributes(PodVec<AttrSlot>& slots, ByteBuffer& bytes,
                          std::span<const Attribute> attributes, uint32_t max,
                          uint32_t max_value_length) {
  uint32_t added = 0;
  for (const Attribute& a : attributes) {
    if (added >= max) break;
    FillSlot(slots.emplace_back(), bytes, a.key, a.value, max_value_length);
    ++added;
  }
  return static_cast<uint32_t>(attributes.size()) - added;
}

}  // namespace

void FillSlot(AttrSlot& slot, ByteBuffer& bytes, std::string_view key, const AttributeValue& value,
              uint32_t max_value_length) {
  slot.key = AppendTo(bytes, key);
  SetValue(slot, bytes, value, max_value_length);
}

}  // namespace detail

using detail::AttrSlot;
using detail::SpanRecord;

Span::Span(Span&& other) noexcept
    : record_(std::exchange(other.record_, nullptr)), context_(std::move(other.context_)) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    if (record_ != nullptr) EndRecording(SystemTime{});
    record_ = std::exchange(other.record_, nullptr);
    context_ = std::move(other.context_);
  }
  return *this;
}

void Span::DoSetAttribute(std::string_view key, const AttributeValue& value) {
  SpanRecord& r = *record_;
  const SpanLimits& limits = r.core->limits;
  if (r.attrs.size() >= limits.max_attributes) [[unlikely]] {
    // At the limit: drop superseded values first, then replace in place or drop this one.
    r.attrs.resize_down(detail::CompactLatest(r.bytes, r.attrs.data(), r.attrs.size()));
    if (r.attrs.size() >= limits.max_attributes) {
      for (AttrSlot& slot : r.attrs) {
        if (slot.key.size == key.size() &&
            std::memcmp(r.bytes.data() + slot.key.offset, key.data(), key.size()) == 0) {
          detail::SetValue(slot, r.bytes, value, limits.max_attribute_value_length);
          return;
        }
      }
      ++r.dropped_attrs;
      return;
    }
  }
  // Appended even when the key is already there: readers keep the last value (ForEachLatest).
  detail::FillSlot(r.attrs.emplace_back(), r.bytes, key, value, limits.max_attribute_value_length);
}

void Span::DoAddEvent(std::string_view name, std::span<const Attribute> attributes,
                      SystemTime time) {
  SpanRecord& r = *record_;
  const SpanLimits& limits = r.core->limits;
  r.has_cold = true;
  if (r.events.size() >= limits.max_events) {
    ++r.dropped_events;
    return;
  }
  detail::EventSlot& e = r.events.emplace_back();
  e.time_ns = time == SystemTime{} ? detail::NowNanos() : detail::ToNanos(time);
  e.name = r.Append(name);
  e.attr_begin = static_cast<uint32_t>(r.event_attrs.size());
  e.dropped_attrs =
      detail::AppendAttributes(r.event_attrs, r.bytes, attributes, limits.max_attributes_per_event,
                               limits.max_attribute_value_length);
  e.attr_count = static_cast<uint32_t>(r.event_attrs.size()) - e.attr_begin;
}

void Span::DoAddLink(const SpanContext& context, std::span<const Attribute> attributes) {
  SpanRecord& r = *record_;
  const SpanLimits& limits = r.core->limits;
  if (!context.valid()) return;
  r.has_cold = true;
  if (r.links.size() >= limits.max_links) {
    ++r.dropped_links;
    return;
  }
  detail::LinkSlot& l = r.links.emplace_back();
  l.trace_id = context.trace_id.bytes;
  l.span_id = context.span_id.bytes;
  l.flags = context.trace_flags;
  l.remote = context.remote;
  l.trace_state = r.Append(context.trace_state);
  l.attr_begin = static_cast<uint32_t>(r.link_attrs.size());
  l.dropped_attrs =
      detail::AppendAttributes(r.link_attrs, r.bytes, attributes, limits.max_attributes_per_link,
                               limits.max_attribute_value_length);
  l.attr_count = static_cast<uint32_t>(r.link_attrs.size()) - l.attr_begin;
}

void Span::DoSetStatus(StatusCode code, std::string_view message) {
  SpanRecord& r = *record_;
  // Ok is final; Unset never overrides (OpenTelemetry "Set Status").
  if (r.status == static_cast<uint8_t>(StatusCode::kOk) || code == StatusCode::kUnset) return;
  r.status = static_cast<uint8_t>(code);
  r.has_cold = true;
  r.status_message = code == StatusCode::kError ? r.Append(message) : detail::StrRef{};
}

void Span::DoRecordException(std::string_view type, std::string_view message,
                             std::string_view stacktrace) {
  const Attribute attrs[3] = {{"exception.type", type},
                              {"exception.message", message},
                              {"exception.stacktrace", stacktrace}};
  DoAddEvent("exception", std::span<const Attribute>(attrs, stacktrace.empty() ? 2 : 3),
             SystemTime{});
}

void Span::DoUpdateName(std::string_view name) { record_->name = record_->Append(name); }

void Span::EndRecording(SystemTime end_time) {
  SpanRecord* r = std::exchange(record_, nullptr);
  if (end_time == SystemTime{}) {
    r->end_ns = detail::NowTicks();
    r->end_in_ticks = true;
  } else {
    r->end_ns = detail::ToNanos(end_time);
  }
  r->core->OnEnd(r);  // readers convert ticks and clamp end >= start (SpanRecord::EndNanos)
}

}  // namespace v1
}  // namespace weft
