// Spanset operators over the assembled tree (spanset_eval.h): each relation is one linear pass.
#include "query/traceql/spanset_eval.h"

#include <algorithm>
#include <cstdint>

namespace weft::query::traceql {
namespace {

bool Any(const SpanMask& v) { return std::find(v.begin(), v.end(), true) != v.end(); }

enum class Relation : uint8_t { kChild, kParent, kDescendant, kAncestor, kSibling };

// The spans of `rhs` that stand in `relation` to some span of `lhs`.
SpanMask Related(Relation relation, const SpanMask& lhs, const SpanMask& rhs,
                 const AssembledTrace& trace) {
  const size_t n = trace.size();
  SpanMask out(n, false);
  const std::vector<uint32_t>& preorder = trace.tree().preorder;
  switch (relation) {
    case Relation::kChild:  // rhs spans whose parent is in lhs
      for (uint32_t b = 0; b < n; ++b) {
        const uint32_t p = trace.parent(b);
        out[b] = rhs[b] && p != kNoSpan && lhs[p];
      }
      break;
    case Relation::kParent:  // rhs spans that are the parent of an lhs span
      for (uint32_t a = 0; a < n; ++a) {
        const uint32_t p = trace.parent(a);
        if (lhs[a] && p != kNoSpan && rhs[p]) out[p] = true;
      }
      break;
    case Relation::kDescendant: {
      // Parents come before children in preorder: "an ancestor is in lhs" flows down.
      SpanMask below(n, false);
      for (const uint32_t s : preorder) {
        const uint32_t p = trace.parent(s);
        below[s] = p != kNoSpan && (lhs[p] || below[p]);
        out[s] = rhs[s] && below[s];
      }
      break;
    }
    case Relation::kAncestor: {
      // Reverse preorder: "a descendant is in lhs" flows up.
      SpanMask above(n, false);
      for (auto it = preorder.rbegin(); it != preorder.rend(); ++it) {
        const uint32_t p = trace.parent(*it);
        if (p != kNoSpan && (lhs[*it] || above[*it])) above[p] = true;
      }
      for (uint32_t s = 0; s < n; ++s) out[s] = rhs[s] && above[s];
      break;
    }
    case Relation::kSibling: {
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
  }
  return out;
}

// The relation each structural operator tests, and its converse (what the lhs spans of a union
// must have towards the rhs).
Relation RelationOf(SpansetOp op) {
  switch (op) {
    case SpansetOp::kChild:
    case SpansetOp::kNotChild:
    case SpansetOp::kUnionChild:
      return Relation::kChild;
    case SpansetOp::kParent:
    case SpansetOp::kNotParent:
    case SpansetOp::kUnionParent:
      return Relation::kParent;
    case SpansetOp::kDescendant:
    case SpansetOp::kNotDescendant:
    case SpansetOp::kUnionDescendant:
      return Relation::kDescendant;
    case SpansetOp::kAncestor:
    case SpansetOp::kNotAncestor:
    case SpansetOp::kUnionAncestor:
      return Relation::kAncestor;
    default:
      return Relation::kSibling;
  }
}

Relation Converse(Relation r) {
  switch (r) {
    case Relation::kChild:
      return Relation::kParent;
    case Relation::kParent:
      return Relation::kChild;
    case Relation::kDescendant:
      return Relation::kAncestor;
    case Relation::kAncestor:
      return Relation::kDescendant;
    case Relation::kSibling:
      return Relation::kSibling;
  }
  return r;
}

}  // namespace

SpanMask CombineSpansets(SpansetOp op, const SpanMask& lhs, const SpanMask& rhs,
                         const AssembledTrace& trace) {
  const size_t n = trace.size();
  SpanMask out(n, false);
  switch (op) {
    case SpansetOp::kAnd:
      if (!Any(lhs) || !Any(rhs)) return out;
      [[fallthrough]];
    case SpansetOp::kOr:
      for (size_t s = 0; s < n; ++s) out[s] = lhs[s] || rhs[s];
      return out;
    case SpansetOp::kChild:
    case SpansetOp::kParent:
    case SpansetOp::kDescendant:
    case SpansetOp::kAncestor:
    case SpansetOp::kSibling:
      return Related(RelationOf(op), lhs, rhs, trace);
    case SpansetOp::kNotChild:
    case SpansetOp::kNotParent:
    case SpansetOp::kNotDescendant:
    case SpansetOp::kNotAncestor:
    case SpansetOp::kNotSibling: {
      const SpanMask related = Related(RelationOf(op), lhs, rhs, trace);
      for (size_t s = 0; s < n; ++s) out[s] = rhs[s] && !related[s];
      return out;
    }
    case SpansetOp::kUnionChild:
    case SpansetOp::kUnionParent:
    case SpansetOp::kUnionDescendant:
    case SpansetOp::kUnionAncestor:
    case SpansetOp::kUnionSibling: {
      const Relation relation = RelationOf(op);
      const SpanMask right = Related(relation, lhs, rhs, trace);
      const SpanMask left = Related(Converse(relation), rhs, lhs, trace);
      for (size_t s = 0; s < n; ++s) out[s] = right[s] || left[s];
      return out;
    }
  }
  return out;
}

}  // namespace weft::query::traceql
