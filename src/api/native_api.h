// weft's native read API on the http port (16686), designed for weft's web UI rather than for
// compatibility (shapes in native_json.h and docs/api.md, "Native API"):
//   GET /api/v1/search[?q&tags&minDuration&maxDuration&start&end&limit&spss]  TraceQL search
//                        (Tempo's parameters, tempo_search.h; the shape of native_search_json.h)
//   GET /api/v1/traces/{id}[?adjustClockSkew=true|false]   the assembled trace
//   GET /api/v1/services[?prefix&limit&after]               service names
//   GET /api/v1/services/{service}/operations[?limit&after] {name, kind} of a service
//   GET /api/v1/attributes[?scope&start&end&prefix&limit&after]        attribute names
//   GET /api/v1/attributes/{name}/values[?start&end&prefix&limit&after] values with types
// Every list is bounded and paginated: `limit` (default 1,000, at most 10,000) and `after` (the
// `next` cursor of the previous page; `next` is null on the last page). Attribute names and
// values come from a sample of the window's newest traces (tag_catalog.h), stopped by a span
// budget and a deadline; the answer says so (`sampled`, `tracesInspected`, `partial`). A trace of
// more than max_trace_spans spans is answered with its first spans and `truncated`. Errors are
// {"error":{"status":400,"message":"parameter 'limit' …"}} with that HTTP status: 400 for bad
// input (naming the parameter), 404 for an unknown trace.
// Thread rule: handlers run on the server's I/O threads; the store and clock must be thread-safe
// and outlive the server.
#pragma once

#include <cstddef>

#include "api/search_params.h"
#include "api/tag_catalog.h"
#include "common/clock.h"
#include "http/http_server.h"
#include "storage/span_store.h"

namespace weft::api {

struct NativeApiOptions {
  size_t max_trace_spans = 100'000;
  CatalogLimits catalog;
  size_t default_list_limit = 1000;
  size_t max_list_limit = 10'000;
  SearchLimits search;  // /api/v1/search
};

void RegisterNativeRoutes(http::HttpServer& server, storage::SpanStore& store,
                          const Clock& clock = RealClock::Get(),
                          const NativeApiOptions& options = {});

}  // namespace weft::api
