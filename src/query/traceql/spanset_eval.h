// The spanset operators on span masks of one assembled trace (a mask has one flag per span of
// the trace): `&&`, `||`, the structural relations `>` `<` `>>` `<<` `~`, their negations and
// their unions. Meaning (Tempo's): `{A} > {B}` is the B spans whose parent is an A span; `<` the
// B spans that are the parent of an A span; `>>` / `<<` the same through any number of levels;
// `~` the B spans with an A sibling (same parent, not the span itself). A negation (`!>` …) keeps
// the B spans without that relation (so a root is in `{A} !> {B}` whenever it is a B span); a
// union (`&>` …) keeps the spans of both sides that stand in the relation. `&&` is the spans of
// both sides when both have some, `||` the spans of either. Relations follow the assembled tree
// (query/assembly/trace_tree.h): a span whose parent is not in the trace (an orphan) has no
// parent, so it is nobody's child or sibling; several roots are not siblings of each other.
// Thread rule: pure functions.
#pragma once

#include <vector>

#include "query/assembly/assembled_trace.h"
#include "query/traceql/ast.h"

namespace weft::query::traceql {

using SpanMask = std::vector<bool>;

// lhs `op` rhs for any SpansetOp. REQUIRES: both masks have trace.size() flags.
SpanMask CombineSpansets(SpansetOp op, const SpanMask& lhs, const SpanMask& rhs,
                         const AssembledTrace& trace);

}  // namespace weft::query::traceql
