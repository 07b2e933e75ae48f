// The part of the TraceQL parser that reads what goes inside a spanset filter and into by(),
// select() and aggregates: conditions (`&&`, `||`, comparisons, `!`, parentheses), literals and
// field references. It applies the static type rules (type_check.h) and the nesting limit as it
// builds each node. Thread rule: works on one caller-owned cursor.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "query/traceql/ast.h"
#include "query/traceql/token_cursor.h"

namespace weft::query::traceql {

// A condition or value: `&&`/`||` (lowest, equal precedence, left to right), then comparisons
// (left to right), then `!`. `what` names the expected first token for the error message, e.g.
// `a condition after "{"`. The result's type is not checked to be a condition: callers that
// need one use CheckCondition.
absl::StatusOr<FieldExpr> ParseCondition(TokenCursor& cursor, std::string_view what);

// An attribute (`span.a`), a scoped intrinsic (`span:name`) or an unscoped one (`name`).
absl::StatusOr<FieldRef> ParseFieldRef(TokenCursor& cursor, std::string_view what);

// The comparison a token stands for (`=`, `!=`, …, `=~`, `!~`), if any.
std::optional<CompareOp> CompareOpOf(TokenKind kind);

// An integer, float or duration literal, negated by a `-` before it.
// REQUIRES: the cursor is at kInteger, kFloat, kDuration or kMinus.
absl::StatusOr<Literal> ParseNumber(TokenCursor& cursor);

}  // namespace weft::query::traceql
