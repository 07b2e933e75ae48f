// OTLP/JSON encoders. Output follows protobuf JSON with OTLP's exceptions (hex ids, integer
// enums): fields holding their default value (0, "", empty list) are omitted, 64-bit integers
// are decimal strings, and set AnyValue members are always written (`{"intValue":"0"}`).
#include <utility>

#include <string>

#include "otlp/json_base64.h"
#include "otlp/json_codec.h"

namespace weft::otlp {
namespace {

template <typename Id>
void WriteId(std::string_view key, const Id& id, JsonWriter& w) {
  char hex[Id::kHexSize];
  id.ToHex(hex);
  w.Key(key).String(std::string_view(hex, sizeof(hex)));
}

void WriteNonEmpty(std::string_view key, std::string_view value, JsonWriter& w) {
  if (!value.empty()) w.StringField(key, value);
}

void WriteNonZero(std::string_view key, uint32_t value, JsonWriter& w) {
  if (value != 0) w.UintField(key, value);
}

void WriteTime(std::string_view key, uint64_t value, JsonWriter& w) {
  if (value != 0) w.Key(key).UintString(value);
}

void WriteAttributes(Attributes attributes, uint32_t dropped, JsonWriter& w) {
  if (!attributes.empty()) {
    w.Key("attributes");
    WriteAttributesJson(attributes, w);
  }
  WriteNonZero("droppedAttributesCount", dropped, w);
}

void WriteResource(const Resource& resource, JsonWriter& w) {
  w.Key("resource").BeginObject();
  WriteAttributes(resource.attributes, resource.dropped_attributes_count, w);
  w.EndObject();
}

void WriteScope(const InstrumentationScope& scope, JsonWriter& w) {
  w.Key("scope").BeginObject();
  WriteNonEmpty("name", scope.name, w);
  WriteNonEmpty("version", scope.version, w);
  WriteAttributes(scope.attributes, scope.dropped_attributes_count, w);
  w.EndObject();
}

void WriteEvent(const Event& event, JsonWriter& w) {
  w.BeginObject();
  WriteTime("timeUnixNano", event.time_unix_nano, w);
  WriteNonEmpty("name", event.name, w);
  WriteAttributes(event.attributes, event.dropped_attributes_count, w);
  w.EndObject();
}

void WriteLink(const Link& link, JsonWriter& w) {
  w.BeginObject();
  WriteId("traceId", link.trace_id, w);
  WriteId("spanId", link.span_id, w);
  WriteNonEmpty("traceState", link.trace_state, w);
  WriteAttributes(link.attributes, link.dropped_attributes_count, w);
  WriteNonZero("flags", link.flags, w);
  w.EndObject();
}

void WriteSpan(const Span& span, JsonWriter& w) {
  w.BeginObject();
  WriteId("traceId", span.trace_id, w);
  WriteId("spanId", span.span_id, w);
  WriteNonEmpty("traceState", span.trace_state, w);
  if (span.parent_span_id.IsValid()) WriteId("parentSpanId", span.parent_span_id, w);
  WriteNonZero("flags", span.flags, w);
  WriteNonEmpty("name", span.name, w);
  WriteNonZero("kind", static_cast<uint32_t>(span.kind), w);
  WriteTime("startTimeUnixNano", span.start_time_unix_nano, w);
  WriteTime("endTimeUnixNano", span.end_time_unix_nano, w);
  WriteAttributes(span.attributes, span.dropped_attributes_count, w);
  if (!span.events.empty()) {
    w.Key("events").BeginArray();
    for (const Event& event : span.events) WriteEvent(event, w);
    w.EndArray();
  }
  WriteNonZero("droppedEventsCount", span.dropped_events_count, w);
  if (!span.links.empty()) {
    w.Key("links").BeginArray();
    for (const Link& link : span.links) WriteLink(link, w);
    w.EndArray();
  }
  WriteNonZero("droppedLinksCount", span.dropped_links_count, w);
  if (span.status_code != StatusCode::kUnset || !span.status_message.empty()) {
    w.Key("status").BeginObject();
    WriteNonEmpty("message", span.status_message, w);
    WriteNonZero("code", static_cast<uint32_t>(span.status_code), w);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

void WriteAnyValueJson(const AnyValue& value, JsonWriter& w) {
  w.BeginObject();
  switch (value.type()) {
    case ValueType::kEmpty:
      break;
    case ValueType::kString:
      w.StringField("stringValue", value.string_value());
      break;
    case ValueType::kBool:
      w.BoolField("boolValue", value.bool_value());
      break;
    case ValueType::kInt:
      w.Key("intValue").IntString(value.int_value());
      break;
    case ValueType::kDouble:
      w.DoubleField("doubleValue", value.double_value());
      break;
    case ValueType::kBytes: {
      std::string base64;
      AppendBase64(value.bytes_value(), base64);
      w.StringField("bytesValue", base64);
      break;
    }
    case ValueType::kArray:
      w.Key("arrayValue").BeginObject();
      if (!value.array_value().empty()) {
        w.Key("values").BeginArray();
        for (const AnyValue& element : value.array_value()) WriteAnyValueJson(element, w);
        w.EndArray();
      }
      w.EndObject();
      break;
    case ValueType::kKvList:
      w.Key("kvlistValue").BeginObject();
      if (!value.kvlist_value().empty()) {
        w.Key("values");
        WriteAttributesJson(value.kvlist_value(), w);
      }
      w.EndObject();
      break;
  }
  w.EndObject();
}

void WriteAttributesJson(Attributes attributes, JsonWriter& w) {
  w.BeginArray();
  for (const KeyValue& kv : attributes) {
    w.BeginObject().StringField("key", kv.key).Key("value");
    WriteAnyValueJson(kv.value, w);
    w.EndObject();
  }
  w.EndArray();
}

void EncodeExportRequestJson(const SpanBatch& batch, std::string& out,
                             const JsonEncodeOptions& options) {
  const std::span<const Span> spans = batch.spans();
  const std::span<const ScopeEntry> scopes = batch.scopes();
  // Typical spans take a few hundred bytes; reserving up front saves most regrowth copies.
  out.reserve(out.size() + 64 + spans.size() * 512);
  JsonWriter w(out);
  w.BeginObject().Key(options.top_level_key).BeginArray();
  size_t i = 0;
  // One ResourceSpans per run of spans sharing a resource, one ScopeSpans per run sharing a scope.
  while (i < spans.size()) {
    const uint32_t resource_index = scopes[spans[i].scope_index].resource_index;
    const Resource& resource = batch.resources()[resource_index];
    w.BeginObject();
    WriteResource(resource, w);
    w.Key("scopeSpans").BeginArray();
    while (i < spans.size() && scopes[spans[i].scope_index].resource_index == resource_index) {
      const uint32_t scope_index = spans[i].scope_index;
      const InstrumentationScope& scope = scopes[scope_index].scope;
      w.BeginObject();
      WriteScope(scope, w);
      w.Key("spans").BeginArray();
      for (; i < spans.size() && spans[i].scope_index == scope_index; ++i) WriteSpan(spans[i], w);
      w.EndArray();
      WriteNonEmpty("schemaUrl", scope.schema_url, w);
      w.EndObject();
    }
    w.EndArray();
    WriteNonEmpty("schemaUrl", resource.schema_url, w);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

std::string EncodeExportResponseJson(const DecodeResult& result) {
  if (result.rejected_spans == 0 && result.error_message.empty()) return "{}";
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("partialSuccess").BeginObject();
  if (result.rejected_spans != 0) w.Key("rejectedSpans").UintString(result.rejected_spans);
  WriteNonEmpty("errorMessage", result.error_message, w);
  w.EndObject().EndObject();
  return std::move(w.out());
}

std::string EncodeRpcStatusJson(int code, std::string_view message,
                                std::optional<int64_t> retry_delay_seconds) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().IntField("code", code).StringField("message", message);
  if (retry_delay_seconds) {
    // google.protobuf.Duration's JSON form is seconds with an "s" suffix.
    std::string delay = std::to_string(*retry_delay_seconds > 0 ? *retry_delay_seconds : 0);
    delay.push_back('s');
    w.Key("details").BeginArray().BeginObject();
    w.StringField("@type", "type.googleapis.com/google.rpc.RetryInfo");
    w.StringField("retryDelay", delay);
    w.EndObject().EndArray();
  }
  w.EndObject();
  return std::move(w.out());
}

}  // namespace weft::otlp
