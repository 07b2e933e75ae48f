// The Tempo-compatible HTTP API (port 3200), so Grafana's Tempo data source and Tempo clients
// read traces from weft: `GET /api/traces/{id}` (OTLP/JSON in Tempo's `{"batches":[...]}` shape,
// or protobuf when the client asks for `application/protobuf`), `GET /api/search` with tags and
// durations (tempo_search.h; TraceQL `q=` comes with the query issue), `/ready`, `/api/echo`.
// Ids in the JSON are lowercase hex (the OTLP/JSON rule), not base64 as Tempo's own; see
// docs/api.md. Thread rule: handlers run on the server's I/O threads; the reader must be
// thread-safe and outlive the server.
#pragma once

#include "api/search_params.h"
#include "common/clock.h"
#include "http/http_server.h"
#include "storage/span_store.h"

namespace weft::api {

void RegisterTempoRoutes(http::HttpServer& server, storage::SpanStore& store,
                         const Clock& clock = RealClock::Get(), const SearchLimits& limits = {});

// Parses a trace id from a URL: 1 to 32 hex digits, either case; shorter ids are left-padded
// with zeros (as Tempo does). InvalidArgument otherwise.
absl::StatusOr<TraceId> ParseTraceIdParam(std::string_view text);

}  // namespace weft::api
