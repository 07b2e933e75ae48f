// TraceQL search for the common case, before the full engine: a query that is one spanset filter
// (`{ … }`, alone) whose condition the store can evaluate — span name, status, status message,
// kind and duration intrinsics, span / resource / event / link / unscoped attributes compared
// with literals (`=` `!=` `<` `<=` `>` `>=` `=~` `!~`, `= nil`, `!= nil`), joined by `&&` and
// `||` — becomes the storage ConditionTree the store's Fetch evaluates (push-down). Its result is
// exactly TraceQL's: a trace matches when one of its spans satisfies the filter. Anything else
// (structural operators, pipelines, `!`, trace-level and other intrinsics) is Unimplemented,
// naming the construct, until the planner and evaluator land.
// Thread rule: pure function.
#pragma once

#include "absl/status/statusor.h"
#include "query/traceql/ast.h"
#include "storage/span_fetcher.h"

namespace weft::query::traceql {

absl::StatusOr<storage::ConditionTree> PushDownSpansetFilter(const Query& query);

// The condition of one `{ … }` filter (its `{ }` matches every span), by the same rules.
absl::StatusOr<storage::ConditionTree> FilterCondition(const SpansetFilter& filter);

}  // namespace weft::query::traceql
