// The TraceQL parser: query text to a checked syntax tree (ast.h). Covers spanset filters over
// intrinsics and attributes, the spanset operators (&&, ||, structural, negated and union
// structural), and pipelines with count/avg/min/max/sum comparisons, by(), select() and
// coalesce(). The grammar, precedence and the choices made where Tempo's documentation is vague
// are in README.md beside this file.
// Untrusted input is safe: the query is at most kMaxQueryBytes, nesting (parentheses, braces,
// `!`, and operator chains that grow the tree) at most kMaxNestingDepth levels, time and memory
// linear in the query; every failure is an error, never a crash.
// Thread rule: pure function.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "query/traceql/ast.h"
#include "query/traceql/query_limits.h"

namespace weft::query::traceql {

// Errors: InvalidArgument "line:column: expected …, found …" (1-based; columns count code
// points), e.g. `1:8: expected a value after "=", found "}"`.
absl::StatusOr<Query> Parse(std::string_view query);

}  // namespace weft::query::traceql
