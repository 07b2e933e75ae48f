#include "query/traceql/token_cursor.h"

#include "absl/strings/str_cat.h"
#include "query/traceql/query_limits.h"

namespace weft::query::traceql {

absl::Status TokenCursor::Expected(std::string_view what) const {
  return SyntaxError(
      Peek().pos, absl::StrCat("expected ", std::string(what), ", found ", DescribeToken(Peek())));
}

absl::Status TokenCursor::Expect(TokenKind kind, std::string_view what) {
  if (!At(kind)) return Expected(what);
  Advance();
  return absl::OkStatus();
}

absl::Status TokenCursor::Level::Check(const Token& at) const {
  return cursor_.depth_ > kMaxNestingDepth ? TooDeep(at) : absl::OkStatus();
}

absl::Status TokenCursor::TooDeep(const Token& at) {
  return SyntaxError(at.pos,
                     absl::StrCat("the query nests deeper than ", kMaxNestingDepth, " levels"));
}

std::string Quoted(std::string_view text) { return absl::StrCat("\"", std::string(text), "\""); }

}  // namespace weft::query::traceql
