// Tempo's `GET /api/search` (`q` TraceQL, `tags`, `minDuration`, `maxDuration`, `limit`,
// `start`, `end`, `spss`) as a query::TraceSearchRequest, and the search response in Tempo's JSON
// shape ({"traces":[{traceID, rootServiceName, rootTraceName, startTimeUnixNano, durationMs,
// spanSet, spanSets}], "metrics":{…}}), so Grafana's Tempo data source lists results.
// minDuration / maxDuration bound the trace's duration (as in Tempo). `tags` is
// logfmt (`service.name=cart http.status_code=500 name="GET /"`): `name` is the span name,
// `status.code` the status (error / ok / unset), `service.name` the resource's; any other key
// matches a span attribute, else the resource attribute, equal to the text or to the number /
// bool it spells; all tags must hold for one span, and that span need not be one the query
// matches (TraceSearchRequest::span_filter). `q` takes TraceQL, all of it the engine evaluates
// (query/traceql/engine.h); the search runs through query::SearchTraces.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "api/search_params.h"
#include "http/query_params.h"
#include "query/search/trace_search.h"

namespace weft::api {

inline constexpr size_t kTempoDefaultLimit = 20;

// `now_unix_nanos` is the default end; the default start is an hour before the end. The tenant
// is left for the caller. Errors: InvalidArgument naming the parameter (a query's syntax, type
// and regex errors included); a limit above limits.max_limit is one, not a big allocation.
absl::StatusOr<query::TraceSearchRequest> ParseTempoSearch(const http::QueryParams& params,
                                                           uint64_t now_unix_nanos,
                                                           const SearchLimits& limits = {});

// Tempo's JSON for a search result: per trace, spanSet (the first spanset) and spanSets (all),
// each with its spans, `matched`, and `attributes` when it has by() values or aggregates; a span
// shows its own attributes and the select()ed fields Tempo shows (not name, duration, ids and
// trace-level intrinsics, which have fields of their own).
std::string EncodeTempoSearchResponse(const query::TraceSearchResult& result);

}  // namespace weft::api
