// TraceQL spanset expressions evaluated on an assembled trace: `{A} && {B}`, `{A} || {B}` and the
// structural operators `>` (child), `<` (parent), `>>` (descendant), `<<` (ancestor), `~`
// (sibling) and their negations `!>` `!<` `!>>` `!<<` `!~`, over filters the store can evaluate
// (pushdown.h). Meaning (Tempo's): `{A} > {B}` is the B spans whose parent is an A span; `{A} <
// {B}` the B spans that are the parent of an A span; `>>` / `<<` the same through any number of
// levels; `{A} ~ {B}` the B spans with an A sibling (same parent, not itself); a negation keeps
// the B spans without that relation; `&&` is both sides' spans when both have some, `||` either
// side's. The union forms (`&>` …) and pipelines are Unimplemented for now.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "query/assembly/assembled_trace.h"
#include "query/traceql/ast.h"
#include "storage/span_fetcher.h"

namespace weft::query::traceql {

// A compiled spanset expression (regexes compiled, filters translated).
class SpansetProgram {
 public:
  // Unimplemented for what is not supported (see above); InvalidArgument for a bad regex.
  static absl::StatusOr<SpansetProgram> Compile(const SpansetExpr& expr);

  // The spans of `trace` the expression yields (indexes into trace.spans(), ascending).
  std::vector<uint32_t> Evaluate(const AssembledTrace& trace) const;

  // A condition every trace with a result has a span matching: the OR of every filter. Push it
  // down to fetch candidate traces.
  const storage::ConditionTree& candidate_filter() const { return candidates_; }

 private:
  struct Node {
    SpansetOp op = SpansetOp::kAnd;
    bool leaf = false;
    storage::ConditionTree filter;  // leaf only
    int lhs = -1, rhs = -1;         // node indexes (operations only)
  };
  int Add(const SpansetExpr& expr, absl::Status& error);
  std::vector<bool> Run(int node, const AssembledTrace& trace) const;

  std::vector<Node> nodes_;
  int root_ = -1;
  storage::ConditionTree candidates_;
};

}  // namespace weft::query::traceql
