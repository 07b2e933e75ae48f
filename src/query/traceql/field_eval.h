// Field and condition evaluation on one span of an assembled trace: what `{ … }` tests. Every
// intrinsic of intrinsic.h, trace-level ones included (they read the whole trace: TraceFacts),
// and attributes of every scope. Event and link fields have one value per event / link; a
// comparison holds when it holds for some value (as storage/condition_eval.h does), `= nil` when
// no event / link has the attribute. `!` is plain negation of the two-valued result, so
// `{ !(.a = 1) }` selects spans without `.a` too, while `{ .a != 1 }` does not.
// Thread rule: compiled conditions are immutable and may be evaluated from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "query/assembly/assembled_trace.h"
#include "query/traceql/ast.h"
#include "query/traceql/value.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace weft::query::traceql {

using Values = absl::InlinedVector<Value, 1>;

// What trace-level intrinsics read, computed once per trace.
struct TraceFacts {
  explicit TraceFacts(const AssembledTrace& trace);

  const AssembledTrace& trace;
  int64_t duration_nanos = 0;  // latest end - earliest start
  uint32_t root = kNoSpan;     // the first span (start order) without a parent span id
  std::string trace_id_hex;
};

// Appends the values `field` has on span `s`: none when absent, several for event / link fields.
void FieldValues(const FieldRef& field, const TraceFacts& facts, uint32_t s, Values& out);

// A condition (FieldExpr) with its regexes compiled.
struct CompiledCondition {
  FieldExpr::Kind kind = FieldExpr::Kind::kLiteral;
  Value literal;                          // kLiteral
  bool literal_is_nil = false;            // kLiteral: `nil`
  FieldRef field;                         // kField
  CompareOp op = CompareOp::kEq;          // kCompare
  std::shared_ptr<const re2::RE2> regex;  // kCompare with =~ / !~ and a literal pattern
  std::vector<CompiledCondition> operands;
};

// Errors: InvalidArgument for a regex that does not compile or exceeds the storage limits.
absl::StatusOr<CompiledCondition> CompileCondition(const FieldExpr& expr);

// True when the condition holds for span `s` (a bare attribute means `= true`).
bool ConditionHolds(const CompiledCondition& condition, const TraceFacts& facts, uint32_t s);

// The condition's value on span `s`, for by(): a field's first value (nil when absent), a
// literal, or a boolean for the operators.
Value ConditionValue(const CompiledCondition& condition, const TraceFacts& facts, uint32_t s);

}  // namespace weft::query::traceql
