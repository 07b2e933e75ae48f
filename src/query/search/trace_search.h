// Trace search: one TraceQL query (or none) plus simple conditions, run against a SpanFetcher and
// answered as trace summaries with their matching spansets, newest first. The one search path
// behind Tempo's /api/search, the native /api/v1/search and `weft search`: it plans the query
// (conditions the store can evaluate are pushed down into FetchRequest::filter; the rest is
// evaluated on assembled candidate traces, query/traceql/engine.h), pages through candidates
// newest first until it has `limit` results, and stops at its deadline and its bounds.
// Thread rule: a pure function of its arguments; the fetcher is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/span_batch.h"
#include "storage/span_fetcher.h"

namespace weft::query {

inline constexpr size_t kDefaultSearchLimit = 20;
inline constexpr size_t kDefaultSpansPerSpanset = 3;
// A larger limit is InvalidArgument: results are held in memory.
inline constexpr size_t kMaxSearchLimit = 10'000;

struct TraceSearchRequest {
  std::string tenant;
  uint64_t start_unix_nanos = 0;  // traces overlapping [start, end], as FetchRequest
  uint64_t end_unix_nanos = UINT64_MAX;
  // TraceQL text; empty means `{ }` (every trace), or with a span_filter, the spans span_filter
  // matches (Tempo's tag search: the spansets are the matching spans). Syntax and type errors are
  // InvalidArgument with `line:column: …`.
  std::string traceql;
  // Extra per-span conditions that must hold for some span of the trace (Jaeger / Tempo tags,
  // service, operation): ANDed with the query's first spanset as a separate trace-level
  // requirement. Empty kAnd (the default) = no requirement. Regexes need not be compiled.
  storage::ConditionTree span_filter;
  // Bounds on the whole trace's duration (Tempo's minDuration / maxDuration).
  uint64_t min_trace_duration_nanos = 0;
  uint64_t max_trace_duration_nanos = UINT64_MAX;
  size_t limit = kDefaultSearchLimit;                  // traces, 1 to kMaxSearchLimit
  size_t spans_per_spanset = kDefaultSpansPerSpanset;  // 0 = all
  // Bounds: the search stops (returning what it has, `partial` set) when one is reached.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  uint64_t max_inspected_spans = 50'000'000;
};

// An attribute shown with a span or a spanset: select()ed fields on spans; by() values and
// aggregate values on spansets. `key` is the field as written in the query
// (`span.http.url`, `by(resource.service.name)`, `count()`).
struct ResultAttribute {
  std::string key;
  // select()ed fields: the name Tempo shows for the span attribute (`http.url`, `status`).
  std::string name;
  AnyValue value;  // owned by TraceSearchResult's batch arena (TraceHit::spans)
};

struct ResultSpan {
  uint32_t index = 0;  // into TraceHit::spans->spans()
  std::vector<ResultAttribute> attributes;
};

struct ResultSpanset {
  std::vector<ResultSpan> spans;  // at most spans_per_spanset, in start order
  uint32_t matched = 0;           // spans in the spanset before the cut
  std::vector<ResultAttribute> attributes;
};

struct TraceHit {
  storage::TraceSummary summary;
  std::unique_ptr<SpanBatch> spans;     // the spans the spansets refer to (and owner of values)
  std::vector<ResultSpanset> spansets;  // >= 1
};

struct TraceSearchResult {
  std::vector<TraceHit> traces;  // newest first, at most limit
  uint64_t inspected_spans = 0;
  uint64_t inspected_blocks = 0;
  uint64_t skipped_blocks = 0;
  uint32_t fetch_pages = 0;
  uint64_t inspected_traces = 0;  // candidate traces evaluated (or taken from the store)
  // A bound (deadline, inspected spans, page cap) stopped the search before it had `limit`
  // results or exhausted the window: older matches may exist.
  bool partial = false;
};

// Errors: InvalidArgument for a bad query or request (the message names the problem and its
// position), whatever the fetcher returns otherwise.
absl::StatusOr<TraceSearchResult> SearchTraces(storage::SpanFetcher& fetcher,
                                               const TraceSearchRequest& request);

}  // namespace weft::query
