// The TraceQL lexer: query text to tokens (token.h), ending with one kEnd token.
// Follows Tempo's lexical rules: an attribute name runs from its scope prefix (`.`, `span.`,
// `resource.`, `event.`, `link.`, `instrumentation.`) to the next space or one of
// `{ } ( ) = ~ ! < > & | ^ , "`; a `"…"` part inside it is quoted (only \" and \\ escapes), so
// `span.a."b c"` names `a.b c`. Strings are Go-quoted ("…" with escapes) or raw (`…`).
// A number directly followed by a letter is a duration (duration_literal.h).
// Thread rule: pure function.
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/traceql/token.h"

namespace weft::query::traceql {

// Errors: InvalidArgument "line:column: …" for bytes that are not UTF-8, unterminated strings or
// quoted names, unknown escapes, malformed numbers or durations, and characters TraceQL has no
// use for. Never reads past `query`; linear in its size.
absl::StatusOr<std::vector<Token>> Lex(std::string_view query);

}  // namespace weft::query::traceql
