// A cursor over the tokens of one query, shared by the parts of the parser (parser.cc,
// condition_parser.cc): lookahead, "expected X, found Y" errors, and the nesting count behind
// kMaxNestingDepth. Thread rule: one cursor per parse; not thread-safe.
#pragma once

#include <utility>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "query/traceql/token.h"

namespace weft::query::traceql {

class TokenCursor {
 public:
  // REQUIRES: `tokens` ends with a kEnd token (as Lex returns them).
  explicit TokenCursor(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  const Token& Peek() const { return tokens_[next_]; }
  bool At(TokenKind kind) const { return Peek().kind == kind; }
  bool AtWord(std::string_view word) const {
    return At(TokenKind::kIdentifier) && Peek().text == word;
  }
  // Returns the current token and moves past it; stays on kEnd. The reference lives as long as
  // the cursor.
  const Token& Advance() {
    const Token& t = tokens_[next_];
    if (t.kind != TokenKind::kEnd) ++next_;
    return t;
  }

  // InvalidArgument at the current token: "expected <what>, found <the current token>".
  absl::Status Expected(std::string_view what) const;

  // Moves past a token of `kind`, or returns Expected(what).
  absl::Status Expect(TokenKind kind, std::string_view what);

  // One level of nesting, counted while it lives.
  class Level {
   public:
    explicit Level(TokenCursor& cursor) : cursor_(cursor) { ++cursor_.depth_; }
    ~Level() { --cursor_.depth_; }
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;

    // InvalidArgument at `at` when this level is deeper than kMaxNestingDepth.
    absl::Status Check(const Token& at) const;

   private:
    TokenCursor& cursor_;
  };

  // "the query nests deeper than 64 levels" at `at`.
  static absl::Status TooDeep(const Token& at);

 private:
  std::vector<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
};

// `"text"`: how messages quote source text.
std::string Quoted(std::string_view text);

}  // namespace weft::query::traceql
