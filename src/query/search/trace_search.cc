// SearchTraces (trace_search.h): plan, fetch page by page, evaluate, cut.
//
// Two ways to answer:
// - The store answers alone when the query is one `{ … }` filter it evaluates exactly
//   (CompiledQuery::fully_pushed_down) and there is no separate span_filter (or the query is
//   empty, so span_filter is the query): the matched spans it returns are the spanset. Without
//   duration bounds that is one Fetch of `limit` traces.
// - Otherwise candidates are fetched whole (FetchRequest::whole_traces), assembled and evaluated.
//   The query's candidate filter and span_filter each must match some span of a result, but
//   not necessarily the same span, so only one of them can be pushed down: the query's (usually
//   the more selective; it also decides what is evaluated anyway), unless the query gives none
//   (match-all), then span_filter. The other is checked on the whole assembled trace.
// Paging: newest first; each next page ends at the oldest start of the one before (inclusive,
// so traces sharing that start are not skipped; ones already seen are dropped). When a page
// brings nothing new (more traces share one start time than a page holds) it is fetched again,
// twice as big, up to kMaxPageGrowth times the first size; past that the search moves on to
// older traces and reports `partial`. While the limit is not reached, each page asks for twice
// the candidates of the one before (up to kMaxWholeTracePage / kMaxMatchedSpanPage), so rare
// matches are found within the page cap. Duration bounds apply before a trace counts toward limit.
#include "query/search/trace_search.h"

#include <utility>

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "query/assembly/span_order.h"
#include "query/assembly/trace_assembler.h"
#include "query/traceql/engine.h"
#include "query/traceql/parser.h"
#include "storage/condition_eval.h"

namespace weft::query {
namespace {

using traceql::CompiledQuery;

// Candidate pages evaluated before the search gives up with what it has (partial).
constexpr int kMaxPages = 16;
// Traces per page: whole traces are memory; matched spans only are cheap.
constexpr size_t kMaxWholeTracePage = 1000;
constexpr size_t kMaxMatchedSpanPage = 5000;
// A page that brought no new trace (they all share one start time) is fetched again this many
// times bigger at most.
constexpr size_t kMaxPageGrowth = 8;
// How often (in evaluated traces) the deadline is looked at inside a page.
constexpr size_t kDeadlineCheckEvery = 32;

struct Plan {
  storage::FetchRequest fetch;
  bool store_answers = false;      // the matched spans are the result
  bool check_span_filter = false;  // span_filter is checked on the assembled trace
};

bool Expired(const TraceSearchRequest& request) {
  return request.deadline != std::chrono::steady_clock::time_point::max() &&
         std::chrono::steady_clock::now() >= request.deadline;
}

bool InDurationBounds(const TraceSearchRequest& request, const storage::TraceSummary& summary) {
  return summary.duration_nanos >= request.min_trace_duration_nanos &&
         summary.duration_nanos <= request.max_trace_duration_nanos;
}

size_t Shown(size_t matched, size_t spans_per_spanset) {
  return spans_per_spanset == 0 ? matched : std::min(matched, spans_per_spanset);
}

// A hit from the store's matched spans: one spanset, in start order.
TraceHit StoreHit(storage::TraceMatch&& match, size_t spans_per_spanset) {
  TraceHit hit;
  hit.summary = std::move(match.summary);
  hit.spans = std::move(match.spans);
  const std::vector<uint32_t> order = StartOrder(hit.spans->spans());
  ResultSpanset set;
  set.matched = match.matched_spans;
  const size_t shown = Shown(order.size(), spans_per_spanset);
  for (size_t i = 0; i < shown; ++i) set.spans.push_back({order[i], {}});
  hit.spansets.push_back(std::move(set));
  return hit;
}

// A hit from evaluated spansets: the shown spans copied out of the assembled trace.
TraceHit EvaluatedHit(storage::TraceSummary summary, const AssembledTrace& trace,
                      const CompiledQuery& query, const std::vector<traceql::Spanset>& sets,
                      size_t spans_per_spanset) {
  std::vector<uint32_t> shown;
  for (const traceql::Spanset& set : sets) {
    const size_t n = Shown(set.spans.size(), spans_per_spanset);
    shown.insert(shown.end(), set.spans.begin(), set.spans.begin() + n);
  }
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  TraceHit hit;
  hit.summary = std::move(summary);
  hit.spans = std::make_unique<SpanBatch>();
  hit.spans->CopySpansFrom(trace.batch(), shown);
  Arena& arena = hit.spans->arena();
  for (const traceql::Spanset& set : sets) {
    ResultSpanset out;
    out.matched = static_cast<uint32_t>(set.spans.size());
    const std::span<const uint32_t> spans(set.spans.data(),
                                          Shown(set.spans.size(), spans_per_spanset));
    const std::vector<std::vector<traceql::NamedValue>> selected =
        query.SelectedAttributes(trace, set, spans);
    for (size_t i = 0; i < spans.size(); ++i) {
      ResultSpan span;
      span.index = static_cast<uint32_t>(std::lower_bound(shown.begin(), shown.end(), spans[i]) -
                                         shown.begin());
      for (const traceql::NamedValue& v : selected[i]) {
        span.attributes.push_back({v.key, v.name, traceql::ToAnyValue(v.value, arena)});
      }
      out.spans.push_back(std::move(span));
    }
    for (const traceql::NamedValue& v : set.attributes) {
      out.attributes.push_back({v.key, v.name, traceql::ToAnyValue(v.value, arena)});
    }
    hit.spansets.push_back(std::move(out));
  }
  return hit;
}

bool AnySpanMatches(const storage::ConditionTree& filter, const AssembledTrace& trace) {
  for (const Span& span : trace.spans()) {
    if (storage::SpanMatches(filter, trace.batch(), span)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<TraceSearchResult> SearchTraces(storage::SpanFetcher& fetcher,
                                               const TraceSearchRequest& request) {
  if (request.limit == 0 || request.limit > kMaxSearchLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("the limit must be 1 to ", kMaxSearchLimit, ", not ", request.limit));
  }
  if (request.start_unix_nanos > request.end_unix_nanos) {
    return absl::InvalidArgumentError("the search window starts after it ends");
  }
  const bool no_query = request.traceql.empty();
  absl::StatusOr<traceql::Query> parsed = traceql::Parse(no_query ? "{ }" : request.traceql);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<CompiledQuery> query = CompiledQuery::Compile(*parsed);
  if (!query.ok()) return query.status();
  storage::ConditionTree span_filter = request.span_filter;
  if (absl::Status status = storage::CompileRegexes(span_filter); !status.ok()) return status;
  const bool has_span_filter = !storage::MatchesEverything(span_filter);
  const bool duration_bounds =
      request.min_trace_duration_nanos > 0 || request.max_trace_duration_nanos < UINT64_MAX;

  Plan plan;
  plan.fetch.tenant = request.tenant;
  plan.fetch.start_unix_nanos = request.start_unix_nanos;
  plan.fetch.end_unix_nanos = request.end_unix_nanos;
  plan.fetch.deadline = request.deadline;
  if (query->fully_pushed_down() && (!has_span_filter || no_query)) {
    plan.store_answers = true;
    plan.fetch.filter = no_query && has_span_filter ? span_filter : query->candidate_filter();
    plan.fetch.spans_per_trace = request.spans_per_spanset;
    plan.fetch.limit = duration_bounds
                           ? std::clamp<size_t>(request.limit * 4, 20, kMaxMatchedSpanPage)
                           : request.limit;
  } else {
    const bool query_gives_none = storage::MatchesEverything(query->candidate_filter());
    plan.fetch.filter =
        query_gives_none && has_span_filter ? span_filter : query->candidate_filter();
    plan.check_span_filter = has_span_filter && !query_gives_none;
    plan.fetch.whole_traces = true;
    plan.fetch.limit = std::clamp<size_t>(request.limit * 2, 20, kMaxWholeTracePage);
  }

  const size_t base_page_limit = plan.fetch.limit;
  const size_t max_page = plan.store_answers ? kMaxMatchedSpanPage : kMaxWholeTracePage;
  TraceSearchResult result;
  absl::flat_hash_set<TraceId, IdHash> seen;
  storage::FetchRequest& page = plan.fetch;
  bool done = false;     // limit reached or window exhausted
  bool stopped = false;  // a bound (deadline, inspected spans) was reached
  bool skipped = false;  // traces sharing one start time were left out
  size_t evaluated = 0;
  for (int p = 0; p < kMaxPages && !done && !stopped; ++p) {
    if (Expired(request) || result.inspected_spans >= request.max_inspected_spans) {
      stopped = true;
      break;
    }
    absl::StatusOr<storage::FetchResult> fetched = fetcher.Fetch(page);
    if (!fetched.ok()) return fetched.status();
    ++result.fetch_pages;
    result.inspected_spans += fetched->inspected_spans;
    result.inspected_blocks += fetched->inspected_blocks;
    result.skipped_blocks += fetched->skipped_blocks;
    uint64_t oldest = UINT64_MAX;
    size_t fresh = 0;
    for (storage::TraceMatch& match : fetched->traces) {
      oldest = std::min(oldest, match.summary.start_unix_nanos);
      if (done || stopped) continue;
      if (!seen.insert(match.summary.trace_id).second) continue;
      ++fresh;
      if (!InDurationBounds(request, match.summary)) continue;
      ++result.inspected_traces;
      if (plan.store_answers) {
        result.traces.push_back(StoreHit(std::move(match), request.spans_per_spanset));
      } else {
        if (++evaluated % kDeadlineCheckEvery == 0 && Expired(request)) {
          stopped = true;
          continue;
        }
        const AssembledTrace trace = AssembleTrace(std::move(*match.spans));
        if (plan.check_span_filter && !AnySpanMatches(span_filter, trace)) continue;
        const std::vector<traceql::Spanset> sets = query->Evaluate(trace);
        if (sets.empty()) continue;
        result.traces.push_back(
            EvaluatedHit(std::move(match.summary), trace, *query, sets, request.spans_per_spanset));
      }
      if (result.traces.size() >= request.limit) done = true;
    }
    if (fetched->partial) stopped = true;  // the store's scan hit the deadline
    if (done || stopped) break;
    if (fetched->traces.size() < page.limit) {
      done = true;  // the window has no more matching traces
      break;
    }
    // The next page: traces starting at or before this page's oldest (see the top comment).
    if (fresh > 0) {
      page.end_unix_nanos = oldest;
      // The limit is not reached yet, so matches are rarer than the page size assumed: ask for
      // twice as many candidates next time (bounded), so that the page cap covers more traces.
      page.limit = std::max(page.limit, std::min(page.limit * 2, max_page));
    } else if (page.limit < base_page_limit * kMaxPageGrowth) {
      page.limit *= 2;  // more traces share one start time than a page holds
    } else {
      skipped = true;  // some traces starting at `oldest` are left out
      if (oldest == 0 || oldest - 1 < page.start_unix_nanos) break;
      page.end_unix_nanos = oldest - 1;
      page.limit = base_page_limit;
    }
  }
  result.partial = stopped || (!done && result.traces.size() < request.limit) ||
                   (skipped && result.traces.size() < request.limit);
  return result;
}

}  // namespace weft::query
