#include "query/traceql/pushdown.h"

#include <utility>

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/traceql/intrinsic.h"

namespace weft::query::traceql {
namespace {

using storage::ConditionTree;

absl::Status NotYet(const SourcePos& pos, std::string_view what) {
  return absl::UnimplementedError(absl::StrCat(pos.line, ":", pos.column, ": ", std::string(what),
                                               " is not supported yet (only a single { … } "
                                               "filter over span fields and attributes)"));
}

// The comparison seen from the field's side: `5 < duration` is `duration > 5`.
CompareOp Mirror(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return CompareOp::kGt;
    case CompareOp::kLe:
      return CompareOp::kGe;
    case CompareOp::kGt:
      return CompareOp::kLt;
    case CompareOp::kGe:
      return CompareOp::kLe;
    default:
      return op;
  }
}

storage::CompareOp StorageOp(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return storage::CompareOp::kEq;
    case CompareOp::kNe:
      return storage::CompareOp::kNe;
    case CompareOp::kLt:
      return storage::CompareOp::kLt;
    case CompareOp::kLe:
      return storage::CompareOp::kLe;
    case CompareOp::kGt:
      return storage::CompareOp::kGt;
    case CompareOp::kGe:
      return storage::CompareOp::kGe;
    case CompareOp::kRegex:
      return storage::CompareOp::kRegex;
    case CompareOp::kNotRegex:
      return storage::CompareOp::kNotRegex;
  }
  return storage::CompareOp::kEq;
}

// A literal as a storage operand (statuses and kinds as their numbers, durations in ns).
storage::Operand OperandOf(const Literal& literal) {
  return std::visit(
      [](const auto& v) -> storage::Operand {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Nil>) {
          return std::monostate{};
        } else if constexpr (std::is_same_v<T, Duration>) {
          return v.nanos;
        } else if constexpr (std::is_same_v<T, StatusCode> || std::is_same_v<T, SpanKind>) {
          return static_cast<int64_t>(v);
        } else {
          return v;
        }
      },
      literal.value);
}

absl::StatusOr<storage::Condition> FieldCondition(const FieldRef& field, CompareOp op,
                                                  const Literal& literal) {
  storage::Condition c;
  if (field.kind == FieldRef::Kind::kIntrinsic) {
    switch (field.intrinsic) {
      case Intrinsic::kSpanName:
        c.field = storage::Field::kSpanName;
        break;
      case Intrinsic::kSpanStatus:
        c.field = storage::Field::kStatus;
        break;
      case Intrinsic::kSpanStatusMessage:
        c.field = storage::Field::kStatusMessage;
        break;
      case Intrinsic::kSpanKind:
        c.field = storage::Field::kKind;
        break;
      case Intrinsic::kSpanDuration:
        c.field = storage::Field::kDuration;
        break;
      default:
        return NotYet(field.pos,
                      absl::StrCat("the intrinsic ", std::string(IntrinsicName(field.intrinsic))));
    }
    if (std::holds_alternative<Nil>(literal.value)) {
      return NotYet(literal.pos, "comparing an intrinsic with nil");
    }
  } else {
    if (std::holds_alternative<StatusCode>(literal.value) ||
        std::holds_alternative<SpanKind>(literal.value)) {
      // The store would compare the code as a number; in TraceQL a status or kind never equals
      // an attribute's value.
      return NotYet(literal.pos, "comparing an attribute with a status or kind");
    }
    c.field = storage::Field::kAttribute;
    c.key = field.name;
    switch (field.scope) {
      case AttributeScope::kUnscoped:
        c.scope = storage::AttributeScope::kSpanOrResource;
        break;
      case AttributeScope::kSpan:
        c.scope = storage::AttributeScope::kSpan;
        break;
      case AttributeScope::kResource:
        c.scope = storage::AttributeScope::kResource;
        break;
      case AttributeScope::kEvent:
        c.scope = storage::AttributeScope::kEvent;
        break;
      case AttributeScope::kLink:
        c.scope = storage::AttributeScope::kLink;
        break;
      default:
        return NotYet(field.pos, "the instrumentation. scope");
    }
    if (std::holds_alternative<Nil>(literal.value)) {
      if (op != CompareOp::kEq && op != CompareOp::kNe) {
        return NotYet(literal.pos, "ordering against nil");
      }
      c.op = op == CompareOp::kEq ? storage::CompareOp::kNotExists : storage::CompareOp::kExists;
      return c;
    }
  }
  c.op = StorageOp(op);
  c.operand = OperandOf(literal);
  return c;
}

absl::StatusOr<ConditionTree> Translate(const FieldExpr& expr) {
  switch (expr.kind) {
    case FieldExpr::Kind::kAnd:
    case FieldExpr::Kind::kOr: {
      std::vector<ConditionTree> children;
      for (const FieldExpr& operand : expr.operands) {
        absl::StatusOr<ConditionTree> child = Translate(operand);
        if (!child.ok()) return child.status();
        children.push_back(*std::move(child));
      }
      return expr.kind == FieldExpr::Kind::kAnd ? ConditionTree::And(std::move(children))
                                                : ConditionTree::Or(std::move(children));
    }
    case FieldExpr::Kind::kField: {
      // A bare attribute means `= true` (the parser allows it for attributes only).
      Literal yes;
      yes.value = true;
      absl::StatusOr<storage::Condition> c = FieldCondition(expr.field, CompareOp::kEq, yes);
      if (!c.ok()) return c.status();
      return ConditionTree::Leaf(*std::move(c));
    }
    case FieldExpr::Kind::kCompare: {
      const FieldExpr& lhs = expr.operands[0];
      const FieldExpr& rhs = expr.operands[1];
      const bool field_left =
          lhs.kind == FieldExpr::Kind::kField && rhs.kind == FieldExpr::Kind::kLiteral;
      const bool field_right =
          rhs.kind == FieldExpr::Kind::kField && lhs.kind == FieldExpr::Kind::kLiteral;
      if (!field_left &&
          !(field_right && expr.op != CompareOp::kRegex && expr.op != CompareOp::kNotRegex)) {
        return NotYet(expr.pos, "a comparison other than field-with-literal");
      }
      absl::StatusOr<storage::Condition> c =
          field_left ? FieldCondition(lhs.field, expr.op, rhs.literal)
                     : FieldCondition(rhs.field, Mirror(expr.op), lhs.literal);
      if (!c.ok()) return c.status();
      return ConditionTree::Leaf(*std::move(c));
    }
    case FieldExpr::Kind::kNot:
      return NotYet(expr.pos, "`!`");
    case FieldExpr::Kind::kLiteral:
      return NotYet(expr.pos, "a literal used as a condition");
  }
  return NotYet(expr.pos, "this expression");
}

}  // namespace

absl::StatusOr<ConditionTree> PushDownSpansetFilter(const Query& query) {
  if (query.pipeline.size() != 1 || query.pipeline[0].kind != Stage::Kind::kSpanset) {
    const SourcePos pos = query.pipeline.size() > 1 ? query.pipeline[1].pos : SourcePos{};
    return NotYet(pos, "a pipeline");
  }
  const SpansetExpr& spanset = query.pipeline[0].spanset;
  if (spanset.kind != SpansetExpr::Kind::kFilter) {
    return NotYet(spanset.pos, spanset.kind == SpansetExpr::Kind::kOperation
                                   ? absl::StrCat("the spanset operator ",
                                                  std::string(SpansetOpSymbol(spanset.op)))
                                   : std::string("a parenthesised pipeline"));
  }
  return FilterCondition(spanset.filter);
}

absl::StatusOr<ConditionTree> FilterCondition(const SpansetFilter& filter) {
  if (!filter.condition.has_value()) return ConditionTree::And({});  // `{ }`: every span
  return Translate(*filter.condition);
}

namespace {

using MaybeTree = std::optional<ConditionTree>;  // nullopt: nothing derivable

MaybeTree Necessary(const FieldExpr& expr) {
  switch (expr.kind) {
    case FieldExpr::Kind::kAnd: {
      std::vector<ConditionTree> parts;
      for (const FieldExpr& operand : expr.operands) {
        if (MaybeTree part = Necessary(operand)) parts.push_back(*std::move(part));
      }
      if (parts.empty()) return std::nullopt;
      if (parts.size() == 1) return std::move(parts[0]);
      return ConditionTree::And(std::move(parts));
    }
    case FieldExpr::Kind::kOr: {
      std::vector<ConditionTree> parts;
      for (const FieldExpr& operand : expr.operands) {
        MaybeTree part = Necessary(operand);
        if (!part) return std::nullopt;
        parts.push_back(*std::move(part));
      }
      return ConditionTree::Or(std::move(parts));
    }
    case FieldExpr::Kind::kField:
    case FieldExpr::Kind::kCompare: {
      absl::StatusOr<ConditionTree> tree = Translate(expr);
      if (!tree.ok()) return std::nullopt;
      return *std::move(tree);
    }
    default:  // `!`, literals
      return std::nullopt;
  }
}

MaybeTree NecessaryOfPipeline(const std::vector<Stage>& stages);

MaybeTree Necessary(const SpansetExpr& expr) {
  switch (expr.kind) {
    case SpansetExpr::Kind::kFilter:
      if (!expr.filter.condition.has_value()) return std::nullopt;
      return Necessary(*expr.filter.condition);
    case SpansetExpr::Kind::kPipeline:
      return NecessaryOfPipeline(expr.pipeline);
    case SpansetExpr::Kind::kOperation:
      break;
  }
  switch (expr.op) {
    case SpansetOp::kOr: {
      std::vector<ConditionTree> parts;
      for (const SpansetExpr& operand : expr.operands) {
        MaybeTree part = Necessary(operand);
        if (!part) return std::nullopt;
        parts.push_back(*std::move(part));
      }
      return ConditionTree::Or(std::move(parts));
    }
    case SpansetOp::kNotChild:
    case SpansetOp::kNotParent:
    case SpansetOp::kNotDescendant:
    case SpansetOp::kNotAncestor:
    case SpansetOp::kNotSibling:
      // The result is right-side spans; the left side may be empty.
      return Necessary(expr.operands[1]);
    case SpansetOp::kAnd:
      // Every operand found spans. Any one will do.
      for (const SpansetExpr& operand : expr.operands) {
        if (MaybeTree part = Necessary(operand)) return part;
      }
      return std::nullopt;
    default:
      // Structural and union operators: both sides found spans. The right side first: it is
      // the side the result is made of, and queries put the narrower condition there
      // (`{ resource.service.name = "frontend" } >> { status = error }`), so it prunes more.
      if (MaybeTree part = Necessary(expr.operands[1])) return part;
      return Necessary(expr.operands[0]);
  }
}

// Every stage keeps a subset of the spans it is given, so any spanset stage's condition holds.
MaybeTree NecessaryOfPipeline(const std::vector<Stage>& stages) {
  for (const Stage& stage : stages) {
    if (stage.kind != Stage::Kind::kSpanset) continue;
    if (MaybeTree part = Necessary(stage.spanset)) return part;
  }
  return std::nullopt;
}

}  // namespace

ConditionTree CandidateCondition(const Query& query) {
  MaybeTree tree = NecessaryOfPipeline(query.pipeline);
  return tree ? *std::move(tree) : ConditionTree::And({});
}

}  // namespace weft::query::traceql
