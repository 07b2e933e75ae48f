// OTLP/JSON codec (protobuf JSON mapping with OTLP's exceptions): lowerCamelCase field names,
// trace/span ids as hex (case-insensitive in, lowercase out), other bytes as base64, enums as
// integers, 64-bit integers as decimal strings out and strings or numbers in, unknown fields
// ignored. Parsing uses simdjson's DOM (common/json_reader.h); decoded strings are copied into the
// batch's arena.
// Thread rule: stateless functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/json_writer.h"
#include "model/any_value.h"
#include "model/decode_result.h"
#include "model/span_batch.h"

namespace weft::otlp {

struct JsonDecodeOptions {
  int max_value_depth = kMaxAnyValueDepth;
};

// Appends the spans of a JSON ExportTraceServiceRequest (`{"resourceSpans":[...]}`) to `batch`.
// Malformed JSON, wrong value types, or nesting past the limit fail the whole request with
// InvalidArgument naming the field ("resourceSpans[0].scopeSpans[0].spans[3].startTimeUnixNano:
// expected integer") and leave the batch's spans, scopes and resources as they were (its arena
// may have grown). Spans with a missing, malformed or all-zero trace/span/link id are rejected
// alone (counted, the first reason kept); an empty or all-zero parentSpanId means a root span.
// Enums: integers, or their protobuf names ("SPAN_KIND_SERVER") as protojson accepts; integers
// outside the known range decode as unspecified/unset; other strings are InvalidArgument.
// JSON null is an absent field. Invalid UTF-8 and lone surrogate escapes become U+FFFD.
// Resources and scopes that keep no span are not added.
absl::StatusOr<DecodeResult> DecodeExportRequestJson(std::string_view json, SpanBatch& batch,
                                                     const JsonDecodeOptions& options = {});

struct JsonEncodeOptions {
  // "resourceSpans" for OTLP; "batches" for Tempo's /api/traces/{id} shape.
  std::string_view top_level_key = "resourceSpans";
};

// Encodes `batch` as one JSON object `{"<top_level_key>":[...]}`, grouping spans like
// EncodeExportRequest. Strings are emitted as valid UTF-8 JSON (invalid bytes become U+FFFD).
void EncodeExportRequestJson(const SpanBatch& batch, std::string& out,
                             const JsonEncodeOptions& options = {});

// Building blocks for other encoders that show attributes in OTLP's shape (the Tempo API):
// `{"stringValue":"..."}`, `{"intValue":"5"}`, `{"arrayValue":{"values":[...]}}`, `{}` for an
// empty value; attributes as `[{"key":"k","value":{...}}, ...]`.
void WriteAnyValueJson(const AnyValue& value, JsonWriter& writer);
void WriteAttributesJson(Attributes attributes, JsonWriter& writer);

// `{}` on full success, else `{"partialSuccess":{"rejectedSpans":"N","errorMessage":"..."}}`.
std::string EncodeExportResponseJson(const DecodeResult& result);

// google.rpc.Status as JSON: `{"code":N,"message":"..."}` (plus RetryInfo details when given).
std::string EncodeRpcStatusJson(int code, std::string_view message,
                                std::optional<int64_t> retry_delay_seconds = std::nullopt);

}  // namespace weft::otlp
