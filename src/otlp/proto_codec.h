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

struct DecodeOptions {
  int max_value_depth = kMaxAnyValueDepth;  // nesting of AnyValue arrays / kvlists
};

// Appends the spans of an ExportTraceServiceRequest to `batch`. `input` must outlive `batch`.
// Unknown fields are skipped. Wire errors (wrong wire type, truncated varint, length past the
// end, nesting deeper than the limit) fail the whole request with InvalidArgument naming the
// field. A span with an invalid trace_id/span_id (wrong length or all zero) or a parent_span_id of
// the wrong length is rejected alone and counted in the result; the rest are kept.
absl::StatusOr<DecodeResult> DecodeExportRequest(std::string_view input, SpanBatch& batch,
                                                 const DecodeOptions& options = {});

// Encodes `batch` as an ExportTraceServiceRequest, one ResourceSpans per run of spans sharing a
// resource and one ScopeSpans per run sharing a scope. Appends to `out`.
void EncodeExportRequest(const SpanBatch& batch, std::string& out);

// ExportTraceServiceResponse; partial_success is present only when rejected_spans > 0 or the
// message is non-empty (an empty response on full success).
std::string EncodeExportResponse(const DecodeResult& result);

// google.rpc.Status{code, message, details}; with `retry_delay_seconds`, details holds one
// google.protobuf.Any wrapping google.rpc.RetryInfo{retry_delay}.
std::string EncodeRpcStatus(int code, std::string_view message,
                            std::optional<int64_t> retry_delay_seconds = std::nullopt);

}  // namespace weft::otlp
