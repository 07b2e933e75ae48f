// OTLP protobuf wire codec: ExportTraceServiceRequest bytes <-> SpanBatch, and the small response
// messages (ExportTraceServiceResponse, google.rpc.Status with RetryInfo). weft's own zero-copy
// decoder: strings and bytes point into the input, which the caller keeps alive (normally via
// SpanBatch::AdoptInput). Schema: proto/ (written from the spec's field numbers).
// Thread rule: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/any_value.h"
#include "model/decode_result.h"
#include "model/span_batch.h"

namespace weft::otlp {

// The decoder recurses once per AnyValue nesting level; max_value_depth is clamped to this so
// that no option value can exhaust the stack.
inline constexpr int kMaxSupportedValueDepth = 256;

struct DecodeOptions {
  // Nesting of AnyValue arrays / kvlists: an attribute's value is level 1, the elements of an
  // array value level 2, and so on (AnyValue::Depth()). Clamped to [1, kMaxSupportedValueDepth].
  int max_value_depth = kMaxAnyValueDepth;
};

// Appends the spans of an ExportTraceServiceRequest to `batch`. `input` must outlive `batch`.
// Unknown fields (of every wire type, groups included) are skipped. Wire errors (wrong wire type
// for a known field, truncated varint, length past the end, nesting deeper than the limit) fail
// the whole request with InvalidArgument naming the field by its path, e.g.
// "resource_spans[0].scope_spans[1].spans[7].attributes[3].value: nesting deeper than 64"; on
// error no span of the request is left in `batch` (its resources and scopes may be).
// A span with an invalid trace_id/span_id (wrong length or all zero), a parent_span_id that is
// neither empty nor 8 bytes, or a link whose ids are invalid by the same rules, is rejected alone
// and counted in the result; the rest are kept. An all-zero 8-byte parent_span_id means "root".
// Out-of-range enums keep the span: kind > 5 becomes kUnspecified, status code > 2 kUnset.
// Strings (names, keys, string values, trace_state, status message, schema urls, scope
// name/version) are valid UTF-8 afterwards: invalid sequences become U+FFFD in an arena copy.
// Repeated singular fields follow protobuf (last scalar wins; resource, scope and status messages
// merge), except that a repeated KeyValue.value, or AnyValue array/kvlist, keeps the last one
// whole where protobuf would merge the two. Decoding keeps per-thread scratch buffers (released
// after a request that grew them past 16K entries).
absl::StatusOr<DecodeResult> DecodeExportRequest(std::string_view input, SpanBatch& batch,
                                                 const DecodeOptions& options = {});

// Encodes `batch` as an ExportTraceServiceRequest, one ResourceSpans per run of spans sharing a
// resource and one ScopeSpans per run sharing a scope. Appends to `out`. Fields with proto3
// default values are omitted (a root span has no parent_span_id); strings that are not valid
// UTF-8 are written repaired (U+FFFD), so libprotobuf peers accept the request.
void EncodeExportRequest(const SpanBatch& batch, std::string& out);

// ExportTraceServiceResponse; partial_success is present only when rejected_spans > 0 or the
// message is non-empty (an empty response on full success).
std::string EncodeExportResponse(const DecodeResult& result);

// google.rpc.Status{code, message, details}; with `retry_delay_seconds`, details holds one
// google.protobuf.Any wrapping google.rpc.RetryInfo{retry_delay}.
std::string EncodeRpcStatus(int code, std::string_view message,
                            std::optional<int64_t> retry_delay_seconds = std::nullopt);

}  // namespace weft::otlp
