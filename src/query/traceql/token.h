// The tokens of TraceQL, as the lexer (lexer.h) produces them for the parser (parser.h). A token
// carries its decoded value (string contents, number, duration, attribute name) and views into
// the query text (`text`, `scope_word`), valid as long as that text is.
// Thread rule: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "query/traceql/ast.h"
#include "query/traceql/source_pos.h"

namespace weft::query::traceql {

enum class TokenKind : uint8_t {
  kEnd,  // end of the query
  kLeftBrace,
  kRightBrace,
  kLeftParen,
  kRightParen,
  kComma,
  kPipe,             // |
  kAndAnd,           // &&
  kOrOr,             // ||
  kBang,             // !
  kEq,               // =
  kNe,               // !=
  kRegex,            // =~
  kBangTilde,        // !~  not-regex in a condition, not-sibling between spansets
  kLt,               // <   less, or parent
  kLe,               // <=
  kGt,               // >   greater, or child
  kGe,               // >=
  kDescendant,       // >>
  kAncestor,         // <<
  kTilde,            // ~   sibling
  kNotChild,         // !>
  kNotParent,        // !<
  kNotDescendant,    // !>>
  kNotAncestor,      // !<<
  kUnionChild,       // &>
  kUnionParent,      // &<
  kUnionDescendant,  // &>>
  kUnionAncestor,    // &<<
  kUnionSibling,     // &~
  kMinus,            // -   only before a number or duration
  kArithmetic,       // + * / % ^: lexed so the parser can say arithmetic is not supported
  kString,           // "…" or `…`; value holds the decoded contents
  kInteger,          // digits; magnitude holds the value (sign comes from a kMinus)
  kFloat,            // 1.5, 2e3; real holds the value
  kDuration,         // 300ms; nanos holds the value
  kIdentifier,       // a word: keyword, unscoped intrinsic or function name; text is the word
  kAttribute,        // .name, span.name, resource."a b": scope and value (the name)
  kScopedIntrinsic,  // span:name: scope_word ("span") and value ("name")
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourcePos pos;
  std::string_view text;        // the token's bytes in the query
  std::string value;            // kString contents, kAttribute name, kScopedIntrinsic word
  std::string_view scope_word;  // kScopedIntrinsic: the part before ':'
  AttributeScope scope = AttributeScope::kUnscoped;  // kAttribute
  uint64_t magnitude = 0;                            // kInteger
  double real = 0;                                   // kFloat
  int64_t nanos = 0;                                 // kDuration
};

// How an error message names a token after "found": `"}"`, `"span.foo"`, `a string`,
// `end of query`. Long texts are cut.
std::string DescribeToken(const Token& token);

}  // namespace weft::query::traceql
