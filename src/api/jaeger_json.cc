#include "api/jaeger_json.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "otlp/json_base64.h"
#include "otlp/json_codec.h"

namespace weft::api {
namespace {

constexpr std::string_view kServiceNameKey = "service.name";

uint64_t Micros(uint64_t nanos) { return nanos / 1000; }

void WriteTag(std::string_view key, const AnyValue& value, JsonWriter& w) {
  w.BeginObject().StringField("key", key);
  switch (value.type()) {
    case ValueType::kString:
      w.StringField("type", "string").Key("value").String(value.string_value());
      break;
    case ValueType::kBool:
      w.StringField("type", "bool").Key("value").Bool(value.bool_value());
      break;
    case ValueType::kInt:
      w.StringField("type", "int64").Key("value").Int(value.int_value());
      break;
    case ValueType::kDouble:
      w.StringField("type", "float64").Key("value").Double(value.double_value());
      break;
    case ValueType::kBytes: {
      std::string encoded;
      otlp::AppendBase64(value.bytes_value(), encoded);
      w.StringField("type", "binary").Key("value").String(encoded);
      break;
    }
    default: {
      // Arrays, key-value lists and empty values: their OTLP/JSON text, as a string tag.
      std::string json;
      {
        JsonWriter inner(json);
        otlp::WriteAnyValueJson(value, inner);
      }
      w.StringField("type", "string").Key("value").String(json);
      break;
    }
  }
  w.EndObject();
}

void WriteStringTag(std::string_view key, std::string_view value, JsonWriter& w) {
  WriteTag(key, AnyValue::String(value), w);
}

void WriteReference(std::string_view type, const TraceId& trace, const SpanId& span,
                    JsonWriter& w) {
  w.BeginObject()
      .StringField("refType", type)
      .StringField("traceID", trace.ToHex())
      .StringField("spanID", span.ToHex())
      .EndObject();
}

void WriteSpan(const SpanBatch& batch, const Span& span, std::string_view process_id,
               JsonWriter& w) {
  w.BeginObject()
      .StringField("traceID", span.trace_id.ToHex())
      .StringField("spanID", span.span_id.ToHex())
      .StringField("operationName", span.name);
  w.Key("references").BeginArray();
  if (!span.is_root()) WriteReference("CHILD_OF", span.trace_id, span.parent_span_id, w);
  for (const Link& link : span.links)
    WriteReference("FOLLOWS_FROM", link.trace_id, link.span_id, w);
  w.EndArray();
  w.UintField("startTime", Micros(span.start_time_unix_nano))
      .UintField("duration", Micros(span.duration_nanos()));

  w.Key("tags").BeginArray();
  for (const KeyValue& kv : span.attributes) WriteTag(kv.key, kv.value, w);
  if (span.kind != SpanKind::kUnspecified) WriteStringTag("span.kind", SpanKindName(span.kind), w);
  if (span.status_code == StatusCode::kError) {
    WriteTag("error", AnyValue::Bool(true), w);
    WriteStringTag("otel.status_code", "ERROR", w);
  } else if (span.status_code == StatusCode::kOk) {
    WriteStringTag("otel.status_code", "OK", w);
  }
  if (!span.status_message.empty()) {
    WriteStringTag("otel.status_description", span.status_message, w);
  }
  const InstrumentationScope& scope = batch.scope_of(span);
  if (!scope.name.empty()) WriteStringTag("otel.scope.name", scope.name, w);
  if (!scope.version.empty()) WriteStringTag("otel.scope.version", scope.version, w);
  w.EndArray();

  w.Key("logs").BeginArray();
  for (const Event& event : span.events) {
    w.BeginObject().UintField("timestamp", Micros(event.time_unix_nano));
    w.Key("fields").BeginArray();
    WriteStringTag("event", event.name, w);
    for (const KeyValue& kv : event.attributes) WriteTag(kv.key, kv.value, w);
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.StringField("processID", process_id).Key("warnings").Null();
  w.UintField("flags", span.flags & 0xff).EndObject();
}

}  // namespace

void WriteJaegerTrace(const TraceId& trace_id, const SpanBatch& batch, JsonWriter& w) {
  // One process per resource the spans use, numbered in order of first use.
  absl::flat_hash_map<uint32_t, std::string> process_of;
  std::vector<uint32_t> resources;
  for (const Span& span : batch.spans()) {
    const uint32_t r = batch.scopes()[span.scope_index].resource_index;
    if (process_of.try_emplace(r, absl::StrCat("p", resources.size() + 1)).second) {
      resources.push_back(r);
    }
  }
  w.BeginObject().StringField("traceID", trace_id.ToHex());
  w.Key("spans").BeginArray();
  for (const Span& span : batch.spans()) {
    WriteSpan(batch, span, process_of[batch.scopes()[span.scope_index].resource_index], w);
  }
  w.EndArray();
  w.Key("processes").BeginObject();
  for (const uint32_t r : resources) {
    const Resource& resource = batch.resources()[r];
    const std::string_view service = ServiceName(resource);
    w.Key(process_of[r]).BeginObject();
    w.StringField("serviceName", service.empty() ? "unknown_service" : service);
    w.Key("tags").BeginArray();
    for (const KeyValue& kv : resource.attributes) {
      if (kv.key != kServiceNameKey) WriteTag(kv.key, kv.value, w);
    }
    w.EndArray().EndObject();
  }
  w.EndObject();
  w.Key("warnings").Null().EndObject();
}

}  // namespace weft::api
