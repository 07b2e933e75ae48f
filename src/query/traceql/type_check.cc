#include "query/traceql/type_check.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "query/traceql/printer.h"

namespace weft::query::traceql {
namespace {

// `span:status (a status)`, with long operands cut.
std::string Describe(const FieldExpr& e) {
  std::string text = ToString(e);
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) {
    size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = absl::StrCat(text.substr(0, cut), "…");
  }
  return absl::StrCat(text, " (", std::string(ValueTypeDescription(e.type)), ")");
}

bool IsOrdering(CompareOp op) {
  return op == CompareOp::kLt || op == CompareOp::kLe || op == CompareOp::kGt ||
         op == CompareOp::kGe;
}

// "!" binds tighter than comparisons in TraceQL: say so when it is the likely cause.
std::string NotHint(const FieldExpr& lhs) {
  return lhs.kind == FieldExpr::Kind::kNot
             ? " (\"!\" binds tighter than comparisons: write !(… = …))"
             : "";
}

}  // namespace

absl::Status CheckComparison(CompareOp op, const FieldExpr& lhs, const FieldExpr& rhs,
                             SourcePos at) {
  const ValueType l = lhs.type;
  const ValueType r = rhs.type;
  const std::string symbol(CompareOpSymbol(op));
  if (l == ValueType::kNil || r == ValueType::kNil) {
    if (op != CompareOp::kEq && op != CompareOp::kNe) {
      return SyntaxError(at, absl::StrCat("nil can only be compared with = or !=, not ", symbol));
    }
    return absl::OkStatus();
  }
  if (op == CompareOp::kRegex || op == CompareOp::kNotRegex) {
    for (const FieldExpr* side : {&lhs, &rhs}) {
      if (side->type != ValueType::kString && side->type != ValueType::kDynamic) {
        return SyntaxError(at, absl::StrCat("\"", symbol, "\" needs a string on each side; ",
                                            Describe(*side), " is not one", NotHint(lhs)));
      }
    }
    return absl::OkStatus();
  }
  if (l == ValueType::kDynamic || r == ValueType::kDynamic) return absl::OkStatus();
  if (IsNumeric(l) && IsNumeric(r)) return absl::OkStatus();
  if (l != r) {
    return SyntaxError(
        at, absl::StrCat("cannot compare ", Describe(lhs), " with ", Describe(rhs), NotHint(lhs)));
  }
  if (IsOrdering(op) &&
      (l == ValueType::kBool || l == ValueType::kStatus || l == ValueType::kKind)) {
    return SyntaxError(
        at, absl::StrCat("\"", symbol, "\" does not order ", std::string(ValueTypeDescription(l)),
                         "; use = or !=", NotHint(lhs)));
  }
  return absl::OkStatus();
}

absl::Status CheckCondition(const FieldExpr& expr, std::string_view needed_by) {
  if (expr.type == ValueType::kBool || expr.type == ValueType::kDynamic) return absl::OkStatus();
  return SyntaxError(
      expr.pos, absl::StrCat(std::string(needed_by), "; ", Describe(expr), " is not a condition"));
}

}  // namespace weft::query::traceql
