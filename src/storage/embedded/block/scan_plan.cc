#include "storage/embedded/block/scan_plan.h"

#include <algorithm>
#include <limits>
#include <variant>

#include "storage/condition_eval.h"

namespace weft::storage::embedded::block {

using storage::AttributeScope;
using storage::CompareOp;
using storage::Condition;
using storage::ConditionTree;
using storage::Field;

absl::StatusOr<std::unique_ptr<ScanPlan>> ScanPlan::Make(const ConditionTree& filter,
                                                         const BlockFile& block) {
  ConditionTree tree = filter;
  if (absl::Status s = storage::CompileRegexes(tree); !s.ok()) return s;
  std::unique_ptr<ScanPlan> plan(new ScanPlan(std::move(tree), block));
  plan->PlanLeaves(plan->tree_);
  for (const RowGroupMeta& rg : block.meta.row_groups) {
    plan->min_span_start_ = std::min(plan->min_span_start_, rg.min_span_start);
    plan->max_span_start_ = std::max(plan->max_span_start_, rg.max_span_start);
    plan->min_duration_ = std::min(plan->min_duration_, rg.min_duration);
    plan->max_duration_ = std::max(plan->max_duration_, rg.max_duration);
  }
  return plan;
}

ScanPlan::ScanPlan(ConditionTree tree, const BlockFile& block)
    : tree_(std::move(tree)), block_(block) {}

void ScanPlan::PlanLeaves(const ConditionTree& node) {
  if (node.kind != ConditionTree::Kind::kLeaf) {
    for (const ConditionTree& child : node.children) PlanLeaves(child);
    return;
  }
  const Condition& c = node.leaf;
  auto leaf = std::make_unique<PlannedLeaf>();
  leaf->condition = &c;
  leaf->probe = std::make_unique<ValueProbe>(c);
  const BlockMeta& meta = block_.meta;
  switch (c.field) {
    case Field::kAttribute: {
      const auto& keys = meta.keys;
      if (auto it = std::find(keys.begin(), keys.end(), c.key); it != keys.end()) {
        leaf->key = static_cast<uint32_t>(it - keys.begin());
      }
      break;
    }
    case Field::kSpanName:
      leaf->name_matches.resize(meta.span_names.size());
      for (size_t i = 0; i < meta.span_names.size(); ++i) {
        Span span;
        span.name = meta.span_names[i];
        leaf->name_matches[i] = leaf->probe->Intrinsic(span);
      }
      break;
    case Field::kServiceName:
      if (std::holds_alternative<std::string>(c.operand) && c.op != CompareOp::kExists &&
          c.op != CompareOp::kNotExists) {
        leaf->service_matches.resize(meta.services.size());
        for (size_t i = 0; i < meta.services.size(); ++i) {
          leaf->service_matches[i] = leaf->probe->Service(meta.services[i]);
        }
      }
      break;
    case Field::kKind:
    case Field::kStatus:
      leaf->small_int_matches.assign(256, -1);
      break;
    default:
      break;
  }
  leaves_.emplace(&c, std::move(leaf));
}

bool ScanPlan::MayMatchBlock() { return MayMatch(tree_, nullptr); }

bool ScanPlan::MayMatchRowGroup(const RowGroupMeta& row_group) {
  return MayMatch(tree_, &row_group);
}

bool ScanPlan::MayMatch(const ConditionTree& node, const RowGroupMeta* row_group) {
  switch (node.kind) {
    case ConditionTree::Kind::kLeaf:
      return LeafMayMatch(*leaves_.at(&node.leaf), row_group);
    case ConditionTree::Kind::kAnd:
      for (const ConditionTree& child : node.children) {
        if (!MayMatch(child, row_group)) return false;
      }
      return true;
    case ConditionTree::Kind::kOr:
      for (const ConditionTree& child : node.children) {
        if (MayMatch(child, row_group)) return true;
      }
      return false;
  }
  return true;
}

namespace {

// Whether some value in [lo, hi] satisfies `op` against an int operand; nullopt when the
// condition is not such a comparison (then statistics cannot decide).
std::optional<bool> RangeMayMatch(const Condition& c, uint64_t lo_u, uint64_t hi_u) {
  const auto* x = std::get_if<int64_t>(&c.operand);
  if (x == nullptr) return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  const auto lo = static_cast<int64_t>(std::min(lo_u, kMax));  // values are clamped likewise
  const auto hi = static_cast<int64_t>(std::min(hi_u, kMax));
  switch (c.op) {
    case CompareOp::kEq:
      return lo <= *x && *x <= hi;
    case CompareOp::kNe:
      return !(lo == hi && lo == *x);
    case CompareOp::kLt:
      return lo < *x;
    case CompareOp::kLe:
      return lo <= *x;
    case CompareOp::kGt:
      return hi > *x;
    case CompareOp::kGe:
      return hi >= *x;
    case CompareOp::kExists:
      return true;
    case CompareOp::kNotExists:
    case CompareOp::kRegex:
    case CompareOp::kNotRegex:
      return false;  // intrinsics always exist and are not strings
  }
  return std::nullopt;
}

// The attribute value types that could satisfy `c` (bit i: ValueType i); all when unknown.
uint32_t TypesThatCanMatch(const Condition& c) {
  constexpr auto bit = [](ValueType t) { return 1u << static_cast<int>(t); };
  switch (c.op) {
    case CompareOp::kExists:
    case CompareOp::kNotExists:
      return 0xff;
    case CompareOp::kRegex:
    case CompareOp::kNotRegex:
      return bit(ValueType::kString);
    default:
      break;
  }
  if (std::holds_alternative<std::string>(c.operand)) return bit(ValueType::kString);
  if (std::holds_alternative<int64_t>(c.operand) || std::holds_alternative<double>(c.operand)) {
    return bit(ValueType::kInt) | bit(ValueType::kDouble);
  }
  if (std::holds_alternative<bool>(c.operand)) return bit(ValueType::kBool);
  return 0;
}

AttributeSet SetOf(AttributeScope scope) {
  switch (scope) {
    case AttributeScope::kEvent:
      return AttributeSet::kEvent;
    case AttributeScope::kLink:
      return AttributeSet::kLink;
    default:
      return AttributeSet::kSpan;
  }
}

}  // namespace

bool ScanPlan::LeafMayMatch(PlannedLeaf& leaf, const RowGroupMeta* rg) {
  const Condition& c = *leaf.condition;
  switch (c.field) {
    case Field::kServiceName: {
      if (leaf.service_matches.empty()) return true;
      if (rg == nullptr) {
        return std::any_of(leaf.service_matches.begin(), leaf.service_matches.end(),
                           [](uint8_t m) { return m != 0; });
      }
      return std::any_of(rg->services.begin(), rg->services.end(),
                         [&](uint32_t s) { return leaf.service_matches[s] != 0; });
    }
    case Field::kSpanName:
      if (rg == nullptr) {
        return std::any_of(leaf.name_matches.begin(), leaf.name_matches.end(),
                           [](uint8_t m) { return m != 0; });
      }
      return std::any_of(rg->names.begin(), rg->names.end(),
                         [&](uint32_t n) { return leaf.name_matches[n] != 0; });
    case Field::kDuration:
      return RangeMayMatch(c, rg ? rg->min_duration : min_duration_,
                           rg ? rg->max_duration : max_duration_)
          .value_or(true);
    case Field::kStartTime:
      return RangeMayMatch(c, rg ? rg->min_span_start : min_span_start_,
                           rg ? rg->max_span_start : max_span_start_)
          .value_or(true);
    case Field::kAttribute: {
      if (c.op == CompareOp::kNotExists) return true;
      if (!leaf.key.has_value()) return false;  // no span, event, link or resource has the key
      if (c.scope == AttributeScope::kResource || c.scope == AttributeScope::kSpanOrResource) {
        return true;
      }
      const uint32_t types = TypesThatCanMatch(c);
      const AttributeSet set = SetOf(c.scope);
      for (int t = 0; t <= static_cast<int>(ValueType::kKvList); ++t) {
        if ((types & (1u << t)) == 0) continue;
        const std::optional<uint32_t> column =
            block_.ColumnIndex(ColumnKey::Attribute(set, static_cast<ValueType>(t), *leaf.key));
        if (!column.has_value()) continue;
        if (rg == nullptr || rg->FindChunk(*column) != nullptr) return true;
      }
      return false;
    }
    default:
      return true;
  }
}

}  // namespace weft::storage::embedded::block
