// DecodeSpansJson: Zipkin v2 JSON (`[{"traceId":..,"id":..,...}, ...]`) into the span model.
// Mapping, chosen to lose nothing a Zipkin UI shows:
//  - traceId: 16 or 32 hex digits (16 are the low half: left-padded with zeros to 128 bits);
//    id: 16 hex digits; parentId: 16 hex digits, absent/empty/all-zero = root. An invalid or
//    missing id rejects that span alone.
//  - kind CLIENT/SERVER/PRODUCER/CONSUMER (any case) -> SpanKind; absent -> INTERNAL (Zipkin: "the
//    span is local"); any other string -> UNSPECIFIED.
//  - timestamp and duration (microseconds) -> start and end in nanoseconds (end = start when
//    duration is absent). A value that overflows 64-bit nanoseconds rejects the span.
//  - localEndpoint -> the span's resource: one resource (with one unnamed scope) per distinct
//    endpoint, with service.name = serviceName, net.host.ip = ipv4 (ipv6 if there is no ipv4;
//    when both are given ipv6 goes to zipkin.local_endpoint.ipv6) and net.host.port (int).
//  - remoteEndpoint -> span attributes peer.service, net.peer.ip (ipv6 likewise, or
//    zipkin.remote_endpoint.ipv6) and net.peer.port (int). Ports outside 1..65535 are dropped.
//  - tags -> string attributes in input order (number and boolean values are kept as their JSON
//    text). Tag "error" -> status ERROR with the tag's value as message (the tag is kept too);
//    without it, tag otel.status_code "ERROR"/"OK" (what OTel's Zipkin exporter writes) sets the
//    status, with otel.status_description as message.
//  - annotations[{timestamp, value}] -> events {time (ns), name = value}.
//  - shared: true -> bool attribute zipkin.shared = true (the server half of a span whose id the
//    client shares: same id as the client span, so trace assembly must tell them apart by it);
//    debug: true -> bool attribute zipkin.debug = true.
// JSON null counts as absent; unknown fields are ignored; a value of the wrong JSON type fails the
// whole request with InvalidArgument naming it ("[3].timestamp: expected integer"). The batch is
// only appended to once the whole request has decoded.
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json_reader.h"
#include "common/status_macros.h"
#include "zipkin/zipkin_codec.h"

namespace weft::zipkin {
namespace {

namespace dom = simdjson::dom;
using json::Element;
using json::JsonPath;

// root array, span object, tags object / annotations array, annotation object: 4 levels are
// needed; the rest is slack for unknown fields.
constexpr size_t kMaxJsonDepth = 32;

// An endpoint as read; views into the parsed document (valid during decoding only).
struct Endpoint {
  std::string_view service_name;
  std::string_view ipv4;
  std::string_view ipv6;
  int64_t port = 0;  // 0 = absent
};

// Per-span reasons to reject it; the first one wins.
void NoteReject(std::string& reject, const JsonPath& path, std::string_view why) {
  if (reject.empty()) reject = path.ToString() + ": " + std::string(why);
}

// Microseconds to nanoseconds; nullopt on overflow.
std::optional<uint64_t> MicrosToNanos(uint64_t micros) {
  if (micros > UINT64_MAX / 1000) return std::nullopt;
  return micros * 1000;
}

// A Zipkin time or duration in microseconds, as nanoseconds (nullopt when it overflows or is
// negative). Zipkin's schema says integer, but the OpenTelemetry JS Zipkin exporter sends
// fractional microseconds (1700000000123456.789), so a finite non-negative number is accepted and
// rounded to the nearest nanosecond; anything else (strings, bools) is a type error.
absl::StatusOr<std::optional<uint64_t>> ReadMicrosAsNanos(Element value, const JsonPath& path) {
  if (value.type() == dom::element_type::DOUBLE) {
    const double micros = value.get_double().value_unsafe();
    // 1.8e16 microseconds is past 2^64 nanoseconds; also rejects NaN and negatives.
    if (!(micros >= 0 && micros < 1.8e16)) return std::optional<uint64_t>();
    // Whole microseconds are exact in a double below 2^53; scaling the whole value by 1000 would
    // round to 256 ns at today's timestamps, so the fraction is scaled on its own.
    const double whole = std::floor(micros);
    const std::optional<uint64_t> whole_nanos = MicrosToNanos(static_cast<uint64_t>(whole));
    if (!whole_nanos) return whole_nanos;
    return std::optional<uint64_t>(*whole_nanos +
                                   static_cast<uint64_t>(std::llround((micros - whole) * 1000.0)));
  }
  WEFT_ASSIGN_OR_RETURN(uint64_t micros, json::ReadUint64(value, path));
  return MicrosToNanos(micros);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != b[i]) return false;
  }
  return true;
}

SpanKind KindFromZipkin(std::string_view kind) {
  if (EqualsIgnoreCase(kind, "CLIENT")) return SpanKind::kClient;
  if (EqualsIgnoreCase(kind, "SERVER")) return SpanKind::kServer;
  if (EqualsIgnoreCase(kind, "PRODUCER")) return SpanKind::kProducer;
  if (EqualsIgnoreCase(kind, "CONSUMER")) return SpanKind::kConsumer;
  return SpanKind::kUnspecified;
}

absl::StatusOr<Endpoint> ReadEndpoint(Element element, const JsonPath& path) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  Endpoint endpoint;
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    const JsonPath field_path = path.Field(field.key);
    if (field.key == "serviceName") {
      WEFT_ASSIGN_OR_RETURN(endpoint.service_name, json::ReadString(field.value, field_path));
    } else if (field.key == "ipv4") {
      WEFT_ASSIGN_OR_RETURN(endpoint.ipv4, json::ReadString(field.value, field_path));
    } else if (field.key == "ipv6") {
      WEFT_ASSIGN_OR_RETURN(endpoint.ipv6, json::ReadString(field.value, field_path));
    } else if (field.key == "port") {
      WEFT_ASSIGN_OR_RETURN(int64_t port, json::ReadInt64(field.value, field_path));
      endpoint.port = port >= 1 && port <= 65535 ? port : 0;
    }
  }
  return endpoint;
}

struct EndpointKeys {
  std::string_view service;  // "" when the service name goes nowhere
  std::string_view ip;
  std::string_view second_ipv6;
  std::string_view port;
};
constexpr EndpointKeys kLocalKeys = {"service.name", "net.host.ip", "zipkin.local_endpoint.ipv6",
                                     "net.host.port"};
constexpr EndpointKeys kRemoteKeys = {"peer.service", "net.peer.ip", "zipkin.remote_endpoint.ipv6",
                                      "net.peer.port"};

class SpansDecoder {
 public:
  SpansDecoder(Arena& arena, DecodeResult& result) : arena_(arena), result_(result) {}

  absl::Status Decode(Element root);
  void CommitTo(SpanBatch& batch);

 private:
  absl::Status DecodeSpan(Element element, const JsonPath& path);
  absl::Status DecodeTags(Element element, const JsonPath& path, Span& span);
  absl::Status DecodeAnnotations(Element element, const JsonPath& path, Span& span,
                                 std::string& reject);
  // Appends the endpoint's attributes to attrs_.
  void PushEndpointAttributes(const Endpoint& endpoint, const EndpointKeys& keys);
  // The local scope index for spans of `local`, creating its resource and scope once.
  uint32_t ScopeFor(const Endpoint& local);

  std::string_view Copy(std::string_view s) { return arena_.CopyString(s); }

  Arena& arena_;
  DecodeResult& result_;
  std::vector<Resource> resources_;
  std::vector<ScopeEntry> scopes_;
  std::vector<Span> spans_;
  // Local endpoint (service, ipv4, ipv6, port joined by '\0') -> scope index.
  std::unordered_map<std::string, uint32_t> scope_by_endpoint_;
  std::vector<KeyValue> attrs_;
  std::vector<Event> events_;
};

absl::Status SpansDecoder::Decode(Element root) {
  dom::array spans;
  if (root.get_array().get(spans) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("expected a JSON array of Zipkin v2 spans");
  }
  const JsonPath path;
  size_t index = 0;
  for (Element item : spans) WEFT_RETURN_IF_ERROR(DecodeSpan(item, path.Index(index++)));
  return absl::OkStatus();
}

absl::Status SpansDecoder::DecodeSpan(Element element, const JsonPath& path) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  Span span;
  span.kind = SpanKind::kInternal;
  std::string reject;
  bool has_trace_id = false;
  bool has_id = false;
  std::optional<uint64_t> start = 0;  // nanoseconds; nullopt: out of range
  std::optional<uint64_t> length = 0;
  bool shared = false;
  bool debug = false;
  std::optional<Element> tags, annotations, local, remote;
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    const std::string_view key = field.key;
    const JsonPath field_path = path.Field(key);
    if (key == "traceId") {
      has_trace_id = true;
      WEFT_ASSIGN_OR_RETURN(std::string_view hex, json::ReadString(field.value, field_path));
      std::optional<TraceId> id;
      if (hex.size() == TraceId::kHexSize) {
        id = TraceId::FromHex(hex);
      } else if (hex.size() == TraceId::kHexSize / 2) {
        std::string padded(TraceId::kHexSize / 2, '0');
        padded.append(hex);
        id = TraceId::FromHex(padded);
      }
      if (id && id->IsValid()) {
        span.trace_id = *id;
      } else {
        NoteReject(reject, field_path,
                   "invalid trace id (expected 16 or 32 hex digits, not all zero)");
      }
    } else if (key == "id" || key == "parentId") {
      const bool is_parent = key == "parentId";
      has_id |= !is_parent;
      WEFT_ASSIGN_OR_RETURN(std::string_view hex, json::ReadString(field.value, field_path));
      if (is_parent && hex.empty()) continue;
      const std::optional<SpanId> id = SpanId::FromHex(hex);
      if (id && (id->IsValid() || is_parent)) {
        (is_parent ? span.parent_span_id : span.span_id) = *id;
      } else {
        NoteReject(reject, field_path, "invalid span id (expected 16 hex digits, not all zero)");
      }
    } else if (key == "name") {
      WEFT_ASSIGN_OR_RETURN(std::string_view name, json::ReadString(field.value, field_path));
      span.name = Copy(name);
    } else if (key == "kind") {
      WEFT_ASSIGN_OR_RETURN(std::string_view kind, json::ReadString(field.value, field_path));
      span.kind = KindFromZipkin(kind);
    } else if (key == "timestamp") {
      WEFT_ASSIGN_OR_RETURN(start, ReadMicrosAsNanos(field.value, field_path));
    } else if (key == "duration") {
      WEFT_ASSIGN_OR_RETURN(length, ReadMicrosAsNanos(field.value, field_path));
    } else if (key == "localEndpoint") {
      local = field.value;
    } else if (key == "remoteEndpoint") {
      remote = field.value;
    } else if (key == "tags") {
      tags = field.value;
    } else if (key == "annotations") {
      annotations = field.value;
    } else if (key == "shared") {
      WEFT_ASSIGN_OR_RETURN(shared, json::ReadBool(field.value, field_path));
    } else if (key == "debug") {
      WEFT_ASSIGN_OR_RETURN(debug, json::ReadBool(field.value, field_path));
    }
  }
  if (!has_trace_id) NoteReject(reject, path.Field("traceId"), "missing");
  if (!has_id) NoteReject(reject, path.Field("id"), "missing");

  if (!start) {
    NoteReject(reject, path.Field("timestamp"), "out of range");
  } else if (!length || *length > UINT64_MAX - *start) {
    NoteReject(reject, path.Field("duration"), "out of range");
  } else {
    span.start_time_unix_nano = *start;
    span.end_time_unix_nano = *start + *length;
  }

  attrs_.clear();
  if (tags) WEFT_RETURN_IF_ERROR(DecodeTags(*tags, path.Field("tags"), span));
  if (remote) {
    WEFT_ASSIGN_OR_RETURN(Endpoint endpoint, ReadEndpoint(*remote, path.Field("remoteEndpoint")));
    PushEndpointAttributes(endpoint, kRemoteKeys);
  }
  if (shared) attrs_.push_back({"zipkin.shared", AnyValue::Bool(true)});
  if (debug) attrs_.push_back({"zipkin.debug", AnyValue::Bool(true)});
  span.attributes = arena_.CopyArray(std::span<const KeyValue>(attrs_));
  if (annotations) {
    WEFT_RETURN_IF_ERROR(DecodeAnnotations(*annotations, path.Field("annotations"), span, reject));
  }
  Endpoint local_endpoint;
  if (local) {
    WEFT_ASSIGN_OR_RETURN(local_endpoint, ReadEndpoint(*local, path.Field("localEndpoint")));
  }
  if (!reject.empty()) {
    result_.Reject(std::move(reject));
    return absl::OkStatus();
  }
  span.scope_index = ScopeFor(local_endpoint);
  spans_.push_back(span);
  return absl::OkStatus();
}

absl::Status SpansDecoder::DecodeTags(Element element, const JsonPath& path, Span& span) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  std::optional<std::string_view> error_tag;
  std::string_view otel_status;
  std::string_view otel_description;
  for (dom::key_value_pair field : object) {
    std::string_view value;
    std::string text;
    switch (field.value.type()) {
      case dom::element_type::NULL_VALUE:
        continue;
      case dom::element_type::STRING:
        value = field.value.get_string().value_unsafe();
        break;
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
      case dom::element_type::BOOL:
        text = simdjson::to_string(field.value);
        value = text;
        break;
      default:
        return json::FieldError(path.Field(field.key), "expected string");
    }
    const KeyValue& kv =
        attrs_.emplace_back(KeyValue{Copy(field.key), AnyValue::String(Copy(value))});
    const std::string_view stored = kv.value.string_value();
    if (field.key == "error") {
      error_tag = stored;
    } else if (field.key == "otel.status_code") {
      otel_status = stored;
    } else if (field.key == "otel.status_description") {
      otel_description = stored;
    }
  }
  if (error_tag) {
    span.status_code = StatusCode::kError;
    span.status_message = *error_tag;
  } else if (otel_status == "ERROR") {
    span.status_code = StatusCode::kError;
    span.status_message = otel_description;
  } else if (otel_status == "OK") {
    span.status_code = StatusCode::kOk;
  }
  return absl::OkStatus();
}

absl::Status SpansDecoder::DecodeAnnotations(Element element, const JsonPath& path, Span& span,
                                             std::string& reject) {
  WEFT_ASSIGN_OR_RETURN(dom::array list, json::ReadArray(element, path));
  events_.clear();
  size_t index = 0;
  for (Element item : list) {
    const JsonPath item_path = path.Index(index++);
    WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(item, item_path));
    Event event;
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      const JsonPath field_path = item_path.Field(field.key);
      if (field.key == "timestamp") {
        WEFT_ASSIGN_OR_RETURN(const std::optional<uint64_t> nanos,
                              ReadMicrosAsNanos(field.value, field_path));
        if (nanos) {
          event.time_unix_nano = *nanos;
        } else {
          NoteReject(reject, field_path, "out of range");
        }
      } else if (field.key == "value") {
        WEFT_ASSIGN_OR_RETURN(std::string_view value, json::ReadString(field.value, field_path));
        event.name = Copy(value);
      }
    }
    events_.push_back(event);
  }
  span.events = arena_.CopyArray(std::span<const Event>(events_));
  return absl::OkStatus();
}

void SpansDecoder::PushEndpointAttributes(const Endpoint& endpoint, const EndpointKeys& keys) {
  if (!endpoint.service_name.empty()) {
    attrs_.push_back({keys.service, AnyValue::String(Copy(endpoint.service_name))});
  }
  if (!endpoint.ipv4.empty()) {
    attrs_.push_back({keys.ip, AnyValue::String(Copy(endpoint.ipv4))});
    if (!endpoint.ipv6.empty()) {
      attrs_.push_back({keys.second_ipv6, AnyValue::String(Copy(endpoint.ipv6))});
    }
  } else if (!endpoint.ipv6.empty()) {
    attrs_.push_back({keys.ip, AnyValue::String(Copy(endpoint.ipv6))});
  }
  if (endpoint.port != 0) attrs_.push_back({keys.port, AnyValue::Int(endpoint.port)});
}

uint32_t SpansDecoder::ScopeFor(const Endpoint& local) {
  std::string key(local.service_name);
  for (std::string_view part : {local.ipv4, local.ipv6}) {
    key.push_back('\0');
    key.append(part);
  }
  key.push_back('\0');
  key.append(std::to_string(local.port));
  const auto [it, inserted] =
      scope_by_endpoint_.try_emplace(std::move(key), static_cast<uint32_t>(scopes_.size()));
  if (!inserted) return it->second;
  // PushEndpointAttributes works on attrs_, which the span being decoded has already copied out.
  attrs_.clear();
  PushEndpointAttributes(local, kLocalKeys);
  Resource resource;
  resource.attributes = arena_.CopyArray(std::span<const KeyValue>(attrs_));
  resources_.push_back(resource);
  scopes_.push_back(
      ScopeEntry{InstrumentationScope{}, static_cast<uint32_t>(resources_.size() - 1)});
  return it->second;
}

void SpansDecoder::CommitTo(SpanBatch& batch) {
  const auto resource_base = static_cast<uint32_t>(batch.resources().size());
  for (const Resource& resource : resources_) batch.AddResource(resource);
  const auto scope_base = static_cast<uint32_t>(batch.scopes().size());
  for (const ScopeEntry& entry : scopes_) {
    batch.AddScope(resource_base + entry.resource_index, entry.scope);
  }
  for (Span& span : spans_) {
    span.scope_index += scope_base;
    batch.AddSpan(span);
  }
}

}  // namespace

absl::StatusOr<DecodeResult> DecodeSpansJson(std::string_view json, SpanBatch& batch) {
  DecodeResult result;
  SpansDecoder decoder(batch.arena(), result);
  WEFT_RETURN_IF_ERROR(json::ParseUntrustedJson(
      json, kMaxJsonDepth, [&](Element root) { return decoder.Decode(root); }));
  decoder.CommitTo(batch);
  return result;
}

}  // namespace weft::zipkin
