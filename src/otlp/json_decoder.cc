// DecodeExportRequestJson: walks the simdjson DOM of an ExportTraceServiceRequest. Decoded
// resources, scopes and spans are collected here and added to the batch only once the whole
// request has proved well-formed, so a failed request leaves the batch's spans untouched.
//
// Leniencies, each chosen to keep a real sender's data rather than lose a whole batch:
//  - enums (`kind`, `status.code`) are integers per OTLP/JSON, but the protobuf-JSON names
//    ("SPAN_KIND_SERVER", "STATUS_CODE_ERROR") are accepted too, as the Collector's protojson
//    parser does; any other string is InvalidArgument naming the field. Integers outside the
//    known range decode as unspecified/unset (proto3 enums are open; a newer sender's value
//    must not fail the batch).
//  - an all-zero parentSpanId means "root", like an empty one.
//  - JSON null counts as an absent field everywhere (protobuf JSON's rule).
#include <utility>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/json_reader.h"
#include "common/status_macros.h"
#include "otlp/json_codec.h"
#include "otlp/json_value_decoder.h"

namespace weft::otlp {
namespace {

namespace dom = simdjson::dom;
using json::Element;
using json::JsonPath;

// JSON nesting the parser allows: the envelope reaches an attribute's value object at depth 12
// (root, resourceSpans, ResourceSpans, scopeSpans, ScopeSpans, spans, Span, events, Event,
// attributes, KeyValue, AnyValue) and each further value level adds at most 4 (kvlistValue,
// values, KeyValue, AnyValue). Deeper text fails in the parser, iteratively.
size_t MaxJsonDepth(int max_value_depth) {
  return 16 + 4 * static_cast<size_t>(std::max(max_value_depth, 1));
}

constexpr std::pair<std::string_view, SpanKind> kSpanKindNames[] = {
    {"SPAN_KIND_UNSPECIFIED", SpanKind::kUnspecified}, {"SPAN_KIND_INTERNAL", SpanKind::kInternal},
    {"SPAN_KIND_SERVER", SpanKind::kServer},           {"SPAN_KIND_CLIENT", SpanKind::kClient},
    {"SPAN_KIND_PRODUCER", SpanKind::kProducer},       {"SPAN_KIND_CONSUMER", SpanKind::kConsumer},
};
constexpr std::pair<std::string_view, StatusCode> kStatusCodeNames[] = {
    {"STATUS_CODE_UNSET", StatusCode::kUnset},
    {"STATUS_CODE_OK", StatusCode::kOk},
    {"STATUS_CODE_ERROR", StatusCode::kError},
};

// An enum field: an integer (number or decimal string) or one of `names`. Integers past
// `max_value` decode as the zero value.
template <typename Enum, size_t N>
absl::StatusOr<Enum> ReadEnum(Element value, const JsonPath& path,
                              const std::pair<std::string_view, Enum> (&names)[N], int max_value,
                              std::string_view type_name) {
  std::string_view s;
  if (value.get_string().get(s) == simdjson::SUCCESS) {
    for (const auto& [name, e] : names) {
      if (s == name) return e;
    }
  }
  const absl::StatusOr<int32_t> number = json::ReadInt32(value, path);
  if (!number.ok()) {
    return json::FieldError(path, "expected an integer or a " + std::string(type_name) + " name");
  }
  return *number >= 0 && *number <= max_value ? static_cast<Enum>(*number) : Enum{};
}

// Reads a hex id. Returns a non-OK status only for a non-string; an id that is not valid hex
// of the right length, or all zero, leaves `id` zero and records why in `reject` (the span is
// then rejected alone). An empty string is accepted as "none" when `empty_is_none`.
template <typename Id>
absl::Status ReadId(Element value, const JsonPath& path, std::string_view what, bool empty_is_none,
                    Id& id, std::string& reject) {
  WEFT_ASSIGN_OR_RETURN(std::string_view hex, json::ReadString(value, path));
  if (hex.empty() && empty_is_none) {
    id = Id();
    return absl::OkStatus();
  }
  const std::optional<Id> parsed = Id::FromHex(hex);
  if (parsed && (parsed->IsValid() || empty_is_none)) {
    id = *parsed;
  } else if (reject.empty()) {
    reject = absl::StrCat(path.ToString(), ": invalid ", std::string(what), " (expected ",
                          Id::kHexSize, " hex digits, not all zero)");
  }
  return absl::OkStatus();
}

void RejectMissing(const JsonPath& path, std::string& reject) {
  if (reject.empty()) reject = absl::StrCat(path.ToString(), ": missing");
}

class RequestDecoder {
 public:
  RequestDecoder(Arena& arena, const JsonDecodeOptions& options, DecodeResult& result)
      : arena_(arena), values_(arena, options.max_value_depth), result_(result) {}

  absl::Status Decode(Element root);

  // Adds the decoded resources, scopes and spans to `batch`, leaving out resources and scopes
  // that kept no span.
  void CommitTo(SpanBatch& batch);

 private:
  absl::Status DecodeResourceSpans(Element element, const JsonPath& path);
  absl::Status DecodeResource(Element element, const JsonPath& path, Resource& resource);
  absl::Status DecodeScopeSpans(Element element, const JsonPath& path, uint32_t resource_index);
  absl::Status DecodeScope(Element element, const JsonPath& path, InstrumentationScope& scope);
  absl::Status DecodeSpan(Element element, const JsonPath& path, uint32_t scope_index);
  absl::Status DecodeEvents(Element element, const JsonPath& path, Span& span);
  absl::Status DecodeLinks(Element element, const JsonPath& path, Span& span, std::string& reject);
  absl::Status DecodeStatus(Element element, const JsonPath& path, Span& span);

  std::string_view ReadCopy(std::string_view s) { return arena_.CopyString(s); }

  Arena& arena_;
  JsonValueDecoder values_;
  DecodeResult& result_;
  std::vector<Resource> resources_;
  std::vector<ScopeEntry> scopes_;
  std::vector<Span> spans_;
  std::vector<Event> events_scratch_;
  std::vector<Link> links_scratch_;
};

absl::Status RequestDecoder::Decode(Element root) {
  const JsonPath path;
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(root, path));
  for (dom::key_value_pair field : object) {
    if (field.key != "resourceSpans" || field.value.is_null()) continue;
    const JsonPath list_path = path.Field("resourceSpans");
    WEFT_ASSIGN_OR_RETURN(dom::array list, json::ReadArray(field.value, list_path));
    size_t index = 0;
    for (Element item : list) {
      WEFT_RETURN_IF_ERROR(DecodeResourceSpans(item, list_path.Index(index++)));
    }
  }
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeResourceSpans(Element element, const JsonPath& path) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  // The resource must be known before its spans, whatever the key order.
  std::optional<Element> scope_spans;
  Resource resource;
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    if (field.key == "resource") {
      WEFT_RETURN_IF_ERROR(DecodeResource(field.value, path.Field("resource"), resource));
    } else if (field.key == "scopeSpans") {
      scope_spans = field.value;
    } else if (field.key == "schemaUrl") {
      WEFT_ASSIGN_OR_RETURN(std::string_view url,
                            json::ReadString(field.value, path.Field("schemaUrl")));
      resource.schema_url = ReadCopy(url);
    }
  }
  const auto resource_index = static_cast<uint32_t>(resources_.size());
  resources_.push_back(resource);
  if (!scope_spans) return absl::OkStatus();
  const JsonPath list_path = path.Field("scopeSpans");
  WEFT_ASSIGN_OR_RETURN(dom::array list, json::ReadArray(*scope_spans, list_path));
  size_t index = 0;
  for (Element item : list) {
    WEFT_RETURN_IF_ERROR(DecodeScopeSpans(item, list_path.Index(index++), resource_index));
  }
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeResource(Element element, const JsonPath& path,
                                            Resource& resource) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    if (field.key == "attributes") {
      WEFT_ASSIGN_OR_RETURN(resource.attributes,
                            values_.DecodeAttributes(field.value, path.Field("attributes")));
    } else if (field.key == "droppedAttributesCount") {
      WEFT_ASSIGN_OR_RETURN(resource.dropped_attributes_count,
                            json::ReadUint32(field.value, path.Field("droppedAttributesCount")));
    }
  }
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeScopeSpans(Element element, const JsonPath& path,
                                              uint32_t resource_index) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  std::optional<Element> spans;
  InstrumentationScope scope;
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    if (field.key == "scope") {
      WEFT_RETURN_IF_ERROR(DecodeScope(field.value, path.Field("scope"), scope));
    } else if (field.key == "spans") {
      spans = field.value;
    } else if (field.key == "schemaUrl") {
      WEFT_ASSIGN_OR_RETURN(std::string_view url,
                            json::ReadString(field.value, path.Field("schemaUrl")));
      scope.schema_url = ReadCopy(url);
    }
  }
  const auto scope_index = static_cast<uint32_t>(scopes_.size());
  scopes_.push_back(ScopeEntry{scope, resource_index});
  if (!spans) return absl::OkStatus();
  const JsonPath list_path = path.Field("spans");
  WEFT_ASSIGN_OR_RETURN(dom::array list, json::ReadArray(*spans, list_path));
  size_t index = 0;
  for (Element item : list) {
    WEFT_RETURN_IF_ERROR(DecodeSpan(item, list_path.Index(index++), scope_index));
  }
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeScope(Element element, const JsonPath& path,
                                         InstrumentationScope& scope) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    const JsonPath field_path = path.Field(field.key);
    if (field.key == "name") {
      WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(field.value, field_path));
      scope.name = ReadCopy(s);
    } else if (field.key == "version") {
      WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(field.value, field_path));
      scope.version = ReadCopy(s);
    } else if (field.key == "attributes") {
      WEFT_ASSIGN_OR_RETURN(scope.attributes, values_.DecodeAttributes(field.value, field_path));
    } else if (field.key == "droppedAttributesCount") {
      WEFT_ASSIGN_OR_RETURN(scope.dropped_attributes_count,
                            json::ReadUint32(field.value, field_path));
    }
  }
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeSpan(Element element, const JsonPath& path,
                                        uint32_t scope_index) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  Span span;
  span.scope_index = scope_index;
  std::string reject;  // why this span is rejected; the first reason wins
  bool has_trace_id = false;
  bool has_span_id = false;
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    const std::string_view key = field.key;
    const JsonPath field_path = path.Field(key);
    const Element value = field.value;
    if (key == "traceId") {
      has_trace_id = true;
      WEFT_RETURN_IF_ERROR(ReadId(value, field_path, "trace id", false, span.trace_id, reject));
    } else if (key == "spanId") {
      has_span_id = true;
      WEFT_RETURN_IF_ERROR(ReadId(value, field_path, "span id", false, span.span_id, reject));
    } else if (key == "parentSpanId") {
      WEFT_RETURN_IF_ERROR(
          ReadId(value, field_path, "parent span id", true, span.parent_span_id, reject));
    } else if (key == "name") {
      WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(value, field_path));
      span.name = ReadCopy(s);
    } else if (key == "kind") {
      WEFT_ASSIGN_OR_RETURN(span.kind,
                            ReadEnum(value, field_path, kSpanKindNames, kMaxSpanKind, "SpanKind"));
    } else if (key == "startTimeUnixNano") {
      WEFT_ASSIGN_OR_RETURN(span.start_time_unix_nano, json::ReadUint64(value, field_path));
    } else if (key == "endTimeUnixNano") {
      WEFT_ASSIGN_OR_RETURN(span.end_time_unix_nano, json::ReadUint64(value, field_path));
    } else if (key == "attributes") {
      WEFT_ASSIGN_OR_RETURN(span.attributes, values_.DecodeAttributes(value, field_path));
    } else if (key == "droppedAttributesCount") {
      WEFT_ASSIGN_OR_RETURN(span.dropped_attributes_count, json::ReadUint32(value, field_path));
    } else if (key == "events") {
      WEFT_RETURN_IF_ERROR(DecodeEvents(value, field_path, span));
    } else if (key == "droppedEventsCount") {
      WEFT_ASSIGN_OR_RETURN(span.dropped_events_count, json::ReadUint32(value, field_path));
    } else if (key == "links") {
      WEFT_RETURN_IF_ERROR(DecodeLinks(value, field_path, span, reject));
    } else if (key == "droppedLinksCount") {
      WEFT_ASSIGN_OR_RETURN(span.dropped_links_count, json::ReadUint32(value, field_path));
    } else if (key == "status") {
      WEFT_RETURN_IF_ERROR(DecodeStatus(value, field_path, span));
    } else if (key == "traceState") {
      WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(value, field_path));
      span.trace_state = ReadCopy(s);
    } else if (key == "flags") {
      WEFT_ASSIGN_OR_RETURN(span.flags, json::ReadUint32(value, field_path));
    }
  }
  if (!has_trace_id) RejectMissing(path.Field("traceId"), reject);
  if (!has_span_id) RejectMissing(path.Field("spanId"), reject);
  if (!reject.empty()) {
    result_.Reject(std::move(reject));
    return absl::OkStatus();
  }
  spans_.push_back(span);
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeEvents(Element element, const JsonPath& path, Span& span) {
  WEFT_ASSIGN_OR_RETURN(dom::array list, json::ReadArray(element, path));
  events_scratch_.clear();
  size_t index = 0;
  for (Element item : list) {
    const JsonPath event_path = path.Index(index++);
    WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(item, event_path));
    Event event;
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      const JsonPath field_path = event_path.Field(field.key);
      if (field.key == "timeUnixNano") {
        WEFT_ASSIGN_OR_RETURN(event.time_unix_nano, json::ReadUint64(field.value, field_path));
      } else if (field.key == "name") {
        WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(field.value, field_path));
        event.name = ReadCopy(s);
      } else if (field.key == "attributes") {
        WEFT_ASSIGN_OR_RETURN(event.attributes, values_.DecodeAttributes(field.value, field_path));
      } else if (field.key == "droppedAttributesCount") {
        WEFT_ASSIGN_OR_RETURN(event.dropped_attributes_count,
                              json::ReadUint32(field.value, field_path));
      }
    }
    events_scratch_.push_back(event);
  }
  span.events = arena_.CopyArray(std::span<const Event>(events_scratch_));
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeLinks(Element element, const JsonPath& path, Span& span,
                                         std::string& reject) {
  WEFT_ASSIGN_OR_RETURN(dom::array list, json::ReadArray(element, path));
  links_scratch_.clear();
  size_t index = 0;
  for (Element item : list) {
    const JsonPath link_path = path.Index(index++);
    WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(item, link_path));
    Link link;
    bool has_trace_id = false;
    bool has_span_id = false;
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      const JsonPath field_path = link_path.Field(field.key);
      if (field.key == "traceId") {
        has_trace_id = true;
        WEFT_RETURN_IF_ERROR(
            ReadId(field.value, field_path, "trace id", false, link.trace_id, reject));
      } else if (field.key == "spanId") {
        has_span_id = true;
        WEFT_RETURN_IF_ERROR(
            ReadId(field.value, field_path, "span id", false, link.span_id, reject));
      } else if (field.key == "traceState") {
        WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(field.value, field_path));
        link.trace_state = ReadCopy(s);
      } else if (field.key == "attributes") {
        WEFT_ASSIGN_OR_RETURN(link.attributes, values_.DecodeAttributes(field.value, field_path));
      } else if (field.key == "droppedAttributesCount") {
        WEFT_ASSIGN_OR_RETURN(link.dropped_attributes_count,
                              json::ReadUint32(field.value, field_path));
      } else if (field.key == "flags") {
        WEFT_ASSIGN_OR_RETURN(link.flags, json::ReadUint32(field.value, field_path));
      }
    }
    if (!has_trace_id) RejectMissing(link_path.Field("traceId"), reject);
    if (!has_span_id) RejectMissing(link_path.Field("spanId"), reject);
    links_scratch_.push_back(link);
  }
  span.links = arena_.CopyArray(std::span<const Link>(links_scratch_));
  return absl::OkStatus();
}

absl::Status RequestDecoder::DecodeStatus(Element element, const JsonPath& path, Span& span) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    const JsonPath field_path = path.Field(field.key);
    if (field.key == "message") {
      WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(field.value, field_path));
      span.status_message = ReadCopy(s);
    } else if (field.key == "code") {
      WEFT_ASSIGN_OR_RETURN(span.status_code, ReadEnum(field.value, field_path, kStatusCodeNames,
                                                       kMaxStatusCode, "StatusCode"));
    }
  }
  return absl::OkStatus();
}

void RequestDecoder::CommitTo(SpanBatch& batch) {
  constexpr uint32_t kUnused = UINT32_MAX;
  std::vector<uint32_t> scope_map(scopes_.size(), kUnused);
  std::vector<uint32_t> resource_map(resources_.size(), kUnused);
  for (Span& span : spans_) {
    uint32_t& scope_index = scope_map[span.scope_index];
    if (scope_index == kUnused) {
      const ScopeEntry& entry = scopes_[span.scope_index];
      uint32_t& resource_index = resource_map[entry.resource_index];
      if (resource_index == kUnused) {
        resource_index = batch.AddResource(resources_[entry.resource_index]);
      }
      scope_index = batch.AddScope(resource_index, entry.scope);
    }
    span.scope_index = scope_index;
    batch.AddSpan(span);
  }
}

}  // namespace

absl::StatusOr<DecodeResult> DecodeExportRequestJson(std::string_view json, SpanBatch& batch,
                                                     const JsonDecodeOptions& options) {
  DecodeResult result;
  RequestDecoder decoder(batch.arena(), options, result);
  WEFT_RETURN_IF_ERROR(
      json::ParseUntrustedJson(json, MaxJsonDepth(options.max_value_depth),
                               [&](Element root) { return decoder.Decode(root); }));
  decoder.CommitTo(batch);
  return result;
}

}  // namespace weft::otlp
