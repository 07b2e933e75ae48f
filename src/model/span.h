// The one internal span model, shaped after OTLP's Span, Resource and InstrumentationScope with
// every field kept. Structs are trivially copyable views: their strings and arrays live in the
// SpanBatch that holds them (its arena or its adopted input buffer).
// Thread rule: plain data; safe to read concurrently once built.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "model/any_value.h"
#include "model/ids.h"

namespace weft {

// OTLP SpanKind numbering.
enum class SpanKind : uint8_t {
  kUnspecified = 0,
  kInternal = 1,
  kServer = 2,
  kClient = 3,
  kProducer = 4,
  kConsumer = 5,
};
inline constexpr int kMaxSpanKind = 5;

// OTLP Status.code numbering.
enum class StatusCode : uint8_t {
  kUnset = 0,
  kOk = 1,
  kError = 2,
};
inline constexpr int kMaxStatusCode = 2;

std::string_view SpanKindName(SpanKind kind);      // "unspecified", "internal", "server", ...
std::string_view StatusCodeName(StatusCode code);  // "unset", "ok", "error"

// Span.flags bits (OTLP): the low 8 bits are the W3C trace flags.
inline constexpr uint32_t kSpanFlagsTraceFlagsMask = 0xff;
inline constexpr uint32_t kSpanFlagsHasIsRemote = 1u << 8;
inline constexpr uint32_t kSpanFlagsIsRemote = 1u << 9;

struct Event {
  uint64_t time_unix_nano = 0;
  std::string_view name;
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
};

struct Link {
  TraceId trace_id;
  SpanId span_id;
  std::string_view trace_state;
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  uint32_t flags = 0;
};

struct Resource {
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  std::string_view schema_url;  // ResourceSpans.schema_url
};

struct InstrumentationScope {
  std::string_view name;
  std::string_view version;
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  std::string_view schema_url;  // ScopeSpans.schema_url
};

struct Span {
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;  // all zero (invalid) for a root span
  std::string_view trace_state;
  std::string_view name;
  SpanKind kind = SpanKind::kUnspecified;
  StatusCode status_code = StatusCode::kUnset;
  uint32_t flags = 0;
  uint64_t start_time_unix_nano = 0;
  uint64_t end_time_unix_nano = 0;
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  std::span<const Event> events;
  uint32_t dropped_events_count = 0;
  std::span<const Link> links;
  uint32_t dropped_links_count = 0;
  std::string_view status_message;
  uint32_t scope_index = 0;  // into the owning SpanBatch's scopes

  bool is_root() const { return !parent_span_id.IsValid(); }
  uint64_t duration_nanos() const {
    return end_time_unix_nano > start_time_unix_nano ? end_time_unix_nano - start_time_unix_nano
                                                     : 0;
  }
};

// The `service.name` resource attribute when it is a string, else "".
std::string_view ServiceName(const Resource& resource);

}  // namespace weft
