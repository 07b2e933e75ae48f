#include "query/traceql/tree_height.h"

namespace weft::query::traceql {

bool WithinHeight(const FieldExpr& expr, int max_height) {
  if (max_height < 1) return false;
  for (const FieldExpr& operand : expr.operands) {
    if (!WithinHeight(operand, max_height - 1)) return false;
  }
  return true;
}

bool WithinHeight(const SpansetExpr& expr, int max_height) {
  if (max_height < 1) return false;
  for (const SpansetExpr& operand : expr.operands) {
    if (!WithinHeight(operand, max_height - 1)) return false;
  }
  for (const Stage& stage : expr.pipeline) {
    if (stage.kind == Stage::Kind::kSpanset && !WithinHeight(stage.spanset, max_height - 1)) {
      return false;
    }
  }
  return true;
}

}  // namespace weft::query::traceql
