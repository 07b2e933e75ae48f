// Zipkin v2 JSON (`POST /api/v2/spans`, a JSON array of spans) decoded into the span model:
// 16- or 32-hex ids, `kind`, `localEndpoint.serviceName` -> resource service.name,
// `remoteEndpoint` -> peer attributes, `tags` -> attributes, `annotations` -> events, `shared`,
// microsecond times -> nanoseconds, `error` tag -> status error. Parsing uses simdjson's DOM
// (common/json_reader.h); strings are copied into the batch's arena, invalid UTF-8 becomes U+FFFD.
// Thread rule: stateless functions; safe from any thread.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "model/decode_result.h"
#include "model/span_batch.h"

namespace weft::zipkin {

// Appends the spans of a Zipkin v2 JSON array to `batch`: one resource (with one unnamed scope) per
// distinct localEndpoint (serviceName, ipv4, ipv6, port). The field mapping is documented at the
// top of zipkin_decoder.cc. Malformed JSON or a value of the wrong type fails the whole request
// with InvalidArgument naming the field ("[3].timestamp: expected integer") and leaves the batch's
// spans as they were; spans with missing or invalid ids (or times past 2^64 ns) are rejected alone
// and counted.
absl::StatusOr<DecodeResult> DecodeSpansJson(std::string_view json, SpanBatch& batch);

}  // namespace weft::zipkin
