#include "query/traceql/lexer.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/utf8.h"
#include "query/traceql/duration_literal.h"

namespace weft::query::traceql {
namespace {

constexpr uint64_t kTwoTo63 = uint64_t{1} << 63;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWordChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// A byte of a bare attribute name (Tempo's rule, plus: control bytes end a name too).
bool IsAttributeByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u == 0x7f) return false;
  switch (c) {
    case ' ':
    case '{':
    case '}':
    case '(':
    case ')':
    case '=':
    case '~':
    case '!':
    case '<':
    case '>':
    case '&':
    case '|':
    case '^':
    case ',':
    case '"':
      return false;
    default:
      return true;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Offset of the first byte that does not start a valid UTF-8 sequence, or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > s.size() || !IsValidUtf8(s.substr(i, len))) return i;
    i += len;
  }
  return std::string_view::npos;
}

// How an error names the character that starts `s` (valid UTF-8, not empty): `";"`,
// `character U+00A0`, `byte 0x01`.
std::string DescribeCharacter(std::string_view s) {
  const auto u = static_cast<unsigned char>(s[0]);
  if (u >= 0x21 && u < 0x7f) return absl::StrCat("\"", std::string(1, s[0]), "\"");
  if (u < 0x80) return absl::StrFormat("byte 0x%02x", u);
  const int len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : 2;
  uint32_t cp = u & (0x7F >> len);
  for (int k = 1; k < len && k < static_cast<int>(s.size()); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
  }
  return absl::StrFormat("character U+%04X", cp);
}

class Lexer {
 public:
  explicit Lexer(std::string_view query) : q_(query) {}

  absl::StatusOr<std::vector<Token>> Run() {
    if (size_t bad = FirstInvalidUtf8(q_); bad != std::string_view::npos) {
      return SyntaxError(PosAt(bad), "the query is not valid UTF-8");
    }
    std::vector<Token> tokens;
    while (true) {
      while (i_ < q_.size() && IsSpace(q_[i_])) ++i_;
      Token token;
      token.pos = PosAt(i_);
      const size_t start = i_;
      if (i_ >= q_.size()) {
        token.kind = TokenKind::kEnd;
        tokens.push_back(std::move(token));
        return tokens;
      }
      absl::Status status = Next(token);
      if (!status.ok()) return status;
      token.text = q_.substr(start, i_ - start);
      tokens.push_back(std::move(token));
    }
  }

 private:
  // Line and column of `offset`; callers mostly ask in increasing order, so a cursor walks
  // forward and the whole query is walked about once.
  SourcePos PosAt(size_t offset) {
    cursor_ = PositionAt(q_, offset, cursor_);
    return cursor_;
  }

  char Peek(size_t ahead = 0) const { return i_ + ahead < q_.size() ? q_[i_ + ahead] : '\0'; }
  bool Follows(std::string_view s) const { return q_.substr(i_, s.size()) == s; }

  // Lexes one token starting at i_ (not a space, not the end) into `token`.
  absl::Status Next(Token& token) {
    const char c = q_[i_];
    // Longest operators first.
    struct Op {
      std::string_view text;
      TokenKind kind;
    };
    static constexpr Op kOps[] = {
        {"&>>", TokenKind::kUnionDescendant},
        {"&<<", TokenKind::kUnionAncestor},
        {"!>>", TokenKind::kNotDescendant},
        {"!<<", TokenKind::kNotAncestor},
        {"&&", TokenKind::kAndAnd},
        {"||", TokenKind::kOrOr},
        {"&>", TokenKind::kUnionChild},
        {"&<", TokenKind::kUnionParent},
        {"&~", TokenKind::kUnionSibling},
        {"!=", TokenKind::kNe},
        {"!~", TokenKind::kBangTilde},
        {"!>", TokenKind::kNotChild},
        {"!<", TokenKind::kNotParent},
        {"=~", TokenKind::kRegex},
        {"<=", TokenKind::kLe},
        {">=", TokenKind::kGe},
        {"<<", TokenKind::kAncestor},
        {">>", TokenKind::kDescendant},
        {"{", TokenKind::kLeftBrace},
        {"}", TokenKind::kRightBrace},
        {"(", TokenKind::kLeftParen},
        {")", TokenKind::kRightParen},
        {",", TokenKind::kComma},
        {"|", TokenKind::kPipe},
        {"!", TokenKind::kBang},
        {"=", TokenKind::kEq},
        {"<", TokenKind::kLt},
        {">", TokenKind::kGt},
        {"~", TokenKind::kTilde},
        {"-", TokenKind::kMinus},
        {"+", TokenKind::kArithmetic},
        {"*", TokenKind::kArithmetic},
        {"/", TokenKind::kArithmetic},
        {"%", TokenKind::kArithmetic},
        {"^", TokenKind::kArithmetic},
    };
    if (c == '"') return LexString(token);
    if (c == '`') return LexRawString(token);
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumber(token);
    if (c == '.') {
      ++i_;
      token.scope = AttributeScope::kUnscoped;
      return LexAttributeName(token, ".");
    }
    if (IsLetter(c) || c == '_') return LexWord(token);
    for (const Op& op : kOps) {
      if (Follows(op.text)) {
        token.kind = op.kind;
        i_ += op.text.size();
        return absl::OkStatus();
      }
    }
    if (c == '&') return SyntaxError(token.pos, "unexpected \"&\"; did you mean \"&&\"?");
    return SyntaxError(token.pos, absl::StrCat("unexpected ", DescribeCharacter(q_.substr(i_))));
  }

  // A word: a keyword or function name, an unscoped intrinsic, `scope.` starting an attribute,
  // or `scope:word`, a scoped intrinsic.
  absl::Status LexWord(Token& token) {
    const size_t start = i_;
    while (i_ < q_.size() && IsWordChar(q_[i_])) ++i_;
    const std::string_view word = q_.substr(start, i_ - start);
    if (Peek() == '.') {
      static constexpr std::pair<std::string_view, AttributeScope> kScopes[] = {
          {"span", AttributeScope::kSpan},
          {"resource", AttributeScope::kResource},
          {"event", AttributeScope::kEvent},
          {"link", AttributeScope::kLink},
          {"instrumentation", AttributeScope::kInstrumentation},
      };
      for (const auto& [name, scope] : kScopes) {
        if (word == name) {
          ++i_;
          token.scope = scope;
          return LexAttributeName(token, AttributeScopePrefix(scope));
        }
      }
    }
    if (Peek() == ':') {
      ++i_;
      const size_t word_start = i_;
      while (i_ < q_.size() && IsWordChar(q_[i_])) ++i_;
      if (i_ == word_start) {
        return SyntaxError(PosAt(word_start), absl::StrCat("expected an intrinsic name after \"",
                                                           std::string(word), ":\""));
      }
      token.kind = TokenKind::kScopedIntrinsic;
      token.scope_word = word;
      token.value = std::string(q_.substr(word_start, i_ - word_start));
      return absl::OkStatus();
    }
    token.kind = TokenKind::kIdentifier;
    return absl::OkStatus();
  }

  // The name after a scope prefix (i_ is just past the prefix's '.').
  absl::Status LexAttributeName(Token& token, std::string_view prefix) {
    token.kind = TokenKind::kAttribute;
    while (i_ < q_.size()) {
      const char c = q_[i_];
      if (c == '"') {
        const size_t quote = i_;
        ++i_;
        while (true) {
          if (i_ >= q_.size()) {
            return SyntaxError(PosAt(quote), "unterminated quoted attribute name");
          }
          const char d = q_[i_];
          if (d == '"') break;
          if (d == '\\') {
            const char e = Peek(1);
            if (e != '"' && e != '\\') {
              return SyntaxError(PosAt(i_),
                                 "a quoted attribute name allows only the escapes \\\" and \\\\");
            }
            token.value.push_back(e);
            i_ += 2;
            continue;
          }
          token.value.push_back(d);
          ++i_;
        }
        ++i_;  // the closing quote
      } else if (IsAttributeByte(c)) {
        token.value.push_back(c);
        ++i_;
      } else {
        break;
      }
    }
    if (token.value.empty()) {
      return SyntaxError(token.pos, absl::StrCat("expected an attribute name after \"",
                                                 std::string(prefix), "\""));
    }
    return absl::OkStatus();
  }

  absl::Status LexNumber(Token& token) {
    const size_t start = i_;
    bool is_float = false;
    while (IsDigit(Peek())) ++i_;
    if (Peek() == '.') {
      if (!IsDigit(Peek(1))) {
        return SyntaxError(PosAt(i_ + 1), "expected a digit after the decimal point");
      }
      is_float = true;
      ++i_;
      while (IsDigit(Peek())) ++i_;
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      is_float = true;
      i_ += 2;
      while (IsDigit(Peek())) ++i_;
    }
    // A letter (or µ) right after the number: a duration such as 300ms or 1h30m.
    if (IsLetter(Peek()) || (Peek() == '\xC2' && Peek(1) == '\xB5')) {
      while (i_ < q_.size() &&
             (IsWordChar(q_[i_]) || q_[i_] == '.' || q_[i_] == '\xC2' || q_[i_] == '\xB5')) {
        ++i_;
      }
      absl::StatusOr<int64_t> nanos = ParseDurationText(q_.substr(start, i_ - start));
      if (!nanos.ok()) return SyntaxError(token.pos, std::string(nanos.status().message()));
      token.kind = TokenKind::kDuration;
      token.nanos = *nanos;
      return absl::OkStatus();
    }
    const std::string_view text = q_.substr(start, i_ - start);
    if (is_float) {
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return SyntaxError(token.pos,
                           absl::StrCat("number \"", std::string(text), "\" is out of range"));
      }
      token.kind = TokenKind::kFloat;
      token.real = value;
      return absl::OkStatus();
    }
    uint64_t value = 0;
    for (char c : text) {
      const uint64_t digit = static_cast<uint64_t>(c - '0');
      if (value > (kTwoTo63 - digit) / 10) {
        return SyntaxError(token.pos,
                           absl::StrCat("integer \"", std::string(text), "\" is out of range"));
      }
      value = value * 10 + digit;
    }
    token.kind = TokenKind::kInteger;
    token.magnitude = value;
    return absl::OkStatus();
  }

  // "…" with Go's escapes; a string may not span lines.
  absl::Status LexString(Token& token) {
    const size_t quote = i_;
    ++i_;
    token.kind = TokenKind::kString;
    while (true) {
      if (i_ >= q_.size()) return SyntaxError(PosAt(quote), "unterminated string");
      const char c = q_[i_];
      if (c == '"') break;
      if (c == '\n') {
        return SyntaxError(PosAt(quote),
                           "unterminated string (a string cannot span lines; write \\n)");
      }
      if (c != '\\') {
        token.value.push_back(c);
        ++i_;
        continue;
      }
      if (i_ + 1 >= q_.size()) return SyntaxError(PosAt(quote), "unterminated string");
      absl::Status status = LexEscape(token.value);
      if (!status.ok()) return status;
    }
    ++i_;
    if (!IsValidUtf8(token.value)) {
      return SyntaxError(PosAt(quote), "the string's escapes do not make valid UTF-8");
    }
    return absl::OkStatus();
  }

  // One escape at i_ (a backslash), appended to `out`.
  absl::Status LexEscape(std::string& out) {
    const size_t backslash = i_;
    const char e = Peek(1);
    auto bad = [&](std::string_view why) { return SyntaxError(PosAt(backslash), why); };
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
      case '"':
      case '\'':
        out.push_back(e);
        break;
      case 'x':
      case 'u':
      case 'U': {
        const int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t value = 0;
        for (int k = 0; k < digits; ++k) {
          const int h = HexValue(Peek(2 + k));
          if (h < 0) {
            return bad(
                absl::StrCat("expected ", digits, " hex digits after \\", std::string(1, e)));
          }
          value = value * 16 + static_cast<uint32_t>(h);
        }
        if (e == 'x') {
          out.push_back(static_cast<char>(value));
        } else {
          if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
            return bad("escape is not a Unicode code point");
          }
          AppendUtf8(value, out);
        }
        i_ += 2 + digits;
        return absl::OkStatus();
      }
      default:
        if (e >= '0' && e <= '7') {
          uint32_t value = 0;
          for (int k = 0; k < 3; ++k) {
            const char d = Peek(1 + k);
            if (d < '0' || d > '7') return bad("expected 3 octal digits after \\");
            value = value * 8 + static_cast<uint32_t>(d - '0');
          }
          if (value > 255) return bad("octal escape is above \\377");
          out.push_back(static_cast<char>(value));
          i_ += 4;
          return absl::OkStatus();
        }
        if (const auto u = static_cast<unsigned char>(e); u >= 0x21 && u < 0x7f) {
          return bad(absl::StrCat("unknown escape \"\\", std::string(1, e), "\" in string"));
        }
        return bad("unknown escape in string");
    }
    i_ += 2;
    return absl::OkStatus();
  }

  // `…`: no escapes, may span lines.
  absl::Status LexRawString(Token& token) {
    const size_t quote = i_;
    const size_t close = q_.find('`', i_ + 1);
    if (close == std::string_view::npos) return SyntaxError(PosAt(quote), "unterminated string");
    token.kind = TokenKind::kString;
    token.value = std::string(q_.substr(i_ + 1, close - i_ - 1));
    i_ = close + 1;
    return absl::OkStatus();
  }

  std::string_view q_;
  size_t i_ = 0;
  SourcePos cursor_;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Lex(std::string_view query) { return Lexer(query).Run(); }

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of query";
    case TokenKind::kString:
      return "a string";
    default:
      break;
  }
  constexpr size_t kMaxShown = 32;
  std::string_view text = token.text;
  if (text.size() <= kMaxShown) return absl::StrCat("\"", std::string(text), "\"");
  size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("\"", std::string(text.substr(0, cut)), "…\"");
}

}  // namespace weft::query::traceql
