#include "query/traceql/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace weft::query::traceql {
namespace {

std::vector<Token> LexOk(std::string_view query) {
  absl::StatusOr<std::vector<Token>> tokens = Lex(query);
  EXPECT_TRUE(tokens.ok()) << query << ": " << tokens.status();
  return tokens.ok() ? *std::move(tokens) : std::vector<Token>{};
}

std::vector<TokenKind> Kinds(std::string_view query) {
  std::vector<TokenKind> kinds;
  for (const Token& t : LexOk(query)) kinds.push_back(t.kind);
  return kinds;
}

std::string LexError(std::string_view query) {
  absl::StatusOr<std::vector<Token>> tokens = Lex(query);
  EXPECT_FALSE(tokens.ok()) << query;
  return std::string(tokens.status().message());
}

using K = TokenKind;

TEST(LexerTest, OperatorsTakeTheLongestMatch) {
  EXPECT_EQ(Kinds("&>> &<< !>> !<< && || &> &< &~ != !~ !> !< =~ <= >= << >> { } ( ) , | ! = "
                  "< > ~ - + * / % ^"),
            (std::vector<K>{K::kUnionDescendant,
                            K::kUnionAncestor,
                            K::kNotDescendant,
                            K::kNotAncestor,
                            K::kAndAnd,
                            K::kOrOr,
                            K::kUnionChild,
                            K::kUnionParent,
                            K::kUnionSibling,
                            K::kNe,
                            K::kBangTilde,
                            K::kNotChild,
                            K::kNotParent,
                            K::kRegex,
                            K::kLe,
                            K::kGe,
                            K::kAncestor,
                            K::kDescendant,
                            K::kLeftBrace,
                            K::kRightBrace,
                            K::kLeftParen,
                            K::kRightParen,
                            K::kComma,
                            K::kPipe,
                            K::kBang,
                            K::kEq,
                            K::kLt,
                            K::kGt,
                            K::kTilde,
                            K::kMinus,
                            K::kArithmetic,
                            K::kArithmetic,
                            K::kArithmetic,
                            K::kArithmetic,
                            K::kArithmetic,
                            K::kEnd}));
  EXPECT_EQ(Kinds("{}>>{}"), (std::vector<K>{K::kLeftBrace, K::kRightBrace, K::kDescendant,
                                             K::kLeftBrace, K::kRightBrace, K::kEnd}));
}

TEST(LexerTest, AttributeNamesRunToATerminator) {
  std::vector<Token> tokens = LexOk("span.http.status_code>=200");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, K::kAttribute);
  EXPECT_EQ(tokens[0].scope, AttributeScope::kSpan);
  EXPECT_EQ(tokens[0].value, "http.status_code");
  EXPECT_EQ(tokens[0].text, "span.http.status_code");
  EXPECT_EQ(tokens[1].kind, K::kGe);

  for (const char* terminator :
       {" ", "{", "}", "(", ")", "=", "~", "!", "<", ">", "&&", "|", "^", ",", "\t", "\n"}) {
    tokens = LexOk(std::string(".a-b:c/d+e") + terminator + "x");
    ASSERT_GE(tokens.size(), 2u);
    EXPECT_EQ(tokens[0].value, "a-b:c/d+e") << "terminator " << terminator;
  }
}

TEST(LexerTest, Scopes) {
  const std::pair<const char*, AttributeScope> cases[] = {
      {".x", AttributeScope::kUnscoped},
      {"span.x", AttributeScope::kSpan},
      {"resource.x", AttributeScope::kResource},
      {"event.x", AttributeScope::kEvent},
      {"link.x", AttributeScope::kLink},
      {"instrumentation.x", AttributeScope::kInstrumentation},
  };
  for (const auto& [text, scope] : cases) {
    std::vector<Token> tokens = LexOk(text);
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(tokens[0].kind, K::kAttribute) << text;
    EXPECT_EQ(tokens[0].scope, scope) << text;
    EXPECT_EQ(tokens[0].value, "x") << text;
  }
  // Not a scope: a word, then an unscoped attribute.
  EXPECT_EQ(Kinds("parent.x"), (std::vector<K>{K::kIdentifier, K::kAttribute, K::kEnd}));
}

TEST(LexerTest, QuotedAttributeNamesConcatenate) {
  std::vector<Token> tokens = LexOk("span.a.\"b c\".\"d\\\"e\\\\\"f = 1");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].value, "a.b c.d\"e\\f");
  EXPECT_EQ(LexError("span.\"a"), "1:6: unterminated quoted attribute name");
  EXPECT_EQ(LexError("span.\"a\\n\""),
            "1:8: a quoted attribute name allows only the escapes \\\" and \\\\");
  EXPECT_EQ(LexError("resource. = 1"), "1:1: expected an attribute name after \"resource.\"");
}

TEST(LexerTest, ScopedIntrinsicsAndWords) {
  std::vector<Token> tokens = LexOk("span:duration trace:rootService foo:bar count");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, K::kScopedIntrinsic);
  EXPECT_EQ(tokens[0].scope_word, "span");
  EXPECT_EQ(tokens[0].value, "duration");
  EXPECT_EQ(tokens[1].scope_word, "trace");
  EXPECT_EQ(tokens[1].value, "rootService");
  EXPECT_EQ(tokens[2].kind, K::kScopedIntrinsic);  // unknown ones are the parser's to refuse
  EXPECT_EQ(tokens[3].kind, K::kIdentifier);
  EXPECT_EQ(tokens[3].text, "count");
  EXPECT_EQ(LexError("trace: x"), "1:7: expected an intrinsic name after \"trace:\"");
}

TEST(LexerTest, Numbers) {
  std::vector<Token> tokens = LexOk("0 42 9223372036854775808 1.5 .5 1e3 2.5E-3 300ms 1.5h");
  ASSERT_EQ(tokens.size(), 10u);
  EXPECT_EQ(tokens[0].kind, K::kInteger);
  EXPECT_EQ(tokens[1].magnitude, 42u);
  EXPECT_EQ(tokens[2].magnitude, uint64_t{1} << 63);  // the parser decides whether it fits
  EXPECT_EQ(tokens[3].kind, K::kFloat);
  EXPECT_EQ(tokens[3].real, 1.5);
  EXPECT_EQ(tokens[4].real, 0.5);
  EXPECT_EQ(tokens[5].real, 1000.0);
  EXPECT_EQ(tokens[6].real, 0.0025);
  EXPECT_EQ(tokens[7].kind, K::kDuration);
  EXPECT_EQ(tokens[7].nanos, 300'000'000);
  EXPECT_EQ(tokens[8].nanos, 5'400'000'000'000);
  // A minus sign is its own token.
  EXPECT_EQ(Kinds("-1"), (std::vector<K>{K::kMinus, K::kInteger, K::kEnd}));

  EXPECT_EQ(LexError("9223372036854775809"),
            "1:1: integer \"9223372036854775809\" is out of range");
  EXPECT_EQ(LexError("1e400"), "1:1: number \"1e400\" is out of range");
  EXPECT_EQ(LexError("1."), "1:3: expected a digit after the decimal point");
  EXPECT_EQ(LexError("3xs"),
            "1:1: bad duration \"3xs\": unknown unit \"xs\" (use ns, us, ms, s, m, h, d, w or y)");
}

TEST(LexerTest, Strings) {
  std::vector<Token> tokens =
      LexOk(R"("a\"b\\c\n\t\r\a\b\f\v\'\x41\101\u00e9\U0001F600" `raw\n"x"`)");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, K::kString);
  EXPECT_EQ(tokens[0].value, "a\"b\\c\n\t\r\a\b\f\v'AA\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(tokens[1].value, "raw\\n\"x\"");
  EXPECT_EQ(LexOk("`a\nb`")[0].value, "a\nb");  // raw strings may span lines

  EXPECT_EQ(LexError("\"abc"), "1:1: unterminated string");
  EXPECT_EQ(LexError("\"abc\\"), "1:1: unterminated string");
  EXPECT_EQ(LexError("`abc"), "1:1: unterminated string");
  EXPECT_EQ(LexError("\"a\nb\""),
            "1:1: unterminated string (a string cannot span lines; write \\n)");
  EXPECT_EQ(LexError(R"("\q")"), "1:2: unknown escape \"\\q\" in string");
  EXPECT_EQ(LexError(R"("\x4")"), "1:2: expected 2 hex digits after \\x");
  EXPECT_EQ(LexError(R"("\u12")"), "1:2: expected 4 hex digits after \\u");
  EXPECT_EQ(LexError(R"("\U00110000")"), "1:2: escape is not a Unicode code point");
  EXPECT_EQ(LexError(R"("\400")"), "1:2: octal escape is above \\377");
  EXPECT_EQ(LexError(R"("\18")"), "1:2: expected 3 octal digits after \\");
  EXPECT_EQ(LexError(R"("\xc3")"), "1:1: the string's escapes do not make valid UTF-8");
}

TEST(LexerTest, PositionsCountLinesAndCodePoints) {
  std::vector<Token> tokens = LexOk("{ .é = \"ü\"\n  && .b }");
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[0].pos.line, 1u);
  EXPECT_EQ(tokens[0].pos.column, 1u);
  EXPECT_EQ(tokens[2].kind, K::kEq);
  EXPECT_EQ(tokens[2].pos.column, 6u);  // é is one column
  EXPECT_EQ(tokens[3].pos.column, 8u);
  EXPECT_EQ(tokens[4].kind, K::kAndAnd);
  EXPECT_EQ(tokens[4].pos.line, 2u);
  EXPECT_EQ(tokens[4].pos.column, 3u);
  EXPECT_EQ(tokens[4].pos.offset, 15u);
  EXPECT_EQ(tokens.back().kind, K::kEnd);
  EXPECT_EQ(tokens.back().pos.line, 2u);
  EXPECT_EQ(tokens.back().pos.column, 10u);
}

TEST(LexerTest, RejectsWhatTraceqlHasNoUseFor) {
  EXPECT_EQ(LexError("{ } & { }"), "1:5: unexpected \"&\"; did you mean \"&&\"?");
  EXPECT_EQ(LexError("{ } ; { }"), "1:5: unexpected \";\"");
  EXPECT_EQ(LexError(std::string("{ \x01 }")), "1:3: unexpected byte 0x01");
  EXPECT_EQ(LexError("{\xC2\xA0}"), "1:2: unexpected character U+00A0");  // no-break space
  EXPECT_EQ(LexError("{ \xE2\x80\x9C }"), "1:3: unexpected character U+201C");
  EXPECT_EQ(LexError("\xF0\x9F\x98\x80"), "1:1: unexpected character U+1F600");
  EXPECT_EQ(LexError("{ .a = \"\xff\" }"), "1:9: the query is not valid UTF-8");
  EXPECT_EQ(LexError("ab\xc3"), "1:3: the query is not valid UTF-8");
  EXPECT_EQ(LexError("\xed\xa0\x80"), "1:1: the query is not valid UTF-8");  // a surrogate
}

TEST(LexerTest, DescribeToken) {
  const std::string query = "} \"s\" span.a " + std::string(40, 'x');  // tokens view into it
  std::vector<Token> tokens = LexOk(query);
  EXPECT_EQ(DescribeToken(tokens[0]), "\"}\"");
  EXPECT_EQ(DescribeToken(tokens[1]), "a string");
  EXPECT_EQ(DescribeToken(tokens[2]), "\"span.a\"");
  EXPECT_EQ(DescribeToken(tokens[3]), "\"" + std::string(32, 'x') + "…\"");
  EXPECT_EQ(DescribeToken(tokens[4]), "end of query");
}

}  // namespace
}  // namespace weft::query::traceql
