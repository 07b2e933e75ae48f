#include "query/traceql/parser.h"

#include <utility>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "query/traceql/condition_parser.h"
#include "query/traceql/lexer.h"
#include "query/traceql/printer.h"
#include "query/traceql/token_cursor.h"
#include "query/traceql/tree_height.h"
#include "query/traceql/type_check.h"

namespace weft::query::traceql {
namespace {

std::string PosText(SourcePos pos) { return absl::StrCat(pos.line, ":", pos.column); }

std::optional<SpansetOp> StructuralOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kGt:
      return SpansetOp::kChild;
    case TokenKind::kLt:
      return SpansetOp::kParent;
    case TokenKind::kDescendant:
      return SpansetOp::kDescendant;
    case TokenKind::kAncestor:
      return SpansetOp::kAncestor;
    case TokenKind::kTilde:
      return SpansetOp::kSibling;
    case TokenKind::kNotChild:
      return SpansetOp::kNotChild;
    case TokenKind::kNotParent:
      return SpansetOp::kNotParent;
    case TokenKind::kNotDescendant:
      return SpansetOp::kNotDescendant;
    case TokenKind::kNotAncestor:
      return SpansetOp::kNotAncestor;
    case TokenKind::kBangTilde:
      return SpansetOp::kNotSibling;
    case TokenKind::kUnionChild:
      return SpansetOp::kUnionChild;
    case TokenKind::kUnionParent:
      return SpansetOp::kUnionParent;
    case TokenKind::kUnionDescendant:
      return SpansetOp::kUnionDescendant;
    case TokenKind::kUnionAncestor:
      return SpansetOp::kUnionAncestor;
    case TokenKind::kUnionSibling:
      return SpansetOp::kUnionSibling;
    default:
      return std::nullopt;
  }
}

// Pipelines, stages, aggregates and spanset expressions; conditions are condition_parser.h's.
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : c_(std::move(tokens)) {}

  absl::StatusOr<Query> ParseQuery() {
    Query query;
    WEFT_ASSIGN_OR_RETURN(query.pipeline, ParsePipeline());
    if (!c_.At(TokenKind::kEnd)) {
      return ExpectedAfterStage(query.pipeline.back(), "the end of the query");
    }
    return query;
  }

 private:
  // A stage ended but the next token neither continues the pipeline nor is `terminator`.
  absl::Status ExpectedAfterStage(const Stage& stage, std::string_view terminator) const {
    if (stage.kind == Stage::Kind::kSpanset) {
      return c_.Expected(absl::StrCat("\"|\", a spanset operator such as \"&&\" or \">>\", or ",
                                      std::string(terminator)));
    }
    return c_.Expected(absl::StrCat("\"|\" or ", std::string(terminator)));
  }

  // ---- pipelines ------------------------------------------------------------------------------

  absl::StatusOr<std::vector<Stage>> ParsePipeline() {
    std::vector<Stage> stages;
    WEFT_ASSIGN_OR_RETURN(Stage first, ParseStage(nullptr));
    stages.push_back(std::move(first));
    while (c_.At(TokenKind::kPipe)) {
      const Token& pipe = c_.Advance();
      WEFT_ASSIGN_OR_RETURN(Stage stage, ParseStage(&pipe));
      stages.push_back(std::move(stage));
    }
    return stages;
  }

  // One stage; `pipe` is the `|` before it, or null for the first stage.
  absl::StatusOr<Stage> ParseStage(const Token* pipe) {
    Stage stage;
    stage.pos = c_.Peek().pos;
    const Token& t = c_.Peek();
    if (t.kind == TokenKind::kLeftBrace || t.kind == TokenKind::kLeftParen) {
      stage.kind = Stage::Kind::kSpanset;
      WEFT_ASSIGN_OR_RETURN(stage.spanset, ParseSpansetExpr());
      return stage;
    }
    if (c_.AtWord("by")) {
      stage.kind = Stage::Kind::kGroupBy;
      WEFT_ASSIGN_OR_RETURN(stage.group_by, ParseGroupBy());
      return stage;
    }
    if (c_.AtWord("select")) {
      stage.kind = Stage::Kind::kSelect;
      WEFT_ASSIGN_OR_RETURN(stage.select, ParseSelect());
      return stage;
    }
    if (c_.AtWord("coalesce")) {
      if (pipe == nullptr) {
        return SyntaxError(t.pos,
                           "coalesce() cannot start a query: it merges the spansets of "
                           "the stages before it");
      }
      c_.Advance();
      WEFT_RETURN_IF_ERROR(c_.Expect(TokenKind::kLeftParen, "\"(\" after \"coalesce\""));
      WEFT_RETURN_IF_ERROR(
          c_.Expect(TokenKind::kRightParen, "\")\": coalesce() takes no argument"));
      stage.kind = Stage::Kind::kCoalesce;
      return stage;
    }
    if ((t.kind == TokenKind::kIdentifier && AggregateFunctionNamed(t.text).has_value()) ||
        t.kind == TokenKind::kInteger || t.kind == TokenKind::kFloat ||
        t.kind == TokenKind::kDuration || t.kind == TokenKind::kMinus) {
      stage.kind = Stage::Kind::kScalarFilter;
      WEFT_ASSIGN_OR_RETURN(stage.scalar_filter, ParseScalarFilter());
      return stage;
    }
    if (pipe == nullptr) return c_.Expected("a spanset filter such as \"{ }\"");
    return c_.Expected(
        "a spanset filter, an aggregate such as count(), by(), select() or coalesce() after "
        "\"|\"");
  }

  // `by(expr, …)`
  absl::StatusOr<std::vector<FieldExpr>> ParseGroupBy() {
    c_.Advance();
    WEFT_RETURN_IF_ERROR(c_.Expect(TokenKind::kLeftParen, "\"(\" after \"by\""));
    std::vector<FieldExpr> fields;
    while (true) {
      WEFT_ASSIGN_OR_RETURN(FieldExpr field, ParseCondition(c_, "a field to group by"));
      fields.push_back(std::move(field));
      if (c_.At(TokenKind::kComma)) {
        c_.Advance();
        continue;
      }
      WEFT_RETURN_IF_ERROR(c_.Expect(TokenKind::kRightParen, "\",\" or \")\" in by(…)"));
      return fields;
    }
  }

  // `select(field, …)`
  absl::StatusOr<std::vector<FieldRef>> ParseSelect() {
    c_.Advance();
    WEFT_RETURN_IF_ERROR(c_.Expect(TokenKind::kLeftParen, "\"(\" after \"select\""));
    std::vector<FieldRef> fields;
    while (true) {
      WEFT_ASSIGN_OR_RETURN(FieldRef field,
                            ParseFieldRef(c_,
                                          "an attribute or intrinsic to select, such as "
                                          "span.http.url"));
      fields.push_back(std::move(field));
      if (c_.At(TokenKind::kComma)) {
        c_.Advance();
        continue;
      }
      WEFT_RETURN_IF_ERROR(c_.Expect(TokenKind::kRightParen, "\",\" or \")\" in select(…)"));
      return fields;
    }
  }

  // `aggregate op value`, `value op aggregate` or `aggregate op aggregate`.
  absl::StatusOr<ScalarFilter> ParseScalarFilter() {
    ScalarFilter filter;
    WEFT_ASSIGN_OR_RETURN(filter.lhs, ParseScalarOperand(nullptr));
    const std::optional<CompareOp> op = CompareOpOf(c_.Peek().kind);
    if (!op.has_value() || *op == CompareOp::kRegex || *op == CompareOp::kNotRegex) {
      return c_.Expected(absl::StrCat("a comparison (=, !=, <, <=, >, >=) after ",
                                      Quoted(ScalarText(filter.lhs))));
    }
    const Token& op_token = c_.Advance();
    filter.op = *op;
    filter.pos = op_token.pos;
    WEFT_ASSIGN_OR_RETURN(filter.rhs, ParseScalarOperand(&op_token));
    if (!std::holds_alternative<Aggregate>(filter.lhs.value) &&
        !std::holds_alternative<Aggregate>(filter.rhs.value)) {
      return SyntaxError(op_token.pos,
                         "a comparison in a pipeline needs an aggregate such as count() on "
                         "one side");
    }
    return filter;
  }

  static std::string ScalarText(const ScalarOperand& operand) {
    if (const auto* a = std::get_if<Aggregate>(&operand.value)) return ToString(*a);
    return ToString(std::get<Literal>(operand.value));
  }

  absl::StatusOr<ScalarOperand> ParseScalarOperand(const Token* after) {
    const Token& t = c_.Peek();
    if (t.kind == TokenKind::kIdentifier && AggregateFunctionNamed(t.text).has_value()) {
      WEFT_ASSIGN_OR_RETURN(Aggregate aggregate, ParseAggregate());
      return ScalarOperand{std::move(aggregate)};
    }
    if (t.kind == TokenKind::kInteger || t.kind == TokenKind::kFloat ||
        t.kind == TokenKind::kDuration || t.kind == TokenKind::kMinus) {
      WEFT_ASSIGN_OR_RETURN(Literal literal, ParseNumber(c_));
      return ScalarOperand{std::move(literal)};
    }
    return c_.Expected(
        absl::StrCat("an aggregate such as count() or a number",
                     after != nullptr ? absl::StrCat(" after ", Quoted(after->text)) : ""));
  }

  // `count()`, `avg(field)`, …
  absl::StatusOr<Aggregate> ParseAggregate() {
    const Token& name = c_.Advance();
    Aggregate aggregate;
    aggregate.pos = name.pos;
    aggregate.function = *AggregateFunctionNamed(name.text);
    WEFT_RETURN_IF_ERROR(
        c_.Expect(TokenKind::kLeftParen, absl::StrCat("\"(\" after ", Quoted(name.text))));
    if (aggregate.function == AggregateFunction::kCount) {
      WEFT_RETURN_IF_ERROR(c_.Expect(TokenKind::kRightParen, "\")\": count() takes no argument"));
      return aggregate;
    }
    const std::string fn(name.text);
    WEFT_ASSIGN_OR_RETURN(FieldRef field,
                          ParseFieldRef(c_, absl::StrCat("an attribute or intrinsic in ", fn,
                                                         "(…), such as ", fn, "(span:duration)")));
    const ValueType type = field.type();
    if (!IsNumeric(type) && type != ValueType::kDynamic) {
      return SyntaxError(field.pos, absl::StrCat(fn, "() needs a numeric field; ", ToString(field),
                                                 " is ", std::string(ValueTypeDescription(type))));
    }
    aggregate.argument = std::move(field);
    WEFT_RETURN_IF_ERROR(
        c_.Expect(TokenKind::kRightParen, absl::StrCat("\")\" to close ", fn, "(…)")));
    return aggregate;
  }

  // ---- spanset expressions --------------------------------------------------------------------

  // `&&` and `||` (lowest, equal precedence, left to right).
  absl::StatusOr<SpansetExpr> ParseSpansetExpr() {
    WEFT_ASSIGN_OR_RETURN(SpansetExpr lhs, ParseStructural(nullptr));
    while (c_.At(TokenKind::kAndAnd) || c_.At(TokenKind::kOrOr)) {
      const Token& op_token = c_.Advance();
      const SpansetOp op = op_token.kind == TokenKind::kAndAnd ? SpansetOp::kAnd : SpansetOp::kOr;
      WEFT_ASSIGN_OR_RETURN(SpansetExpr rhs, ParseStructural(&op_token));
      WEFT_ASSIGN_OR_RETURN(lhs, Associate(op, std::move(lhs), std::move(rhs), op_token));
    }
    return lhs;
  }

  // `lhs && rhs` with operands of the same associative operator merged, so `a && b && c` (and
  // `a && (b && c)`) is one node of three operands.
  absl::StatusOr<SpansetExpr> Associate(SpansetOp op, SpansetExpr lhs, SpansetExpr rhs,
                                        const Token& op_token) {
    if (!WithinHeight(rhs, kMaxNestingDepth - 1)) return TokenCursor::TooDeep(op_token);
    const auto same = [op](const SpansetExpr& e) {
      return e.kind == SpansetExpr::Kind::kOperation && e.op == op;
    };
    SpansetExpr out;
    if (same(lhs)) {
      out = std::move(lhs);
    } else {
      if (!WithinHeight(lhs, kMaxNestingDepth - 1)) return TokenCursor::TooDeep(op_token);
      out.kind = SpansetExpr::Kind::kOperation;
      out.op = op;
      out.pos = op_token.pos;
      out.operands.push_back(std::move(lhs));
    }
    if (same(rhs)) {
      for (SpansetExpr& operand : rhs.operands) out.operands.push_back(std::move(operand));
    } else {
      out.operands.push_back(std::move(rhs));
    }
    return out;
  }

  // The structural operators (above && and ||, left to right).
  absl::StatusOr<SpansetExpr> ParseStructural(const Token* after) {
    WEFT_ASSIGN_OR_RETURN(SpansetExpr lhs, ParseSpansetOperand(after));
    while (const std::optional<SpansetOp> op = StructuralOpOf(c_.Peek().kind)) {
      const Token& op_token = c_.Advance();
      WEFT_ASSIGN_OR_RETURN(SpansetExpr rhs, ParseSpansetOperand(&op_token));
      if (!WithinHeight(lhs, kMaxNestingDepth - 1) || !WithinHeight(rhs, kMaxNestingDepth - 1)) {
        return TokenCursor::TooDeep(op_token);
      }
      SpansetExpr node;
      node.kind = SpansetExpr::Kind::kOperation;
      node.op = *op;
      node.pos = op_token.pos;
      node.operands.push_back(std::move(lhs));
      node.operands.push_back(std::move(rhs));
      lhs = std::move(node);
    }
    return lhs;
  }

  // `{ … }`, or `( … )` holding a spanset expression or a whole pipeline.
  absl::StatusOr<SpansetExpr> ParseSpansetOperand(const Token* after) {
    if (c_.At(TokenKind::kLeftBrace)) {
      SpansetExpr e;
      e.kind = SpansetExpr::Kind::kFilter;
      e.pos = c_.Peek().pos;
      WEFT_ASSIGN_OR_RETURN(e.filter, ParseFilter());
      return e;
    }
    if (c_.At(TokenKind::kLeftParen)) {
      const Token& open = c_.Advance();
      TokenCursor::Level level(c_);
      WEFT_RETURN_IF_ERROR(level.Check(open));
      WEFT_ASSIGN_OR_RETURN(std::vector<Stage> stages, ParsePipeline());
      if (!c_.At(TokenKind::kRightParen)) {
        return ExpectedAfterStage(stages.back(),
                                  absl::StrCat("\")\" to match the \"(\" at ", PosText(open.pos)));
      }
      c_.Advance();
      if (stages.size() == 1 && stages[0].kind == Stage::Kind::kSpanset) {
        return std::move(stages[0].spanset);  // parentheses only group
      }
      SpansetExpr e;
      e.kind = SpansetExpr::Kind::kPipeline;
      e.pos = open.pos;
      e.pipeline = std::move(stages);
      return e;
    }
    return c_.Expected(
        absl::StrCat("a spanset filter \"{\" or \"(\"",
                     after != nullptr ? absl::StrCat(" after ", Quoted(after->text)) : ""));
  }

  // `{ }` or `{ condition }`.
  absl::StatusOr<SpansetFilter> ParseFilter() {
    const Token& open = c_.Advance();
    TokenCursor::Level level(c_);
    WEFT_RETURN_IF_ERROR(level.Check(open));
    SpansetFilter filter;
    filter.pos = open.pos;
    if (c_.At(TokenKind::kRightBrace)) {
      c_.Advance();
      return filter;
    }
    WEFT_ASSIGN_OR_RETURN(FieldExpr condition, ParseCondition(c_, "a condition after \"{\""));
    WEFT_RETURN_IF_ERROR(CheckCondition(condition, "a spanset filter needs a condition"));
    filter.condition = std::move(condition);
    if (!c_.At(TokenKind::kRightBrace)) {
      return c_.Expected(absl::StrCat("\"}\" to close the \"{\" at ", PosText(open.pos)));
    }
    c_.Advance();
    return filter;
  }

  TokenCursor c_;
};

}  // namespace

absl::StatusOr<Query> Parse(std::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return SyntaxError(
        PositionAt(query, kMaxQueryBytes),
        absl::StrCat("the query is longer than ", kMaxQueryBytes, " bytes (", query.size(), ")"));
  }
  WEFT_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(query));
  return Parser(std::move(tokens)).ParseQuery();
}

}  // namespace weft::query::traceql
