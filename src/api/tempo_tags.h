// Tempo's tag discovery endpoints on the Tempo port (3200), so Grafana's TraceQL editor and
// search builder offer the attribute names and values weft holds:
//   GET /api/search/tags[?scope=S]                {"tagNames":["http.method",…]}
//   GET /api/v2/search/tags[?scope=S]             {"scopes":[{"name":"span","tags":[…]},…]}
//   GET /api/search/tag/{tag}/values              {"tagValues":["GET",…]}
//   GET /api/v2/search/tag/{tag}/values           {"tagValues":[{"type":"string","value":"GET"},…]}
// Common parameters: `start` / `end` (unix seconds; default the hour before now), `limit` (per
// scope for v2 tags; clamped to 10,000). `q` and `maxStaleValues` are accepted and ignored.
// The answers come from a sample of the window's newest traces (tag_catalog.h); the response
// headers X-Weft-Sampled-Traces / X-Weft-Sampled-Spans / X-Weft-Partial say how much was read,
// since Tempo's JSON has no field for it. Bad input is 400 with a text message, as Tempo.
// Thread rule: handlers run on the server's I/O threads; the store and clock must be thread-safe
// and outlive the server.
#pragma once

#include "api/tag_catalog.h"
#include "common/clock.h"
#include "http/http_server.h"
#include "storage/span_store.h"

namespace weft::api {

inline constexpr size_t kTempoTagsDefaultLimit = 1000;
inline constexpr size_t kTempoTagsMaxLimit = 10'000;

struct TempoTagsOptions {
  CatalogLimits catalog;
};

void RegisterTempoTagRoutes(http::HttpServer& server, storage::SpanStore& store,
                            const Clock& clock = RealClock::Get(),
                            const TempoTagsOptions& options = {});

}  // namespace weft::api
