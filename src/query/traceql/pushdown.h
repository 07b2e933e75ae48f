// Push-down: what of a TraceQL query the store evaluates itself (SpanFetcher conditions). A
// spanset filter (`{ … }`) whose condition the store can evaluate — span name, status, status
// message, kind and duration intrinsics, span / resource / event / link / unscoped attributes
// compared with literals (`=` `!=` `<` `<=` `>` `>=` `=~` `!~`, `= nil`, `!= nil`), joined by
// `&&` and `||` — becomes the storage ConditionTree the store's Fetch evaluates. Its result is
// exactly TraceQL's: a trace matches when one of its spans satisfies the filter. Anything else
// (structural operators, pipelines, `!`, trace-level and other intrinsics, attributes compared
// with statuses or kinds) is Unimplemented, naming the construct: the engine (engine.h)
// evaluates it on assembled traces, fetched with CandidateCondition.
// Thread rule: pure functions.
#pragma once

#include "absl/status/statusor.h"
#include "query/traceql/ast.h"
#include "storage/span_fetcher.h"

namespace weft::query::traceql {

absl::StatusOr<storage::ConditionTree> PushDownSpansetFilter(const Query& query);

// The condition of one `{ … }` filter (its `{ }` matches every span), by the same rules.
absl::StatusOr<storage::ConditionTree> FilterCondition(const SpansetFilter& filter);

// A condition every trace with a result of `query` has a span for (necessary, not sufficient):
// from the first spanset stage that gives one. A filter gives the parts of its condition that
// translate (all of an `||`, any of an `&&`); `{A} && {B}` and the structural and union
// operators either side (both must find spans); `||` both; a negated structural operator its
// right side; a parenthesised pipeline its first stage. An empty kAnd (every span) when nothing
// can be derived (`{ !(.a = 1) }`, `{ traceDuration > 1s }`).
storage::ConditionTree CandidateCondition(const Query& query);

}  // namespace weft::query::traceql
