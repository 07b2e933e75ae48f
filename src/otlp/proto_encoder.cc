// weft's OTLP protobuf encoder: SpanBatch -> ExportTraceServiceRequest bytes in one pass
// (WireWriter back-patches nested lengths), plus the small response messages. Proto3 rules: fields
// holding their default value are omitted, oneof members (AnyValue) always written.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/utf8.h"
#include "otlp/proto_codec.h"
#include "otlp/proto_schema.h"
#include "otlp/proto_wire.h"

namespace weft::otlp {
namespace {

// Guessed sizes of nested-message length prefixes: right almost always, so bodies rarely move.
constexpr size_t kSmallMessage = 1;   // key-values, values, status (< 128 bytes)
constexpr size_t kMediumMessage = 2;  // spans, events, links, resources (< 16 KiB)
constexpr size_t kLargeMessage = 3;   // scope and resource groups (< 2 MiB)

// A string field; invalid UTF-8 is repaired so that strict proto3 parsers accept the message.
void RepairedString(WireWriter& w, uint32_t field, std::string_view s) {
  std::string repaired;
  AppendSanitizedUtf8(s, repaired);
  w.Bytes(field, repaired);
}
inline void String(WireWriter& w, uint32_t field, std::string_view s) {
  if (IsAscii(s) || IsValidUtf8(s)) [[likely]] {
    w.Bytes(field, s);
  } else {
    RepairedString(w, field, s);
  }
}

void StringIfSet(WireWriter& w, uint32_t field, std::string_view s) {
  if (!s.empty()) String(w, field, s);
}
void VarintIfSet(WireWriter& w, uint32_t field, uint64_t v) {
  if (v != 0) w.Varint(field, v);
}

void EncodeKeyValues(WireWriter& w, uint32_t field, Attributes attributes);

void EncodeAnyValue(WireWriter& w, const AnyValue& value) {
  namespace f = pb::any_value;
  switch (value.type()) {
    case ValueType::kEmpty:
      break;
    case ValueType::kString:
      String(w, f::kStringValue, value.string_value());
      break;
    case ValueType::kBool:
      w.Varint(f::kBoolValue, value.bool_value() ? 1 : 0);
      break;
    case ValueType::kInt:
      w.Varint(f::kIntValue, static_cast<uint64_t>(value.int_value()));
      break;
    case ValueType::kDouble:
      w.Fixed64(f::kDoubleValue, std::bit_cast<uint64_t>(value.double_value()));
      break;
    case ValueType::kBytes:
      w.Bytes(f::kBytesValue, value.bytes_value());
      break;
    case ValueType::kArray: {
      const size_t mark = w.BeginMessage(f::kArrayValue, kSmallMessage);
      for (const AnyValue& element : value.array_value()) {
        const size_t element_mark = w.BeginMessage(pb::array_value::kValues, kSmallMessage);
        EncodeAnyValue(w, element);
        w.EndMessage(element_mark, kSmallMessage);
      }
      w.EndMessage(mark, kSmallMessage);
      break;
    }
    case ValueType::kKvList: {
      const size_t mark = w.BeginMessage(f::kKvlistValue, kSmallMessage);
      EncodeKeyValues(w, pb::array_value::kValues, value.kvlist_value());
      w.EndMessage(mark, kSmallMessage);
      break;
    }
  }
}

void EncodeKeyValues(WireWriter& w, uint32_t field, Attributes attributes) {
  for (const KeyValue& kv : attributes) {
    const size_t mark = w.BeginMessage(field, kSmallMessage);
    StringIfSet(w, pb::key_value::kKey, kv.key);
    // Always present, even when empty, as OTLP exporters do.
    const size_t value_mark = w.BeginMessage(pb::key_value::kValue, kSmallMessage);
    EncodeAnyValue(w, kv.value);
    w.EndMessage(value_mark, kSmallMessage);
    w.EndMessage(mark, kSmallMessage);
  }
}

void EncodeEvent(WireWriter& w, const Event& event) {
  namespace f = pb::event;
  const size_t mark = w.BeginMessage(pb::span::kEvents, kMediumMessage);
  if (event.time_unix_nano != 0) w.Fixed64(f::kTimeUnixNano, event.time_unix_nano);
  StringIfSet(w, f::kName, event.name);
  EncodeKeyValues(w, f::kAttributes, event.attributes);
  VarintIfSet(w, f::kDroppedAttributesCount, event.dropped_attributes_count);
  w.EndMessage(mark, kMediumMessage);
}

void EncodeLink(WireWriter& w, const Link& link) {
  namespace f = pb::link;
  const size_t mark = w.BeginMessage(pb::span::kLinks, kMediumMessage);
  w.Bytes(f::kTraceId, link.trace_id.AsStringView());
  w.Bytes(f::kSpanId, link.span_id.AsStringView());
  StringIfSet(w, f::kTraceState, link.trace_state);
  EncodeKeyValues(w, f::kAttributes, link.attributes);
  VarintIfSet(w, f::kDroppedAttributesCount, link.dropped_attributes_count);
  if (link.flags != 0) w.Fixed32(f::kFlags, link.flags);
  w.EndMessage(mark, kMediumMessage);
}

void EncodeSpan(WireWriter& w, const Span& span) {
  namespace f = pb::span;
  const size_t mark = w.BeginMessage(pb::scope_spans::kSpans, kMediumMessage);
  w.Bytes(f::kTraceId, span.trace_id.AsStringView());
  w.Bytes(f::kSpanId, span.span_id.AsStringView());
  StringIfSet(w, f::kTraceState, span.trace_state);
  if (span.parent_span_id.IsValid()) w.Bytes(f::kParentSpanId, span.parent_span_id.AsStringView());
  StringIfSet(w, f::kName, span.name);
  VarintIfSet(w, f::kKind, static_cast<uint64_t>(span.kind));
  if (span.start_time_unix_nano != 0) w.Fixed64(f::kStartTimeUnixNano, span.start_time_unix_nano);
  if (span.end_time_unix_nano != 0) w.Fixed64(f::kEndTimeUnixNano, span.end_time_unix_nano);
  EncodeKeyValues(w, f::kAttributes, span.attributes);
  VarintIfSet(w, f::kDroppedAttributesCount, span.dropped_attributes_count);
  for (const Event& event : span.events) EncodeEvent(w, event);
  VarintIfSet(w, f::kDroppedEventsCount, span.dropped_events_count);
  for (const Link& link : span.links) EncodeLink(w, link);
  VarintIfSet(w, f::kDroppedLinksCount, span.dropped_links_count);
  if (!span.status_message.empty() || span.status_code != StatusCode::kUnset) {
    const size_t status_mark = w.BeginMessage(f::kStatus, kSmallMessage);
    StringIfSet(w, pb::status::kMessage, span.status_message);
    VarintIfSet(w, pb::status::kCode, static_cast<uint64_t>(span.status_code));
    w.EndMessage(status_mark, kSmallMessage);
  }
  if (span.flags != 0) w.Fixed32(f::kFlags, span.flags);
  w.EndMessage(mark, kMediumMessage);
}

void EncodeResource(WireWriter& w, const Resource& resource) {
  if (resource.attributes.empty() && resource.dropped_attributes_count == 0) return;
  const size_t mark = w.BeginMessage(pb::resource_spans::kResource, kMediumMessage);
  EncodeKeyValues(w, pb::resource::kAttributes, resource.attributes);
  VarintIfSet(w, pb::resource::kDroppedAttributesCount, resource.dropped_attributes_count);
  w.EndMessage(mark, kMediumMessage);
}

void EncodeScope(WireWriter& w, const InstrumentationScope& scope) {
  namespace f = pb::scope;
  if (scope.name.empty() && scope.version.empty() && scope.attributes.empty() &&
      scope.dropped_attributes_count == 0) {
    return;
  }
  const size_t mark = w.BeginMessage(pb::scope_spans::kScope, kMediumMessage);
  StringIfSet(w, f::kName, scope.name);
  StringIfSet(w, f::kVersion, scope.version);
  EncodeKeyValues(w, f::kAttributes, scope.attributes);
  VarintIfSet(w, f::kDroppedAttributesCount, scope.dropped_attributes_count);
  w.EndMessage(mark, kMediumMessage);
}

}  // namespace

void EncodeExportRequest(const SpanBatch& batch, std::string& out) {
  const std::span<const Span> spans = batch.spans();
  const std::span<const ScopeEntry> scopes = batch.scopes();
  WireWriter w(out);
  size_t i = 0;
  while (i < spans.size()) {
    const uint32_t resource_index = scopes[spans[i].scope_index].resource_index;
    const Resource& resource = batch.resources()[resource_index];
    const size_t resource_mark = w.BeginMessage(pb::export_request::kResourceSpans, kLargeMessage);
    EncodeResource(w, resource);
    // One ScopeSpans per run of spans sharing a scope, while the resource stays the same.
    while (i < spans.size() && scopes[spans[i].scope_index].resource_index == resource_index) {
      const uint32_t scope_index = spans[i].scope_index;
      const InstrumentationScope& scope = scopes[scope_index].scope;
      const size_t scope_mark = w.BeginMessage(pb::resource_spans::kScopeSpans, kLargeMessage);
      EncodeScope(w, scope);
      for (; i < spans.size() && spans[i].scope_index == scope_index; ++i) {
        EncodeSpan(w, spans[i]);
      }
      StringIfSet(w, pb::scope_spans::kSchemaUrl, scope.schema_url);
      w.EndMessage(scope_mark, kLargeMessage);
    }
    StringIfSet(w, pb::resource_spans::kSchemaUrl, resource.schema_url);
    w.EndMessage(resource_mark, kLargeMessage);
  }
  w.Finish();
}

std::string EncodeExportResponse(const DecodeResult& result) {
  std::string out;
  if (result.rejected_spans == 0 && result.error_message.empty()) return out;
  WireWriter w(out);
  const size_t mark = w.BeginMessage(pb::export_response::kPartialSuccess, kMediumMessage);
  VarintIfSet(w, pb::partial_success::kRejectedSpans, result.rejected_spans);
  StringIfSet(w, pb::partial_success::kErrorMessage, result.error_message);
  w.EndMessage(mark, kMediumMessage);
  w.Finish();
  return out;
}

std::string EncodeRpcStatus(int code, std::string_view message,
                            std::optional<int64_t> retry_delay_seconds) {
  std::string out;
  WireWriter w(out);
  // int32 on the wire: a negative code is sign-extended to 64 bits (10 bytes), as protobuf does.
  VarintIfSet(w, pb::rpc_status::kCode, static_cast<uint64_t>(static_cast<int64_t>(code)));
  StringIfSet(w, pb::rpc_status::kMessage, message);
  if (retry_delay_seconds.has_value()) {
    const size_t any_mark = w.BeginMessage(pb::rpc_status::kDetails, kSmallMessage);
    w.Bytes(pb::any::kTypeUrl, pb::kRetryInfoTypeUrl);
    const size_t info_mark = w.BeginMessage(pb::any::kValue, kSmallMessage);
    const size_t delay_mark = w.BeginMessage(pb::retry_info::kRetryDelay, kSmallMessage);
    VarintIfSet(w, pb::duration::kSeconds, static_cast<uint64_t>(*retry_delay_seconds));
    w.EndMessage(delay_mark, kSmallMessage);
    w.EndMessage(info_mark, kSmallMessage);
    w.EndMessage(any_mark, kSmallMessage);
  }
  w.Finish();
  return out;
}

}  // namespace weft::otlp
