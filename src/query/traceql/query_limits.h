// The bounds on one TraceQL query, which keep parsing and every later walk of its tree cheap and
// shallow whatever the input. Thread rule: constants.
#pragma once

#include <cstddef>

namespace weft::query::traceql {

// Bytes of query text.
inline constexpr size_t kMaxQueryBytes = 64 * 1024;

// Levels of nesting: parentheses, braces, `!`, and operator chains that deepen the tree (a run
// of one associative operator, `&&` or `||`, is one level however long).
inline constexpr int kMaxNestingDepth = 64;

}  // namespace weft::query::traceql
