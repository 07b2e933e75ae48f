// Zipkin v2 JSON (`POST /api/v2/spans`, a JSON array of spans) decoded into the span model:
// 16- or 32-hex ids, `kind`, `localEndpoint.serviceName` -> resource service.name,
// `remoteEndpoint` -> peer attributes, `tags` -> attributes, `annotations` -> events, `shared`,
// microsecond times -> nanoseconds, `error` tag -> status error.
// Thread rule: stateless functions; safe from any thread.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "model/decode_result.h"
#include "model/span_batch.h"

namespace weft::zipkin {

// Appends the spans of a Zipkin v2 JSON array to `batch` (one resource per distinct local service).
// Malformed JSON fails the whole request with InvalidArgument; spans with invalid ids are rejected
// alone and counted.
absl::StatusOr<DecodeResult> DecodeSpansJson(std::string_view json, SpanBatch& batch);

}  // namespace weft::zipkin
