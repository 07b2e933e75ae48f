// The canonical TraceQL printer: one spelling per meaning, so printed queries can be compared,
// cached and shown back to users. Normalised spacing (`{ span:duration > 1s } | count() > 2`),
// scoped intrinsic names (`name` prints as `span:name`), canonical literals (`1.5s` prints as
// `1500ms`), attribute names quoted only when they must be, and parentheses wherever an operand
// is itself an operation of another kind (`(.a = 1 || .b = 2) && .c = 3`,
// `({ } > { }) >> { }`), so a reader never needs TraceQL's precedence rules.
// Guarantee: Parse(ToString(q)) succeeds and equals q for every q that Parse returned.
// Thread rule: pure functions.
#pragma once

#include <string>

#include "query/traceql/ast.h"

namespace weft::query::traceql {

std::string ToString(const Query& query);
std::string ToString(const SpansetExpr& expr);
std::string ToString(const FieldExpr& expr);
std::string ToString(const FieldRef& field);
std::string ToString(const Literal& literal);
std::string ToString(const Aggregate& aggregate);

// `"…"` with \\, \", \n, \r, \t and \xNN for other control bytes; `value` is UTF-8.
std::string QuoteString(std::string_view value);

}  // namespace weft::query::traceql
