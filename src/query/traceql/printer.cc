#include "query/traceql/printer.h"

#include <charconv>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/traceql/duration_literal.h"

namespace weft::query::traceql {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Mirrors the lexer's rule for bare attribute names (lexer.cc IsAttributeByte).
bool IsBareAttributeByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u == 0x7f) return false;
  return std::string_view(" {}()=~!<>&|^,\"").find(c) == std::string_view::npos;
}

bool NeedsQuotes(AttributeScope scope, std::string_view name) {
  if (name.empty()) return true;
  // `.5x` would read as a number.
  if (scope == AttributeScope::kUnscoped && name[0] >= '0' && name[0] <= '9') return true;
  for (char c : name) {
    if (!IsBareAttributeByte(c)) return true;
  }
  return false;
}

void AppendDouble(double value, std::string& out) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  std::string_view text(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
  out.append(text);
  // Keep it a float when read back: "2" -> "2.0".
  if (text.find_first_of(".eEn") == std::string_view::npos) out.append(".0");
}

void AppendLiteral(const Literal& literal, std::string& out) {
  std::visit(Overloaded{
                 [&](const Nil&) { out.append("nil"); },
                 [&](bool b) { out.append(b ? "true" : "false"); },
                 [&](int64_t i) { absl::StrAppend(&out, i); },
                 [&](double d) { AppendDouble(d, out); },
                 [&](const std::string& s) { out.append(QuoteString(s)); },
                 [&](const Duration& d) { out.append(FormatDuration(d.nanos)); },
                 [&](StatusCode c) { out.append(StatusCodeName(c)); },
                 [&](SpanKind k) { out.append(SpanKindName(k)); },
             },
             literal.value);
}

void AppendFieldRef(const FieldRef& field, std::string& out) {
  if (field.kind == FieldRef::Kind::kIntrinsic) {
    out.append(IntrinsicName(field.intrinsic));
    return;
  }
  out.append(AttributeScopePrefix(field.scope));
  if (!NeedsQuotes(field.scope, field.name)) {
    out.append(field.name);
    return;
  }
  out.push_back('"');
  for (char c : field.name) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

bool IsLeaf(const FieldExpr& e) {
  return e.kind == FieldExpr::Kind::kLiteral || e.kind == FieldExpr::Kind::kField;
}

void AppendFieldExpr(const FieldExpr& e, std::string& out);

void AppendParenthesised(const FieldExpr& e, bool parens, std::string& out) {
  if (parens) out.push_back('(');
  AppendFieldExpr(e, out);
  if (parens) out.push_back(')');
}

void AppendFieldExpr(const FieldExpr& e, std::string& out) {
  switch (e.kind) {
    case FieldExpr::Kind::kLiteral:
      AppendLiteral(e.literal, out);
      return;
    case FieldExpr::Kind::kField:
      AppendFieldRef(e.field, out);
      return;
    case FieldExpr::Kind::kNot: {
      const FieldExpr& operand = e.operands[0];
      out.push_back('!');
      AppendParenthesised(operand, !IsLeaf(operand) && operand.kind != FieldExpr::Kind::kNot, out);
      return;
    }
    case FieldExpr::Kind::kCompare:
      AppendParenthesised(e.operands[0], !IsLeaf(e.operands[0]), out);
      absl::StrAppend(&out, " ", std::string(CompareOpSymbol(e.op)), " ");
      AppendParenthesised(e.operands[1], !IsLeaf(e.operands[1]), out);
      return;
    case FieldExpr::Kind::kAnd:
    case FieldExpr::Kind::kOr: {
      const char* separator = e.kind == FieldExpr::Kind::kAnd ? " && " : " || ";
      for (size_t i = 0; i < e.operands.size(); ++i) {
        if (i > 0) out.append(separator);
        const FieldExpr& operand = e.operands[i];
        AppendParenthesised(
            operand, operand.kind == FieldExpr::Kind::kAnd || operand.kind == FieldExpr::Kind::kOr,
            out);
      }
      return;
    }
  }
}

void AppendSpansetExpr(const SpansetExpr& e, std::string& out);
void AppendPipeline(const std::vector<Stage>& stages, std::string& out);

void AppendFilter(const SpansetFilter& filter, std::string& out) {
  if (!filter.condition.has_value()) {
    out.append("{ }");
    return;
  }
  out.append("{ ");
  AppendFieldExpr(*filter.condition, out);
  out.append(" }");
}

void AppendSpansetExpr(const SpansetExpr& e, std::string& out) {
  switch (e.kind) {
    case SpansetExpr::Kind::kFilter:
      AppendFilter(e.filter, out);
      return;
    case SpansetExpr::Kind::kPipeline:
      out.push_back('(');
      AppendPipeline(e.pipeline, out);
      out.push_back(')');
      return;
    case SpansetExpr::Kind::kOperation:
      for (size_t i = 0; i < e.operands.size(); ++i) {
        if (i > 0) absl::StrAppend(&out, " ", std::string(SpansetOpSymbol(e.op)), " ");
        const SpansetExpr& operand = e.operands[i];
        const bool parens = operand.kind == SpansetExpr::Kind::kOperation;
        if (parens) out.push_back('(');
        AppendSpansetExpr(operand, out);
        if (parens) out.push_back(')');
      }
      return;
  }
}

void AppendAggregate(const Aggregate& aggregate, std::string& out) {
  absl::StrAppend(&out, std::string(AggregateFunctionName(aggregate.function)), "(");
  if (aggregate.argument.has_value()) AppendFieldRef(*aggregate.argument, out);
  out.push_back(')');
}

void AppendScalarOperand(const ScalarOperand& operand, std::string& out) {
  std::visit(Overloaded{
                 [&](const Aggregate& a) { AppendAggregate(a, out); },
                 [&](const Literal& l) { AppendLiteral(l, out); },
             },
             operand.value);
}

void AppendStage(const Stage& stage, std::string& out) {
  switch (stage.kind) {
    case Stage::Kind::kSpanset:
      AppendSpansetExpr(stage.spanset, out);
      return;
    case Stage::Kind::kScalarFilter:
      AppendScalarOperand(stage.scalar_filter.lhs, out);
      absl::StrAppend(&out, " ", std::string(CompareOpSymbol(stage.scalar_filter.op)), " ");
      AppendScalarOperand(stage.scalar_filter.rhs, out);
      return;
    case Stage::Kind::kGroupBy:
      out.append("by(");
      for (size_t i = 0; i < stage.group_by.size(); ++i) {
        if (i > 0) out.append(", ");
        AppendFieldExpr(stage.group_by[i], out);
      }
      out.push_back(')');
      return;
    case Stage::Kind::kSelect:
      out.append("select(");
      for (size_t i = 0; i < stage.select.size(); ++i) {
        if (i > 0) out.append(", ");
        AppendFieldRef(stage.select[i], out);
      }
      out.push_back(')');
      return;
    case Stage::Kind::kCoalesce:
      out.append("coalesce()");
      return;
  }
}

void AppendPipeline(const std::vector<Stage>& stages, std::string& out) {
  for (size_t i = 0; i < stages.size(); ++i) {
    if (i > 0) out.append(" | ");
    AppendStage(stages[i], out);
  }
}

}  // namespace

std::string QuoteString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (const auto u = static_cast<unsigned char>(c); u < 0x20 || u == 0x7f) {
          absl::StrAppendFormat(&out, "\\x%02x", u);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string ToString(const Query& query) {
  std::string out;
  AppendPipeline(query.pipeline, out);
  return out;
}

std::string ToString(const SpansetExpr& expr) {
  std::string out;
  AppendSpansetExpr(expr, out);
  return out;
}

std::string ToString(const FieldExpr& expr) {
  std::string out;
  AppendFieldExpr(expr, out);
  return out;
}

std::string ToString(const FieldRef& field) {
  std::string out;
  AppendFieldRef(field, out);
  return out;
}

std::string ToString(const Literal& literal) {
  std::string out;
  AppendLiteral(literal, out);
  return out;
}

std::string ToString(const Aggregate& aggregate) {
  std::string out;
  AppendAggregate(aggregate, out);
  return out;
}

}  // namespace weft::query::traceql
