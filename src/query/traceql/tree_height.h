// Bounded height checks on syntax trees, for the parser's nesting limit: they answer whether a
// tree has at most `max_height` levels without ever recursing deeper than that, so they are safe
// on trees of any shape. Thread rule: pure functions.
#pragma once

#include "query/traceql/ast.h"

namespace weft::query::traceql {

// True when `expr` has at most `max_height` levels (a literal or field is one level).
bool WithinHeight(const FieldExpr& expr, int max_height);

// True when `expr` has at most `max_height` levels of spanset operations and parenthesised
// pipelines (a filter is one level; conditions inside filters are not counted).
bool WithinHeight(const SpansetExpr& expr, int max_height);

}  // namespace weft::query::traceql
