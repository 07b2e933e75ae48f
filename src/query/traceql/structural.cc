#include "query/traceql/structural.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "query/traceql/pushdown.h"
#include "storage/condition_eval.h"

namespace weft::query::traceql {
namespace {

bool Any(const std::vector<bool>& v) {
  for (const bool b : v) {
    if (b) return true;
  }
  return false;
}

bool IsNegated(SpansetOp op) {
  return op == SpansetOp::kNotChild || op == SpansetOp::kNotParent ||
         op == SpansetOp::kNotDescendant || op == SpansetOp::kNotAncestor ||
         op == SpansetOp::kNotSibling;
}

// The relation of a negated operator.
SpansetOp Positive(SpansetOp op) {
  switch (op) {
    case SpansetOp::kNotChild:
      return SpansetOp::kChild;
    case SpansetOp::kNotParent:
      return SpansetOp::kParent;
    case SpansetOp::kNotDescendant:
      return SpansetOp::kDescendant;
    case SpansetOp::kNotAncestor:
      return SpansetOp::kAncestor;
    case SpansetOp::kNotSibling:
      return SpansetOp::kSibling;
    default:
      return op;
  }
}

// The spans of `rhs` in relation `op` with some span of `lhs` (over the trace's tree).
std::vector<bool> Related(SpansetOp op, const std::vector<bool>& lhs, const std::vector<bool>& rhs,
                          const AssembledTrace& trace) {
  const size_t n = trace.size();
  std::vector<bool> out(n, false);
  const std::vector<uint32_t>& preorder = trace.tree().preorder;
  switch (op) {
    case SpansetOp::kChild:
      for (uint32_t b = 0; b < n; ++b) {
        const uint32_t p = trace.parent(b);
        out[b] = rhs[b] && p != kNoSpan && lhs[p];
      }
      break;
    case SpansetOp::kParent:
      for (uint32_t a = 0; a < n; ++a) {
        const uint32_t p = trace.parent(a);
        if (lhs[a] && p != kNoSpan && rhs[p]) out[p] = true;
      }
      break;
    case SpansetOp::kDescendant: {
      // Parents come before children in preorder: "an ancestor is in lhs" flows down.
      std::vector<bool> below(n, false);
      for (const uint32_t s : preorder) {
        const uint32_t p = trace.parent(s);
        below[s] = p != kNoSpan && (lhs[p] || below[p]);
        out[s] = rhs[s] && below[s];
      }
      break;
    }
    case SpansetOp::kAncestor: {
      // Reverse preorder: "a descendant is in lhs" flows up.
      std::vector<bool> above(n, false);
      for (auto it = preorder.rbegin(); it != preorder.rend(); ++it) {
        const uint32_t p = trace.parent(*it);
        if (p != kNoSpan && (lhs[*it] || above[*it])) above[p] = true;
      }
      for (uint32_t s = 0; s < n; ++s) out[s] = rhs[s] && above[s];
      break;
    }
    case SpansetOp::kSibling: {
      std::vector<uint32_t> lhs_children(n, 0);
      for (uint32_t s = 0; s < n; ++s) {
        const uint32_t p = trace.parent(s);
        if (lhs[s] && p != kNoSpan) ++lhs_children[p];
      }
      for (uint32_t b = 0; b < n; ++b) {
        const uint32_t p = trace.parent(b);
        out[b] = rhs[b] && p != kNoSpan && lhs_children[p] - (lhs[b] ? 1 : 0) > 0;
      }
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace

absl::StatusOr<SpansetProgram> SpansetProgram::Compile(const SpansetExpr& expr) {
  SpansetProgram program;
  absl::Status error;
  program.root_ = program.Add(expr, error);
  if (!error.ok()) return error;
  std::vector<storage::ConditionTree> leaves;
  for (const Node& node : program.nodes_) {
    if (node.leaf) leaves.push_back(node.filter);
  }
  program.candidates_ = storage::ConditionTree::Or(std::move(leaves));
  return program;
}

int SpansetProgram::Add(const SpansetExpr& expr, absl::Status& error) {
  if (!error.ok()) return -1;
  if (expr.kind == SpansetExpr::Kind::kFilter) {
    absl::StatusOr<storage::ConditionTree> filter = FilterCondition(expr.filter);
    if (filter.ok()) error = storage::CompileRegexes(*filter);
    if (!filter.ok()) error = filter.status();
    if (!error.ok()) return -1;
    Node node;
    node.leaf = true;
    node.filter = *std::move(filter);
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }
  if (expr.kind == SpansetExpr::Kind::kPipeline) {
    error = absl::UnimplementedError(absl::StrCat(
        expr.pos.line, ":", expr.pos.column, ": a parenthesised pipeline is not supported yet"));
    return -1;
  }
  switch (expr.op) {
    case SpansetOp::kUnionChild:
    case SpansetOp::kUnionParent:
    case SpansetOp::kUnionDescendant:
    case SpansetOp::kUnionAncestor:
    case SpansetOp::kUnionSibling:
      error = absl::UnimplementedError(absl::StrCat(expr.pos.line, ":", expr.pos.column, ": ",
                                                    std::string(SpansetOpSymbol(expr.op)),
                                                    " is not supported yet"));
      return -1;
    default:
      break;
  }
  // Operands fold left: a op b op c is (a op b) op c.
  int acc = Add(expr.operands[0], error);
  for (size_t i = 1; i < expr.operands.size() && error.ok(); ++i) {
    const int rhs = Add(expr.operands[i], error);
    Node node;
    node.op = expr.op;
    node.lhs = acc;
    node.rhs = rhs;
    nodes_.push_back(std::move(node));
    acc = static_cast<int>(nodes_.size()) - 1;
  }
  return acc;
}

std::vector<bool> SpansetProgram::Run(int index, const AssembledTrace& trace) const {
  const Node& node = nodes_[index];
  const size_t n = trace.size();
  if (node.leaf) {
    std::vector<bool> out(n);
    for (uint32_t s = 0; s < n; ++s)
      out[s] = storage::SpanMatches(node.filter, trace.batch(), trace.span(s));
    return out;
  }
  std::vector<bool> lhs = Run(node.lhs, trace);
  std::vector<bool> rhs = Run(node.rhs, trace);
  if (node.op == SpansetOp::kAnd || node.op == SpansetOp::kOr) {
    if (node.op == SpansetOp::kAnd && (!Any(lhs) || !Any(rhs))) return std::vector<bool>(n, false);
    for (size_t s = 0; s < n; ++s) lhs[s] = lhs[s] || rhs[s];
    return lhs;
  }
  std::vector<bool> related = Related(Positive(node.op), lhs, rhs, trace);
  if (IsNegated(node.op)) {
    for (size_t s = 0; s < n; ++s) related[s] = rhs[s] && !related[s];
  }
  return related;
}

std::vector<uint32_t> SpansetProgram::Evaluate(const AssembledTrace& trace) const {
  std::vector<uint32_t> spans;
  if (root_ < 0) return spans;
  const std::vector<bool> result = Run(root_, trace);
  for (uint32_t s = 0; s < result.size(); ++s) {
    if (result[s]) spans.push_back(s);
  }
  return spans;
}

}  // namespace weft::query::traceql
