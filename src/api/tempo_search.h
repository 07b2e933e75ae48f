// Tempo's `GET /api/search` (`q` TraceQL, `tags`, `minDuration`, `maxDuration`, `limit`,
// `start`, `end`, `spss`) as a storage FetchRequest, and the search response in Tempo's JSON
// shape ({"traces":[{traceID, rootServiceName, rootTraceName, startTimeUnixNano, durationMs,
// spanSet, spanSets}], "metrics":{…}}), so Grafana's Tempo data source lists results.
// minDuration / maxDuration bound the trace's duration (as in Tempo). `tags` is
// logfmt (`service.name=cart http.status_code=500 name="GET /"`): `name` is the span name,
// `status.code` the status (error / ok / unset), `service.name` the resource's; any other key
// matches a span attribute, else the resource attribute, equal to the text or to the number /
// bool it spells. `q` takes TraceQL: one `{ … }` filter over span fields and attributes is pushed
// down to the store (query/traceql/pushdown.h); `&&`, `||` and the structural operators between
// such filters are evaluated on the assembled candidate traces (query/traceql/structural.h);
// pipelines and the rest are a 400 naming what is not supported yet.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/query_params.h"
#include "query/traceql/structural.h"
#include "storage/span_fetcher.h"

namespace weft::api {

inline constexpr size_t kTempoDefaultLimit = 20;
inline constexpr size_t kTempoMaxLimit = 1000;

struct TempoSearch {
  storage::FetchRequest fetch;  // asks for more traces than `limit` when durations filter
  // Tempo's minDuration / maxDuration bound the whole trace's duration, which the store knows
  // only per trace summary: they filter the fetched traces, then `limit` applies.
  uint64_t min_trace_duration_nanos = 0;
  uint64_t max_trace_duration_nanos = UINT64_MAX;
  size_t limit = kTempoDefaultLimit;
  size_t spans_per_set = 3;
  // A TraceQL query with spanset operators (`{A} >> {B}`): evaluated on each fetched (whole,
  // assembled) trace; the fetch then only narrows the candidates.
  std::shared_ptr<const query::traceql::SpansetProgram> program;
};

// `now_unix_nanos` is the default end; the default start is an hour before the end.
absl::StatusOr<TempoSearch> ParseTempoSearch(const http::QueryParams& params,
                                             uint64_t now_unix_nanos);

// With a program: evaluates it on each fetched whole trace of `result` and keeps the traces it
// yields spans for, with those spans (up to spans_per_set) as their matches.
void ApplyProgram(const TempoSearch& search, storage::FetchResult& result);

// Applies the trace-duration bounds and the limit to `result`, then encodes it.
std::string EncodeTempoSearchResponse(const TempoSearch& search, storage::FetchResult result);

}  // namespace weft::api
