// The TraceQL evaluator: a checked query (ast.h) compiled once, then run on one assembled trace
// at a time, giving the trace's resulting spansets; plus the plan a search needs from it — the
// condition a store can push down to find candidate traces, and whether the store alone answers
// the query. Meaning follows Grafana Tempo's TraceQL (pkg/traceql): filters and spanset operators
// (field_eval.h, spanset_eval.h), then the pipeline: each stage takes the spansets of the stage
// before (the first takes one spanset holding every span of the trace) —
//   { … } / spanset expression: per input spanset, its spans that the expression yields;
//   count() > 2 (a scalar filter): keeps the spansets for which it holds, and shows each
//     aggregate's value as a spanset attribute keyed `count()`, `avg(span:duration)`;
//   by(f, …): splits each spanset by the fields' values (first appearance order), shown as a
//     spanset attribute per field keyed `by(f)`;
//   select(f, …): the fields are shown with each span (SelectedAttributes);
//   coalesce(): merges every spanset into one.
// A parenthesised pipeline used as an operand yields its spansets' spans. The trace is a result
// when the last stage leaves a spanset with spans. Choices where Tempo is silent: README.md.
// Thread rule: a CompiledQuery is immutable; Evaluate may run on many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/assembly/assembled_trace.h"
#include "query/traceql/ast.h"
#include "query/traceql/value.h"
#include "storage/span_fetcher.h"

namespace weft::query::traceql {

// A value shown with a spanset or a span. `key` is the field or aggregate as the canonical
// printer writes it (`by(resource.service.name)`, `count()`, `span.http.url`); `name` is the
// attribute name Tempo shows for a selected field (`http.url`, `status`).
struct NamedValue {
  std::string key;
  std::string name;
  Value value;
};

struct Spanset {
  std::vector<uint32_t> spans;         // indexes into the trace's spans(), ascending (start order)
  std::vector<NamedValue> attributes;  // by() values and aggregates
  std::vector<FieldRef> selected;      // select()ed fields, no repeats
};

class CompiledQuery {
 public:
  // Errors: InvalidArgument `line:column: …` for a regex that does not compile or exceeds the
  // storage limits (storage/condition_eval.h).
  static absl::StatusOr<CompiledQuery> Compile(const Query& query);

  // Test only: evaluates every filter with field_eval.h, never with the store's conditions
  // (storage/condition_eval.h), so tests can check that the two agree.
  static absl::StatusOr<CompiledQuery> TEST_CompileWithoutStoreConditions(const Query& query);

  // The trace's resulting spansets, none empty; empty when the trace is not a result.
  std::vector<Spanset> Evaluate(const AssembledTrace& trace) const;

  // The selected fields' values on each of `spans` (spans of a spanset Evaluate returned;
  // absent values left out), in `spans` order. String values may view the trace.
  std::vector<std::vector<NamedValue>> SelectedAttributes(const AssembledTrace& trace,
                                                          const Spanset& spanset,
                                                          std::span<const uint32_t> spans) const;

  // A condition every trace with a result has a matching span for (regexes compiled): the
  // parts of the first stage that decides it the store can evaluate, or an empty kAnd (match
  // everything) when nothing safe can be derived, e.g. `{ !(.a = 1) }` or `{ traceDuration > 1s }`.
  const storage::ConditionTree& candidate_filter() const;

  // True when the query is a single `{ … }` filter the store evaluates exactly: the result of a
  // trace is then one spanset of exactly the spans candidate_filter() matches.
  bool fully_pushed_down() const;

 private:
  static absl::StatusOr<CompiledQuery> Compile(const Query& query, bool store_conditions);

  struct Plan;
  // Shared, immutable: copies of a compiled query (for each request) cost no recompilation.
  std::shared_ptr<const Plan> plan_;
};

}  // namespace weft::query::traceql
