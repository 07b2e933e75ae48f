// Where a token or AST node starts in the query text, and the one error shape the TraceQL front
// end returns: InvalidArgument "line:column: what was expected".
// Thread rule: plain data and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace weft::query::traceql {

struct SourcePos {
  uint32_t offset = 0;  // bytes from the start of the query
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, counted in code points (a tab is one column)

  // Positions say where a node was written, not what it means: they never take part in AST
  // equality, so a query and its canonical print compare equal (read line/column directly).
  friend bool operator==(const SourcePos&, const SourcePos&) { return true; }
};

// The position of byte `offset` of `text` (clamped to its size), found by walking forward from
// `from`, a position in the same text at or before `offset` (the start when omitted).
SourcePos PositionAt(std::string_view text, size_t offset, SourcePos from = {});

// InvalidArgument with the message "line:column: message".
absl::Status SyntaxError(SourcePos pos, std::string_view message);

}  // namespace weft::query::traceql
