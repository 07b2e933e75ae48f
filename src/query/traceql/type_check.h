// Static type rules of TraceQL conditions, applied by the parser as it builds each node, so that
// a parsed query never compares a status with a number or regex-matches a duration. Attributes
// (ValueType::kDynamic) have no static type and pass; the evaluator treats a mismatch at run
// time as "no match", like Tempo. Thread rule: pure functions.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "query/traceql/ast.h"

namespace weft::query::traceql {

// `lhs op rhs` is allowed when either side is an attribute, or both are numeric (int, float,
// duration), or both have the same type; `<`…`>=` do not apply to booleans, statuses and kinds;
// `=~` / `!~` need strings (or attributes); nil goes only with `=` / `!=`.
// Errors: InvalidArgument at `at` naming both sides and their types.
absl::Status CheckComparison(CompareOp op, const FieldExpr& lhs, const FieldExpr& rhs,
                             SourcePos at);

// `expr` may stand where a condition is needed (a filter's body, an operand of && || !): a
// boolean or an attribute (Tempo reads a bare attribute as `= true`).
// Errors: InvalidArgument at the expression, e.g. `"&&" needs a condition on each side;
// span:duration is a duration`.
absl::Status CheckCondition(const FieldExpr& expr, std::string_view needed_by);

}  // namespace weft::query::traceql
