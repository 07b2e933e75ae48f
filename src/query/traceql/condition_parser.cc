#include "query/traceql/condition_parser.h"

#include <utility>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "query/traceql/query_limits.h"
#include "query/traceql/tree_height.h"
#include "query/traceql/type_check.h"

namespace weft::query::traceql {
namespace {

constexpr uint64_t kTwoTo63 = uint64_t{1} << 63;

std::string PosText(SourcePos pos) { return absl::StrCat(pos.line, ":", pos.column); }

// The words that are values: booleans, nil, statuses, kinds, and Tempo's integer bounds.
std::optional<LiteralValue> KeywordValue(std::string_view word) {
  static constexpr std::pair<std::string_view, StatusCode> kStatuses[] = {
      {"ok", StatusCode::kOk}, {"error", StatusCode::kError}, {"unset", StatusCode::kUnset}};
  static constexpr std::pair<std::string_view, SpanKind> kKinds[] = {
      {"unspecified", SpanKind::kUnspecified}, {"internal", SpanKind::kInternal},
      {"server", SpanKind::kServer},           {"client", SpanKind::kClient},
      {"producer", SpanKind::kProducer},       {"consumer", SpanKind::kConsumer}};
  if (word == "true") return LiteralValue(true);
  if (word == "false") return LiteralValue(false);
  if (word == "nil") return LiteralValue(Nil{});
  if (word == "minInt") return LiteralValue(std::numeric_limits<int64_t>::min());
  if (word == "maxInt") return LiteralValue(std::numeric_limits<int64_t>::max());
  for (const auto& [name, code] : kStatuses) {
    if (word == name) return LiteralValue(code);
  }
  for (const auto& [name, kind] : kKinds) {
    if (word == name) return LiteralValue(kind);
  }
  return std::nullopt;
}

std::string ScopedIntrinsicHint(std::string_view scope) {
  if (scope == "span") {
    return " (span: has name, status, statusMessage, kind, duration, id, parentID, childCount)";
  }
  if (scope == "trace") return " (trace: has duration, rootName, rootService, id)";
  if (scope == "event") return " (event: has name, timeSinceStart)";
  if (scope == "link") return " (link: has traceID, spanID)";
  if (scope == "instrumentation") return " (instrumentation: has name, version)";
  if (scope == "resource") return " (resource has attributes only: resource.name)";
  return " (intrinsic scopes are span:, trace:, event:, link:, instrumentation:)";
}

FieldExpr LiteralExpr(Literal literal) {
  FieldExpr e;
  e.kind = FieldExpr::Kind::kLiteral;
  e.pos = literal.pos;
  e.type = literal.type();
  e.literal = std::move(literal);
  return e;
}

FieldExpr FieldRefExpr(FieldRef field) {
  FieldExpr e;
  e.kind = FieldExpr::Kind::kField;
  e.pos = field.pos;
  e.type = field.type();
  e.field = std::move(field);
  return e;
}

class ConditionParser {
 public:
  explicit ConditionParser(TokenCursor& cursor) : c_(cursor) {}

  // `&&` and `||` (lowest, equal precedence, left to right).
  absl::StatusOr<FieldExpr> Condition(std::string_view what) {
    WEFT_ASSIGN_OR_RETURN(FieldExpr lhs, Comparison(what));
    while (c_.At(TokenKind::kAndAnd) || c_.At(TokenKind::kOrOr)) {
      const Token& op_token = c_.Advance();
      const std::string needed_by =
          absl::StrCat(Quoted(op_token.text), " needs a condition on each side");
      WEFT_RETURN_IF_ERROR(CheckCondition(lhs, needed_by));
      WEFT_ASSIGN_OR_RETURN(FieldExpr rhs,
                            Comparison(absl::StrCat("a condition after ", Quoted(op_token.text))));
      WEFT_RETURN_IF_ERROR(CheckCondition(rhs, needed_by));
      const FieldExpr::Kind kind =
          op_token.kind == TokenKind::kAndAnd ? FieldExpr::Kind::kAnd : FieldExpr::Kind::kOr;
      WEFT_ASSIGN_OR_RETURN(lhs, Associate(kind, std::move(lhs), std::move(rhs), op_token));
    }
    return lhs;
  }

  // An integer, float or duration, possibly negated by a `-` before it.
  absl::StatusOr<Literal> Number() {
    Literal literal;
    literal.pos = c_.Peek().pos;
    bool negative = false;
    if (c_.At(TokenKind::kMinus)) {
      c_.Advance();
      negative = true;
      if (!c_.At(TokenKind::kInteger) && !c_.At(TokenKind::kFloat) &&
          !c_.At(TokenKind::kDuration)) {
        return c_.Expected("a number or duration after \"-\" (arithmetic is not supported)");
      }
    }
    const Token& t = c_.Advance();
    switch (t.kind) {
      case TokenKind::kInteger:
        if (t.magnitude == kTwoTo63 && !negative) {
          return SyntaxError(t.pos,
                             absl::StrCat("integer ", Quoted(t.text),
                                          " is out of range (largest: 9223372036854775807)"));
        }
        literal.value =
            negative ? static_cast<int64_t>(0 - t.magnitude) : static_cast<int64_t>(t.magnitude);
        break;
      case TokenKind::kFloat:
        literal.value = negative ? -t.real : t.real;
        break;
      default:  // kDuration
        literal.value = Duration{negative ? -t.nanos : t.nanos};
        break;
    }
    return literal;
  }

  // An attribute, a scoped intrinsic, or an unscoped intrinsic's name.
  absl::StatusOr<FieldRef> Field(std::string_view what) {
    const Token& t = c_.Peek();
    FieldRef field;
    field.pos = t.pos;
    switch (t.kind) {
      case TokenKind::kAttribute:
        field.kind = FieldRef::Kind::kAttribute;
        field.scope = t.scope;
        field.name = t.value;
        c_.Advance();
        return field;
      case TokenKind::kScopedIntrinsic: {
        std::optional<Intrinsic> intrinsic = LookupScopedIntrinsic(t.scope_word, t.value);
        if (!intrinsic.has_value()) {
          return SyntaxError(t.pos, absl::StrCat("unknown intrinsic ", Quoted(t.text),
                                                 ScopedIntrinsicHint(t.scope_word)));
        }
        field.kind = FieldRef::Kind::kIntrinsic;
        field.intrinsic = *intrinsic;
        c_.Advance();
        return field;
      }
      case TokenKind::kIdentifier: {
        if (std::optional<Intrinsic> intrinsic = LookupUnscopedIntrinsic(t.text)) {
          field.kind = FieldRef::Kind::kIntrinsic;
          field.intrinsic = *intrinsic;
          c_.Advance();
          return field;
        }
        if (AggregateFunctionNamed(t.text).has_value() || t.text == "by" || t.text == "select" ||
            t.text == "coalesce") {
          return SyntaxError(t.pos, absl::StrCat(Quoted(t.text),
                                                 " belongs in a pipeline stage after \"|\", as "
                                                 "in { } | count() > 1; expected ",
                                                 std::string(what)));
        }
        if (KeywordValue(t.text).has_value()) return c_.Expected(what);
        return SyntaxError(
            t.pos,
            absl::StrCat("unknown name ", Quoted(t.text), ": an attribute needs a scope, as in \".",
                         std::string(t.text), "\" or \"span.", std::string(t.text), "\""));
      }
      default:
        return c_.Expected(what);
    }
  }

 private:
  // `lhs op rhs` with operands of the same operator merged: `a && b && c` (and
  // `a && (b && c)`) is one node of three operands.
  absl::StatusOr<FieldExpr> Associate(FieldExpr::Kind kind, FieldExpr lhs, FieldExpr rhs,
                                      const Token& op_token) {
    if (!WithinHeight(rhs, kMaxNestingDepth - 1)) return TokenCursor::TooDeep(op_token);
    FieldExpr out;
    if (lhs.kind == kind) {
      out = std::move(lhs);
    } else {
      if (!WithinHeight(lhs, kMaxNestingDepth - 1)) return TokenCursor::TooDeep(op_token);
      out.kind = kind;
      out.type = ValueType::kBool;
      out.pos = op_token.pos;
      out.operands.push_back(std::move(lhs));
    }
    if (rhs.kind == kind) {
      for (FieldExpr& operand : rhs.operands) out.operands.push_back(std::move(operand));
    } else {
      out.operands.push_back(std::move(rhs));
    }
    return out;
  }

  // Comparisons (above && and ||, left to right).
  absl::StatusOr<FieldExpr> Comparison(std::string_view what) {
    WEFT_ASSIGN_OR_RETURN(FieldExpr lhs, Unary(what));
    WEFT_RETURN_IF_ERROR(RejectArithmetic());
    while (const std::optional<CompareOp> op = CompareOpOf(c_.Peek().kind)) {
      const Token& op_token = c_.Advance();
      WEFT_ASSIGN_OR_RETURN(FieldExpr rhs,
                            Unary(absl::StrCat("a value after ", Quoted(op_token.text))));
      WEFT_RETURN_IF_ERROR(RejectArithmetic());
      WEFT_RETURN_IF_ERROR(CheckComparison(*op, lhs, rhs, op_token.pos));
      if (!WithinHeight(lhs, kMaxNestingDepth - 1) || !WithinHeight(rhs, kMaxNestingDepth - 1)) {
        return TokenCursor::TooDeep(op_token);
      }
      FieldExpr node;
      node.kind = FieldExpr::Kind::kCompare;
      node.type = ValueType::kBool;
      node.op = *op;
      node.pos = op_token.pos;
      node.operands.push_back(std::move(lhs));
      node.operands.push_back(std::move(rhs));
      lhs = std::move(node);
    }
    return lhs;
  }

  absl::Status RejectArithmetic() const {
    if (c_.At(TokenKind::kArithmetic) || c_.At(TokenKind::kMinus)) {
      return SyntaxError(c_.Peek().pos, absl::StrCat("arithmetic (", Quoted(c_.Peek().text),
                                                     ") is not supported"));
    }
    return absl::OkStatus();
  }

  // `!operand` (above comparisons) or an operand.
  absl::StatusOr<FieldExpr> Unary(std::string_view what) {
    if (!c_.At(TokenKind::kBang)) return Operand(what);
    const Token& bang = c_.Advance();
    TokenCursor::Level level(c_);
    WEFT_RETURN_IF_ERROR(level.Check(bang));
    WEFT_ASSIGN_OR_RETURN(FieldExpr operand, Unary("a condition after \"!\""));
    WEFT_RETURN_IF_ERROR(CheckCondition(operand, "\"!\" needs a condition"));
    FieldExpr node;
    node.kind = FieldExpr::Kind::kNot;
    node.type = ValueType::kBool;
    node.pos = bang.pos;
    node.operands.push_back(std::move(operand));
    return node;
  }

  // A literal, a field, or a parenthesised condition.
  absl::StatusOr<FieldExpr> Operand(std::string_view what) {
    const Token& t = c_.Peek();
    switch (t.kind) {
      case TokenKind::kLeftParen: {
        const Token& open = c_.Advance();
        TokenCursor::Level level(c_);
        WEFT_RETURN_IF_ERROR(level.Check(open));
        WEFT_ASSIGN_OR_RETURN(FieldExpr inner, Condition("a condition after \"(\""));
        WEFT_RETURN_IF_ERROR(
            c_.Expect(TokenKind::kRightParen,
                      absl::StrCat("\")\" to match the \"(\" at ", PosText(open.pos))));
        return inner;
      }
      case TokenKind::kString: {
        const Token& s = c_.Advance();
        return LiteralExpr(Literal{s.pos, s.value});
      }
      case TokenKind::kInteger:
      case TokenKind::kFloat:
      case TokenKind::kDuration:
      case TokenKind::kMinus: {
        WEFT_ASSIGN_OR_RETURN(Literal number, Number());
        return LiteralExpr(std::move(number));
      }
      case TokenKind::kIdentifier:
        if (std::optional<LiteralValue> value = KeywordValue(t.text)) {
          c_.Advance();
          return LiteralExpr(Literal{t.pos, std::move(*value)});
        }
        [[fallthrough]];
      case TokenKind::kAttribute:
      case TokenKind::kScopedIntrinsic: {
        WEFT_ASSIGN_OR_RETURN(FieldRef field, Field(what));
        return FieldRefExpr(std::move(field));
      }
      default:
        return c_.Expected(what);
    }
  }

  TokenCursor& c_;
};

}  // namespace

std::optional<CompareOp> CompareOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return CompareOp::kEq;
    case TokenKind::kNe:
      return CompareOp::kNe;
    case TokenKind::kLt:
      return CompareOp::kLt;
    case TokenKind::kLe:
      return CompareOp::kLe;
    case TokenKind::kGt:
      return CompareOp::kGt;
    case TokenKind::kGe:
      return CompareOp::kGe;
    case TokenKind::kRegex:
      return CompareOp::kRegex;
    case TokenKind::kBangTilde:
      return CompareOp::kNotRegex;
    default:
      return std::nullopt;
  }
}

absl::StatusOr<FieldExpr> ParseCondition(TokenCursor& cursor, std::string_view what) {
  return ConditionParser(cursor).Condition(what);
}

absl::StatusOr<FieldRef> ParseFieldRef(TokenCursor& cursor, std::string_view what) {
  return ConditionParser(cursor).Field(what);
}

absl::StatusOr<Literal> ParseNumber(TokenCursor& cursor) {
  return ConditionParser(cursor).Number();
}

}  // namespace weft::query::traceql
