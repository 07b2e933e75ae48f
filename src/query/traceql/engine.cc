// The evaluator (engine.h): a compiled tree mirroring the query's, run over span masks.
#include "query/traceql/engine.h"

#include <utility>

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "query/traceql/aggregate_eval.h"
#include "query/traceql/field_eval.h"
#include "query/traceql/printer.h"
#include "query/traceql/pushdown.h"
#include "query/traceql/spanset_eval.h"
#include "storage/condition_eval.h"

namespace weft::query::traceql {
namespace {

struct StageNode;

struct SpansetNode {
  SpansetExpr::Kind kind = SpansetExpr::Kind::kFilter;
  // kFilter: the store's condition when the filter translates exactly (faster), else ours.
  std::optional<storage::ConditionTree> pushed;
  std::optional<CompiledCondition> condition;  // neither set: `{ }`
  SpansetOp op = SpansetOp::kAnd;
  std::vector<SpansetNode> operands;  // kOperation
  std::vector<StageNode> pipeline;    // kPipeline
};

struct ScalarSide {
  bool is_aggregate = false;
  AggregateFunction function = AggregateFunction::kCount;
  std::optional<FieldRef> argument;
  std::string key;  // the aggregate's print
  Value literal;    // !is_aggregate
};

struct StageNode {
  Stage::Kind kind = Stage::Kind::kSpanset;
  SpansetNode spanset;
  CompareOp op = CompareOp::kGt;
  ScalarSide lhs, rhs;
  std::vector<CompiledCondition> group_by;
  std::vector<std::string> group_keys;
  std::vector<FieldRef> select;
};

absl::StatusOr<std::vector<StageNode>> CompilePipeline(const std::vector<Stage>& stages,
                                                       bool store_conditions);

// store_conditions: evaluate filters the store can evaluate with its ConditionTree (faster; the
// same meaning). Off only to test that the two agree.
absl::StatusOr<SpansetNode> CompileSpanset(const SpansetExpr& expr, bool store_conditions) {
  SpansetNode node;
  node.kind = expr.kind;
  node.op = expr.op;
  switch (expr.kind) {
    case SpansetExpr::Kind::kFilter: {
      if (!expr.filter.condition.has_value()) return node;
      absl::StatusOr<CompiledCondition> condition = CompileCondition(*expr.filter.condition);
      if (!condition.ok()) return condition.status();
      node.condition = *std::move(condition);
      if (!store_conditions) return node;
      if (absl::StatusOr<storage::ConditionTree> pushed = FilterCondition(expr.filter);
          pushed.ok() && storage::CompileRegexes(*pushed).ok()) {
        node.pushed = *std::move(pushed);
      }
      return node;
    }
    case SpansetExpr::Kind::kOperation:
      for (const SpansetExpr& operand : expr.operands) {
        absl::StatusOr<SpansetNode> child = CompileSpanset(operand, store_conditions);
        if (!child.ok()) return child.status();
        node.operands.push_back(*std::move(child));
      }
      return node;
    case SpansetExpr::Kind::kPipeline: {
      absl::StatusOr<std::vector<StageNode>> pipeline =
          CompilePipeline(expr.pipeline, store_conditions);
      if (!pipeline.ok()) return pipeline.status();
      node.pipeline = *std::move(pipeline);
      return node;
    }
  }
  return node;
}

ScalarSide CompileScalar(const ScalarOperand& operand) {
  ScalarSide side;
  if (const auto* aggregate = std::get_if<Aggregate>(&operand.value)) {
    side.is_aggregate = true;
    side.function = aggregate->function;
    side.argument = aggregate->argument;
    side.key = ToString(*aggregate);
  } else {
    side.literal = Value::FromLiteral(std::get<Literal>(operand.value).value);
  }
  return side;
}

absl::StatusOr<std::vector<StageNode>> CompilePipeline(const std::vector<Stage>& stages,
                                                       bool store_conditions) {
  std::vector<StageNode> nodes;
  for (const Stage& stage : stages) {
    StageNode node;
    node.kind = stage.kind;
    switch (stage.kind) {
      case Stage::Kind::kSpanset: {
        absl::StatusOr<SpansetNode> spanset = CompileSpanset(stage.spanset, store_conditions);
        if (!spanset.ok()) return spanset.status();
        node.spanset = *std::move(spanset);
        break;
      }
      case Stage::Kind::kScalarFilter:
        node.op = stage.scalar_filter.op;
        node.lhs = CompileScalar(stage.scalar_filter.lhs);
        node.rhs = CompileScalar(stage.scalar_filter.rhs);
        break;
      case Stage::Kind::kGroupBy:
        for (const FieldExpr& field : stage.group_by) {
          absl::StatusOr<CompiledCondition> condition = CompileCondition(field);
          if (!condition.ok()) return condition.status();
          node.group_by.push_back(*std::move(condition));
          node.group_keys.push_back(absl::StrCat("by(", ToString(field), ")"));
        }
        break;
      case Stage::Kind::kSelect:
        node.select = stage.select;
        break;
      case Stage::Kind::kCoalesce:
        break;
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// ---- evaluation ---------------------------------------------------------------------------------

std::vector<Spanset> RunPipeline(const std::vector<StageNode>& stages, std::vector<Spanset> sets,
                                 const TraceFacts& facts);

void SetAttribute(Spanset& set, std::string key, Value value) {
  for (NamedValue& a : set.attributes) {
    if (a.key == key) {
      a.value = std::move(value);
      return;
    }
  }
  set.attributes.push_back({std::move(key), "", std::move(value)});
}

Spanset WithSpans(const Spanset& like, const SpanMask& mask) {
  Spanset out;
  out.attributes = like.attributes;
  out.selected = like.selected;
  for (uint32_t s = 0; s < mask.size(); ++s) {
    if (mask[s]) out.spans.push_back(s);
  }
  return out;
}

// The spans of every spanset an operand yields, as one mask.
SpanMask EvalMask(const SpansetNode& node, const Spanset& input, const TraceFacts& facts);

std::vector<Spanset> EvalSpanset(const SpansetNode& node, const Spanset& input,
                                 const TraceFacts& facts) {
  if (node.kind == SpansetExpr::Kind::kPipeline) {
    return RunPipeline(node.pipeline, {input}, facts);
  }
  const SpanMask mask = EvalMask(node, input, facts);
  std::vector<Spanset> out;
  if (std::find(mask.begin(), mask.end(), true) != mask.end()) {
    out.push_back(WithSpans(input, mask));
  }
  return out;
}

SpanMask EvalMask(const SpansetNode& node, const Spanset& input, const TraceFacts& facts) {
  const AssembledTrace& trace = facts.trace;
  SpanMask mask(trace.size(), false);
  switch (node.kind) {
    case SpansetExpr::Kind::kFilter:
      for (const uint32_t s : input.spans) {
        if (node.pushed.has_value()) {
          mask[s] = storage::SpanMatches(*node.pushed, trace.batch(), trace.span(s));
        } else {
          mask[s] = !node.condition.has_value() || ConditionHolds(*node.condition, facts, s);
        }
      }
      return mask;
    case SpansetExpr::Kind::kOperation: {
      // Operands fold left: a op b op c is (a op b) op c.
      mask = EvalMask(node.operands[0], input, facts);
      for (size_t i = 1; i < node.operands.size(); ++i) {
        mask = CombineSpansets(node.op, mask, EvalMask(node.operands[i], input, facts), trace);
      }
      return mask;
    }
    case SpansetExpr::Kind::kPipeline:
      for (const Spanset& set : RunPipeline(node.pipeline, {input}, facts)) {
        for (const uint32_t s : set.spans) mask[s] = true;
      }
      return mask;
  }
  return mask;
}

Value ScalarValue(const ScalarSide& side, const Spanset& set, const TraceFacts& facts) {
  if (!side.is_aggregate) return side.literal;
  return AggregateValue(side.function, side.argument, set.spans, facts);
}

// A by() key as bytes, for hashing: each value's kind and content.
void AppendKey(std::string& key, const Value& v) {
  key.push_back(static_cast<char>(v.kind));
  switch (v.kind) {
    case Value::Kind::kBool:
      key.push_back(v.b ? '1' : '0');
      break;
    case Value::Kind::kInt:
    case Value::Kind::kDuration:
      key.append(reinterpret_cast<const char*>(&v.i), sizeof v.i);
      break;
    case Value::Kind::kFloat:
      key.append(reinterpret_cast<const char*>(&v.f), sizeof v.f);
      break;
    case Value::Kind::kString: {
      const std::string_view t = v.text();
      const uint64_t size = t.size();
      key.append(reinterpret_cast<const char*>(&size), sizeof size);
      key.append(t);
      break;
    }
    case Value::Kind::kStatus:
      key.push_back(static_cast<char>(v.status));
      break;
    case Value::Kind::kKind:
      key.push_back(static_cast<char>(v.span_kind));
      break;
    default:
      break;
  }
}

std::vector<Spanset> GroupBy(const StageNode& stage, const Spanset& input,
                             const TraceFacts& facts) {
  std::vector<Spanset> groups;
  absl::flat_hash_map<std::string, size_t> index;
  for (const uint32_t s : input.spans) {
    std::vector<Value> values;
    std::string key;
    for (const CompiledCondition& field : stage.group_by) {
      values.push_back(ConditionValue(field, facts, s));
      AppendKey(key, values.back());
    }
    auto [it, added] = index.try_emplace(std::move(key), groups.size());
    if (added) {
      Spanset group;
      group.attributes = input.attributes;
      group.selected = input.selected;
      for (size_t i = 0; i < values.size(); ++i) {
        SetAttribute(group, stage.group_keys[i], std::move(values[i]));
      }
      groups.push_back(std::move(group));
    }
    groups[it->second].spans.push_back(s);
  }
  return groups;
}

std::vector<Spanset> RunPipeline(const std::vector<StageNode>& stages, std::vector<Spanset> sets,
                                 const TraceFacts& facts) {
  for (const StageNode& stage : stages) {
    std::vector<Spanset> next;
    switch (stage.kind) {
      case Stage::Kind::kSpanset:
        for (const Spanset& set : sets) {
          for (Spanset& out : EvalSpanset(stage.spanset, set, facts))
            next.push_back(std::move(out));
        }
        break;
      case Stage::Kind::kScalarFilter:
        for (Spanset& set : sets) {
          const Value lhs = ScalarValue(stage.lhs, set, facts);
          const Value rhs = ScalarValue(stage.rhs, set, facts);
          if (!CompareValues(lhs, stage.op, rhs)) continue;
          if (stage.lhs.is_aggregate) SetAttribute(set, stage.lhs.key, lhs);
          if (stage.rhs.is_aggregate) SetAttribute(set, stage.rhs.key, rhs);
          next.push_back(std::move(set));
        }
        break;
      case Stage::Kind::kGroupBy:
        for (const Spanset& set : sets) {
          for (Spanset& group : GroupBy(stage, set, facts)) next.push_back(std::move(group));
        }
        break;
      case Stage::Kind::kSelect:
        for (Spanset& set : sets) {
          for (const FieldRef& field : stage.select) {
            if (std::find(set.selected.begin(), set.selected.end(), field) == set.selected.end()) {
              set.selected.push_back(field);
            }
          }
          next.push_back(std::move(set));
        }
        break;
      case Stage::Kind::kCoalesce:
        if (!sets.empty()) {
          Spanset merged;
          SpanMask mask(facts.trace.size(), false);
          for (const Spanset& set : sets) {
            for (const uint32_t s : set.spans) mask[s] = true;
            for (const FieldRef& field : set.selected) {
              if (std::find(merged.selected.begin(), merged.selected.end(), field) ==
                  merged.selected.end()) {
                merged.selected.push_back(field);
              }
            }
          }
          for (uint32_t s = 0; s < mask.size(); ++s) {
            if (mask[s]) merged.spans.push_back(s);
          }
          next.push_back(std::move(merged));
        }
        break;
    }
    std::erase_if(next, [](const Spanset& set) { return set.spans.empty(); });
    sets = std::move(next);
    if (sets.empty()) break;
  }
  return sets;
}

}  // namespace

struct CompiledQuery::Plan {
  std::vector<StageNode> stages;
  storage::ConditionTree candidates;
  bool fully_pushed_down = false;
};

absl::StatusOr<CompiledQuery> CompiledQuery::Compile(const Query& query) {
  return Compile(query, /*store_conditions=*/true);
}

absl::StatusOr<CompiledQuery> CompiledQuery::TEST_CompileWithoutStoreConditions(
    const Query& query) {
  return Compile(query, /*store_conditions=*/false);
}

absl::StatusOr<CompiledQuery> CompiledQuery::Compile(const Query& query, bool store_conditions) {
  auto plan = std::make_shared<Plan>();
  absl::StatusOr<std::vector<StageNode>> stages = CompilePipeline(query.pipeline, store_conditions);
  if (!stages.ok()) return stages.status();
  plan->stages = *std::move(stages);
  plan->candidates = CandidateCondition(query);
  if (absl::Status status = storage::CompileRegexes(plan->candidates); !status.ok()) {
    return status;
  }
  plan->fully_pushed_down = PushDownSpansetFilter(query).ok();
  CompiledQuery compiled;
  compiled.plan_ = std::move(plan);
  return compiled;
}

std::vector<Spanset> CompiledQuery::Evaluate(const AssembledTrace& trace) const {
  if (trace.empty()) return {};
  const TraceFacts facts(trace);
  Spanset all;
  all.spans.resize(trace.size());
  for (uint32_t s = 0; s < trace.size(); ++s) all.spans[s] = s;
  std::vector<Spanset> sets;
  sets.push_back(std::move(all));
  return RunPipeline(plan_->stages, std::move(sets), facts);
}

std::vector<std::vector<NamedValue>> CompiledQuery::SelectedAttributes(
    const AssembledTrace& trace, const Spanset& spanset, std::span<const uint32_t> spans) const {
  std::vector<std::vector<NamedValue>> out(spans.size());
  if (spanset.selected.empty()) return out;
  const TraceFacts facts(trace);
  for (size_t i = 0; i < spans.size(); ++i) {
    for (const FieldRef& field : spanset.selected) {
      Values values;
      FieldValues(field, facts, spans[i], values);
      if (values.empty() || values[0].is_nil()) continue;
      std::string name = field.name;
      if (field.kind == FieldRef::Kind::kIntrinsic) {
        const std::string_view canonical = IntrinsicName(field.intrinsic);
        name = std::string(canonical.substr(canonical.find(':') + 1));
      }
      out[i].push_back({ToString(field), std::move(name), std::move(values[0])});
    }
  }
  return out;
}

const storage::ConditionTree& CompiledQuery::candidate_filter() const { return plan_->candidates; }

bool CompiledQuery::fully_pushed_down() const { return plan_->fully_pushed_down; }

}  // namespace weft::query::traceql
