// weft's zero-copy OTLP protobuf decoder: one pass over ExportTraceServiceRequest bytes straight
// into a SpanBatch. Strings and bytes stay views into the input (a copy is made only to repair
// invalid UTF-8); attribute, event, link and array lists are gathered on per-thread scratch stacks
// (proto_scratch.h) and copied into the batch's arena once each list is complete.
//
// Each message decoder loops over its fields and switches on the whole tag (number and wire type),
// so a well-formed field costs one compare-and-jump; anything else goes to OtherField(), which
// fails on a known field with the wrong wire type and skips unknown ones.
//
// The only second look at any bytes: a ResourceSpans (ScopeSpans) is walked twice at its own level
// (not inside its children), first to build its resource (scope) so that scopes (spans) can point
// at it whatever the field order, then to decode the children.
//
// Errors name the field by its path (proto_decode_error.h), assembled only on failure as the error
// unwinds through the message decoders.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/arena.h"
#include "common/utf8.h"
#include "otlp/proto_codec.h"
#include "otlp/proto_decode_error.h"
#include "otlp/proto_schema.h"
#include "otlp/proto_scratch.h"
#include "otlp/proto_wire.h"

namespace weft::otlp {
namespace {

constexpr pb::WireType kVarint = pb::kVarint;
constexpr pb::WireType kFixed64 = pb::kFixed64;
constexpr pb::WireType kFixed32 = pb::kFixed32;
constexpr pb::WireType kLen = pb::kLengthDelimited;
constexpr uint32_t Tag(uint32_t field, pb::WireType wire) { return pb::MakeTag(field, wire); }

// Parses an id that must be exactly Id::kSize bytes and not all zero; records the first problem.
template <typename Id>
bool CheckId(std::string_view raw, std::string_view field, int link_index, Id& id,
             SpanProblem& problem) {
  if (const std::optional<Id> parsed = Id::FromBytes(raw); parsed && parsed->IsValid()) {
    id = *parsed;
    return true;
  }
  if (!problem.found()) problem = {field, link_index, Id::kSize, raw.size()};
  return false;
}

// Reads a field's value or fails the request naming the field.
#define WEFT_READ(names, read) \
  if (!(read)) return ReadFailed(names, r, tag)

// Decodes one request. Methods return false on a wire error after recording it in error_*.
class Decoder {
 public:
  Decoder(std::string_view input, SpanBatch& batch, int max_depth, DecoderScratch& scratch,
          DecodeResult& result)
      : input_(input),
        batch_(batch),
        arena_(batch.arena()),
        max_depth_(max_depth),
        kvs_(scratch.key_values),
        values_(scratch.values),
        events_(scratch.events),
        links_(scratch.links),
        result_(result) {}

  bool DecodeRequest();
  absl::Status Error() const { return error_.ToStatus(); }

 private:
  bool DecodeResourceSpans(std::string_view bytes);
  bool DecodeResource(std::string_view bytes, Resource& resource);
  bool DecodeScopeSpans(std::string_view bytes, uint32_t resource_index);
  bool DecodeScope(std::string_view bytes, InstrumentationScope& scope);
  bool DecodeSpan(std::string_view bytes, uint32_t scope_index);
  bool DecodeStatus(std::string_view bytes, Span& span);
  bool DecodeEvent(std::string_view bytes, Event& event);
  bool DecodeLink(std::string_view bytes, Link& link, int index, SpanProblem& problem);
  // `level` is the nesting level of the value (1 for an attribute's value).
  bool DecodeKeyValue(std::string_view bytes, int level, KeyValue& kv);
  bool DecodeAnyValue(std::string_view bytes, int level, AnyValue& value);
  bool DecodeArray(std::string_view bytes, int level, AnyValue& value);
  bool DecodeKvList(std::string_view bytes, int level, AnyValue& value);

  // Decodes the KeyValue in `bytes` (the `count`-th field `name` of its message) onto kvs_.
  bool PushKeyValue(std::string_view bytes, std::string_view name, size_t& count) {
    KeyValue kv;
    if (!DecodeKeyValue(bytes, 1, kv)) return Within(name, count);
    kvs_.push_back(kv);
    ++count;
    return true;
  }

  // The stack entries from `start` on, copied to the arena and popped.
  template <typename T>
  std::span<const T> Take(ScratchStack<T>& stack, size_t start) {
    const std::span<const T> copy = arena_.CopyArray(stack.From(start));
    stack.Truncate(start);
    return copy;
  }

  std::string_view Text(std::string_view s) { return IsAscii(s) ? s : SanitizeUtf8(s, arena_); }

  // A field no case matched: wrong wire type for a known field fails, unknown fields are skipped.
  bool OtherField(WireReader& r, uint32_t tag, FieldNames names) {
    if ((tag & 7) <= pb::kFixed32 && IsKnownField(names, tag >> 3))
      return WrongWireType(names, tag);
    if (!r.SkipValue(tag)) return ReadFailed(names, r, tag);
    return true;
  }

  // Error recording. Each returns false so callers can `return Within(...)`.
  bool ReadFailed(FieldNames names, const WireReader& r, uint32_t tag) {  // tag 0: unread
    error_.SetWireError(names, tag, r.error(),
                        static_cast<size_t>(r.field_start() - input_.data()));
    return false;
  }
  bool WrongWireType(FieldNames names, uint32_t tag) {
    error_.SetWrongWireType(names, tag);
    return false;
  }
  bool TooDeep() {
    error_.SetTooDeep(max_depth_);
    return false;
  }
  bool Within(std::string_view field) {
    error_.Within(field);
    return false;
  }
  bool Within(std::string_view field, size_t index) {
    error_.Within(field, index);
    return false;
  }

  void RejectSpan(const SpanProblem& problem) {
    // Only the first reason is kept: later ones are not even formatted.
    result_.Reject(result_.rejected_spans > 0
                       ? std::string()
                       : SpanRejectionMessage(resource_spans_index_, scope_spans_index_,
                                              span_index_, problem));
  }

  const std::string_view input_;
  SpanBatch& batch_;
  Arena& arena_;
  const int max_depth_;
  ScratchStack<KeyValue>& kvs_;
  ScratchStack<AnyValue>& values_;
  ScratchStack<Event>& events_;
  ScratchStack<Link>& links_;
  DecodeResult& result_;

  // Position of the span being decoded, for rejection messages.
  size_t resource_spans_index_ = 0;
  size_t scope_spans_index_ = 0;
  size_t span_index_ = 0;

  DecodeError error_;
};

bool Decoder::DecodeRequest() {
  WireReader r(input_);
  uint32_t tag = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kRequest, r, 0);
    if (tag == Tag(pb::export_request::kResourceSpans, kLen)) {
      WEFT_READ(field_names::kRequest, r.ReadLengthDelimited(bytes));
      if (!DecodeResourceSpans(bytes)) return Within("resource_spans", resource_spans_index_);
      ++resource_spans_index_;
    } else if (!OtherField(r, tag, field_names::kRequest)) {
      return false;
    }
  }
  return true;
}

bool Decoder::DecodeResourceSpans(std::string_view message) {
  namespace field = pb::resource_spans;
  // Pass 1: the resource (repeated occurrences merge, as in protobuf) and the schema url; the
  // scope_spans are only measured.
  Resource resource;
  const size_t kv_start = kvs_.size();
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kResourceSpans, r, 0);
    switch (tag) {
      case Tag(field::kResource, kLen):
        WEFT_READ(field_names::kResourceSpans, r.ReadLengthDelimited(bytes));
        if (!DecodeResource(bytes, resource)) return Within("resource");
        break;
      case Tag(field::kScopeSpans, kLen):
        WEFT_READ(field_names::kResourceSpans, r.ReadLengthDelimited(bytes));
        break;
      case Tag(field::kSchemaUrl, kLen):
        WEFT_READ(field_names::kResourceSpans, r.ReadLengthDelimited(bytes));
        resource.schema_url = Text(bytes);
        break;
      default:
        if (!OtherField(r, tag, field_names::kResourceSpans)) return false;
    }
  }
  resource.attributes = Take(kvs_, kv_start);
  const uint32_t resource_index = batch_.AddResource(resource);

  // Pass 2: the scopes and their spans (every field was read successfully in pass 1).
  WireReader children(message);
  scope_spans_index_ = 0;
  while (!children.done()) {
    if (!children.ReadTag(tag)) return ReadFailed(field_names::kResourceSpans, children, 0);
    if (tag != Tag(field::kScopeSpans, kLen)) {
      if (!children.SkipValue(tag)) return ReadFailed(field_names::kResourceSpans, children, tag);
      continue;
    }
    if (!children.ReadLengthDelimited(bytes)) {
      return ReadFailed(field_names::kResourceSpans, children, tag);
    }
    if (!DecodeScopeSpans(bytes, resource_index)) {
      return Within("scope_spans", scope_spans_index_);
    }
    ++scope_spans_index_;
  }
  return true;
}

bool Decoder::DecodeResource(std::string_view message, Resource& resource) {
  namespace field = pb::resource;
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  size_t attributes = 0;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kResource, r, 0);
    switch (tag) {
      case Tag(field::kAttributes, kLen):
        WEFT_READ(field_names::kResource, r.ReadLengthDelimited(bytes));
        if (!PushKeyValue(bytes, "attributes", attributes)) return false;
        break;
      case Tag(field::kDroppedAttributesCount, kVarint):
        WEFT_READ(field_names::kResource, r.ReadVarint(number));
        resource.dropped_attributes_count = static_cast<uint32_t>(number);
        break;
      default:
        if (!OtherField(r, tag, field_names::kResource)) return false;
    }
  }
  return true;
}

bool Decoder::DecodeScopeSpans(std::string_view message, uint32_t resource_index) {
  namespace field = pb::scope_spans;
  InstrumentationScope scope;
  const size_t kv_start = kvs_.size();
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kScopeSpans, r, 0);
    switch (tag) {
      case Tag(field::kScope, kLen):
        WEFT_READ(field_names::kScopeSpans, r.ReadLengthDelimited(bytes));
        if (!DecodeScope(bytes, scope)) return Within("scope");
        break;
      case Tag(field::kSpans, kLen):
        WEFT_READ(field_names::kScopeSpans, r.ReadLengthDelimited(bytes));
        break;
      case Tag(field::kSchemaUrl, kLen):
        WEFT_READ(field_names::kScopeSpans, r.ReadLengthDelimited(bytes));
        scope.schema_url = Text(bytes);
        break;
      default:
        if (!OtherField(r, tag, field_names::kScopeSpans)) return false;
    }
  }
  scope.attributes = Take(kvs_, kv_start);
  const uint32_t scope_index = batch_.AddScope(resource_index, scope);

  WireReader children(message);
  span_index_ = 0;
  while (!children.done()) {
    if (!children.ReadTag(tag)) return ReadFailed(field_names::kScopeSpans, children, 0);
    if (tag != Tag(field::kSpans, kLen)) {
      if (!children.SkipValue(tag)) return ReadFailed(field_names::kScopeSpans, children, tag);
      continue;
    }
    if (!children.ReadLengthDelimited(bytes))
      return ReadFailed(field_names::kScopeSpans, children, tag);
    if (!DecodeSpan(bytes, scope_index)) return Within("spans", span_index_);
    ++span_index_;
  }
  return true;
}

bool Decoder::DecodeScope(std::string_view message, InstrumentationScope& scope) {
  namespace field = pb::scope;
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  size_t attributes = 0;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kScope, r, 0);
    switch (tag) {
      case Tag(field::kName, kLen):
        WEFT_READ(field_names::kScope, r.ReadLengthDelimited(bytes));
        scope.name = Text(bytes);
        break;
      case Tag(field::kVersion, kLen):
        WEFT_READ(field_names::kScope, r.ReadLengthDelimited(bytes));
        scope.version = Text(bytes);
        break;
      case Tag(field::kAttributes, kLen):
        WEFT_READ(field_names::kScope, r.ReadLengthDelimited(bytes));
        if (!PushKeyValue(bytes, "attributes", attributes)) return false;
        break;
      case Tag(field::kDroppedAttributesCount, kVarint):
        WEFT_READ(field_names::kScope, r.ReadVarint(number));
        scope.dropped_attributes_count = static_cast<uint32_t>(number);
        break;
      default:
        if (!OtherField(r, tag, field_names::kScope)) return false;
    }
  }
  return true;
}

bool Decoder::DecodeSpan(std::string_view message, uint32_t scope_index) {
  namespace field = pb::span;
  Span span;
  span.scope_index = scope_index;
  std::string_view trace_id, span_id, parent_span_id;
  const size_t kv_start = kvs_.size();
  const size_t event_start = events_.size();
  const size_t link_start = links_.size();
  size_t attributes = 0;
  SpanProblem link_problem;

  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kSpan, r, 0);
    switch (tag) {
      case Tag(field::kTraceId, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(trace_id));
        break;
      case Tag(field::kSpanId, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(span_id));
        break;
      case Tag(field::kTraceState, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(bytes));
        span.trace_state = Text(bytes);
        break;
      case Tag(field::kParentSpanId, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(parent_span_id));
        break;
      case Tag(field::kName, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(bytes));
        span.name = Text(bytes);
        break;
      case Tag(field::kKind, kVarint):
        WEFT_READ(field_names::kSpan, r.ReadVarint(number));
        // Out-of-range kinds (including negative int32s) keep the span as unspecified.
        span.kind = number <= kMaxSpanKind ? static_cast<SpanKind>(number) : SpanKind::kUnspecified;
        break;
      case Tag(field::kStartTimeUnixNano, kFixed64):
        WEFT_READ(field_names::kSpan, r.ReadFixed64(span.start_time_unix_nano));
        break;
      case Tag(field::kEndTimeUnixNano, kFixed64):
        WEFT_READ(field_names::kSpan, r.ReadFixed64(span.end_time_unix_nano));
        break;
      case Tag(field::kAttributes, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(bytes));
        if (!PushKeyValue(bytes, "attributes", attributes)) return false;
        break;
      case Tag(field::kDroppedAttributesCount, kVarint):
        WEFT_READ(field_names::kSpan, r.ReadVarint(number));
        span.dropped_attributes_count = static_cast<uint32_t>(number);
        break;
      case Tag(field::kEvents, kLen): {
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(bytes));
        Event event;
        if (!DecodeEvent(bytes, event)) return Within("events", events_.size() - event_start);
        events_.push_back(event);
        break;
      }
      case Tag(field::kDroppedEventsCount, kVarint):
        WEFT_READ(field_names::kSpan, r.ReadVarint(number));
        span.dropped_events_count = static_cast<uint32_t>(number);
        break;
      case Tag(field::kLinks, kLen): {
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(bytes));
        Link link;
        const auto index = static_cast<int>(links_.size() - link_start);
        if (!DecodeLink(bytes, link, index, link_problem)) return Within("links", index);
        links_.push_back(link);
        break;
      }
      case Tag(field::kDroppedLinksCount, kVarint):
        WEFT_READ(field_names::kSpan, r.ReadVarint(number));
        span.dropped_links_count = static_cast<uint32_t>(number);
        break;
      case Tag(field::kStatus, kLen):
        WEFT_READ(field_names::kSpan, r.ReadLengthDelimited(bytes));
        if (!DecodeStatus(bytes, span)) return Within("status");
        break;
      case Tag(field::kFlags, kFixed32):
        WEFT_READ(field_names::kSpan, r.ReadFixed32(span.flags));
        break;
      default:
        if (!OtherField(r, tag, field_names::kSpan)) return false;
    }
  }

  // Id checks come after the whole span was read: a wire error anywhere in it fails the request
  // even when the span would have been rejected. The span's own ids are reported first.
  SpanProblem problem;
  if (CheckId(trace_id, "trace_id", -1, span.trace_id, problem) &&
      CheckId(span_id, "span_id", -1, span.span_id, problem) && !parent_span_id.empty()) {
    if (std::optional<SpanId> parent = SpanId::FromBytes(parent_span_id)) {
      span.parent_span_id = *parent;  // all zero is accepted here: it means "root"
    } else {
      problem = {"parent_span_id", -1, SpanId::kSize, parent_span_id.size()};
    }
  }
  if (!problem.found()) problem = link_problem;
  if (problem.found()) {
    kvs_.Truncate(kv_start);
    events_.Truncate(event_start);
    links_.Truncate(link_start);
    RejectSpan(problem);
    return true;
  }
  span.attributes = Take(kvs_, kv_start);
  span.events = Take(events_, event_start);
  span.links = Take(links_, link_start);
  batch_.AddSpan(span);
  return true;
}

bool Decoder::DecodeStatus(std::string_view message, Span& span) {
  namespace field = pb::status;
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kStatus, r, 0);
    switch (tag) {
      case Tag(field::kMessage, kLen):
        WEFT_READ(field_names::kStatus, r.ReadLengthDelimited(bytes));
        span.status_message = Text(bytes);
        break;
      case Tag(field::kCode, kVarint):
        WEFT_READ(field_names::kStatus, r.ReadVarint(number));
        // Out-of-range codes keep the span as unset.
        span.status_code =
            number <= kMaxStatusCode ? static_cast<StatusCode>(number) : StatusCode::kUnset;
        break;
      default:
        if (!OtherField(r, tag, field_names::kStatus)) return false;
    }
  }
  return true;
}

bool Decoder::DecodeEvent(std::string_view message, Event& event) {
  namespace field = pb::event;
  const size_t kv_start = kvs_.size();
  size_t attributes = 0;
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kEvent, r, 0);
    switch (tag) {
      case Tag(field::kTimeUnixNano, kFixed64):
        WEFT_READ(field_names::kEvent, r.ReadFixed64(event.time_unix_nano));
        break;
      case Tag(field::kName, kLen):
        WEFT_READ(field_names::kEvent, r.ReadLengthDelimited(bytes));
        event.name = Text(bytes);
        break;
      case Tag(field::kAttributes, kLen):
        WEFT_READ(field_names::kEvent, r.ReadLengthDelimited(bytes));
        if (!PushKeyValue(bytes, "attributes", attributes)) return false;
        break;
      case Tag(field::kDroppedAttributesCount, kVarint):
        WEFT_READ(field_names::kEvent, r.ReadVarint(number));
        event.dropped_attributes_count = static_cast<uint32_t>(number);
        break;
      default:
        if (!OtherField(r, tag, field_names::kEvent)) return false;
    }
  }
  event.attributes = Take(kvs_, kv_start);
  return true;
}

bool Decoder::DecodeLink(std::string_view message, Link& link, int index, SpanProblem& problem) {
  namespace field = pb::link;
  const size_t kv_start = kvs_.size();
  size_t attributes = 0;
  std::string_view trace_id, span_id;
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kLink, r, 0);
    switch (tag) {
      case Tag(field::kTraceId, kLen):
        WEFT_READ(field_names::kLink, r.ReadLengthDelimited(trace_id));
        break;
      case Tag(field::kSpanId, kLen):
        WEFT_READ(field_names::kLink, r.ReadLengthDelimited(span_id));
        break;
      case Tag(field::kTraceState, kLen):
        WEFT_READ(field_names::kLink, r.ReadLengthDelimited(bytes));
        link.trace_state = Text(bytes);
        break;
      case Tag(field::kAttributes, kLen):
        WEFT_READ(field_names::kLink, r.ReadLengthDelimited(bytes));
        if (!PushKeyValue(bytes, "attributes", attributes)) return false;
        break;
      case Tag(field::kDroppedAttributesCount, kVarint):
        WEFT_READ(field_names::kLink, r.ReadVarint(number));
        link.dropped_attributes_count = static_cast<uint32_t>(number);
        break;
      case Tag(field::kFlags, kFixed32):
        WEFT_READ(field_names::kLink, r.ReadFixed32(link.flags));
        break;
      default:
        if (!OtherField(r, tag, field_names::kLink)) return false;
    }
  }
  // A link's ids follow the span's rules; a bad one rejects the span (reported by DecodeSpan).
  if (CheckId(trace_id, "trace_id", index, link.trace_id, problem)) {
    CheckId(span_id, "span_id", index, link.span_id, problem);
  }
  link.attributes = Take(kvs_, kv_start);
  return true;
}

bool Decoder::DecodeKeyValue(std::string_view message, int level, KeyValue& kv) {
  namespace field = pb::key_value;
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kKeyValue, r, 0);
    switch (tag) {
      case Tag(field::kKey, kLen):
        WEFT_READ(field_names::kKeyValue, r.ReadLengthDelimited(bytes));
        kv.key = Text(bytes);
        break;
      case Tag(field::kValue, kLen):
        // A repeated value replaces the earlier one (protobuf would merge nested messages).
        WEFT_READ(field_names::kKeyValue, r.ReadLengthDelimited(bytes));
        if (!DecodeAnyValue(bytes, level, kv.value)) return Within("value");
        break;
      default:
        if (!OtherField(r, tag, field_names::kKeyValue)) return false;
    }
  }
  return true;
}

bool Decoder::DecodeAnyValue(std::string_view message, int level, AnyValue& value) {
  namespace field = pb::any_value;
  // Checked before reading anything, so recursion depth is bounded by max_depth_.
  if (level > max_depth_) return TooDeep();
  value = AnyValue();
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  uint64_t number;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kAnyValue, r, 0);
    switch (tag) {
      case Tag(field::kStringValue, kLen):
        WEFT_READ(field_names::kAnyValue, r.ReadLengthDelimited(bytes));
        value = AnyValue::String(Text(bytes));
        break;
      case Tag(field::kBoolValue, kVarint):
        WEFT_READ(field_names::kAnyValue, r.ReadVarint(number));
        value = AnyValue::Bool(number != 0);
        break;
      case Tag(field::kIntValue, kVarint):
        WEFT_READ(field_names::kAnyValue, r.ReadVarint(number));
        value = AnyValue::Int(static_cast<int64_t>(number));
        break;
      case Tag(field::kDoubleValue, kFixed64):
        WEFT_READ(field_names::kAnyValue, r.ReadFixed64(number));
        value = AnyValue::Double(std::bit_cast<double>(number));
        break;
      case Tag(field::kArrayValue, kLen):
        WEFT_READ(field_names::kAnyValue, r.ReadLengthDelimited(bytes));
        if (!DecodeArray(bytes, level, value)) return Within("array_value");
        break;
      case Tag(field::kKvlistValue, kLen):
        WEFT_READ(field_names::kAnyValue, r.ReadLengthDelimited(bytes));
        if (!DecodeKvList(bytes, level, value)) return Within("kvlist_value");
        break;
      case Tag(field::kBytesValue, kLen):
        WEFT_READ(field_names::kAnyValue, r.ReadLengthDelimited(bytes));
        value = AnyValue::Bytes(bytes);
        break;
      default:
        if (!OtherField(r, tag, field_names::kAnyValue)) return false;
    }
  }
  return true;
}

bool Decoder::DecodeArray(std::string_view message, int level, AnyValue& value) {
  const size_t start = values_.size();
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kList, r, 0);
    if (tag != Tag(pb::array_value::kValues, kLen)) {
      if (!OtherField(r, tag, field_names::kList)) return false;
      continue;
    }
    WEFT_READ(field_names::kList, r.ReadLengthDelimited(bytes));
    AnyValue element;
    if (!DecodeAnyValue(bytes, level + 1, element)) {
      return Within("values", values_.size() - start);
    }
    values_.push_back(element);
  }
  value = AnyValue::Array(Take(values_, start));
  return true;
}

bool Decoder::DecodeKvList(std::string_view message, int level, AnyValue& value) {
  const size_t start = kvs_.size();
  WireReader r(message);
  uint32_t tag = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.ReadTag(tag)) return ReadFailed(field_names::kList, r, 0);
    if (tag != Tag(pb::array_value::kValues, kLen)) {
      if (!OtherField(r, tag, field_names::kList)) return false;
      continue;
    }
    WEFT_READ(field_names::kList, r.ReadLengthDelimited(bytes));
    KeyValue kv;
    if (!DecodeKeyValue(bytes, level + 1, kv)) return Within("values", kvs_.size() - start);
    kvs_.push_back(kv);
  }
  value = AnyValue::KvList(Take(kvs_, start));
  return true;
}

#undef WEFT_READ

}  // namespace

absl::StatusOr<DecodeResult> DecodeExportRequest(std::string_view input, SpanBatch& batch,
                                                 const DecodeOptions& options) {
  // Lengths of strings and arrays are stored in 32 bits; requests are capped far below this.
  if (input.size() > UINT32_MAX) {
    return absl::InvalidArgumentError("ExportTraceServiceRequest: larger than 4 GiB");
  }
  thread_local DecoderScratch scratch;
  scratch.Clear();
  DecodeResult result;
  const size_t spans_before = batch.size();
  const int max_depth = std::clamp(options.max_value_depth, 1, kMaxSupportedValueDepth);
  Decoder decoder(input, batch, max_depth, scratch, result);
  const bool ok = decoder.DecodeRequest();
  scratch.ReleaseIfLarge();
  if (!ok) {
    // Leave no span of a failed request behind (its resources and scopes stay, unreferenced).
    const Span* first_new = batch.spans().data() + spans_before;
    batch.RemoveSpansIf([first_new](const Span& span) { return &span >= first_new; });
    return decoder.Error();
  }
  return result;
}

}  // namespace weft::otlp
