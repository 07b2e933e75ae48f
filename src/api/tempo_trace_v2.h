// Tempo 2.x's trace by id on the Tempo port (3200), which Grafana's Tempo data source asks first:
//   GET /api/v2/traces/{id}[?start=s&end=s]
// JSON `{"trace":{"resourceSpans":[…]},"status":"COMPLETE"}` (tempopb.TraceByIDResponse in
// protobuf JSON; ids lowercase hex as in the v1 answer), or with `Accept: application/protobuf`
// the same message in protobuf, which is what Grafana sends. The spans are deduplicated
// (AssembleTrace). A trace of more than `max_spans` spans answers its earliest `max_spans` with
// `"status":"PARTIAL"` and a `message`, as Tempo does for a trace over its size limit. 404 when
// unknown, 400 for a malformed id (ParseTraceIdParam) or a bad start/end (accepted for Grafana,
// otherwise unused: a trace is looked up whole).
// Thread rule: handlers run on the server's I/O threads; the store must be thread-safe and
// outlive the server.
#pragma once

#include <cstddef>

#include "api/trace_size_cap.h"
#include "http/http_server.h"
#include "storage/span_store.h"

namespace weft::api {

inline constexpr size_t kDefaultTempoTraceMaxSpans = kMaxTraceSpans;

void RegisterTempoTraceV2Routes(http::HttpServer& server, storage::SpanStore& store,
                                size_t max_spans = kDefaultTempoTraceMaxSpans);

}  // namespace weft::api
