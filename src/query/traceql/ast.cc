#include "query/traceql/ast.h"

namespace weft::query::traceql {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

ValueType Literal::type() const {
  return std::visit(Overloaded{
                        [](const Nil&) { return ValueType::kNil; },
                        [](bool) { return ValueType::kBool; },
                        [](int64_t) { return ValueType::kInt; },
                        [](double) { return ValueType::kFloat; },
                        [](const std::string&) { return ValueType::kString; },
                        [](const Duration&) { return ValueType::kDuration; },
                        [](StatusCode) { return ValueType::kStatus; },
                        [](SpanKind) { return ValueType::kKind; },
                    },
                    value);
}

ValueType FieldRef::type() const {
  return kind == Kind::kIntrinsic ? IntrinsicType(intrinsic) : ValueType::kDynamic;
}

ValueType Aggregate::type() const {
  if (function == AggregateFunction::kCount || !argument.has_value()) return ValueType::kInt;
  return argument->type();
}

std::string_view CompareOpSymbol(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
    case CompareOp::kRegex:
      return "=~";
    case CompareOp::kNotRegex:
      return "!~";
  }
  return "?";
}

std::string_view SpansetOpSymbol(SpansetOp op) {
  switch (op) {
    case SpansetOp::kAnd:
      return "&&";
    case SpansetOp::kOr:
      return "||";
    case SpansetOp::kChild:
      return ">";
    case SpansetOp::kParent:
      return "<";
    case SpansetOp::kDescendant:
      return ">>";
    case SpansetOp::kAncestor:
      return "<<";
    case SpansetOp::kSibling:
      return "~";
    case SpansetOp::kNotChild:
      return "!>";
    case SpansetOp::kNotParent:
      return "!<";
    case SpansetOp::kNotDescendant:
      return "!>>";
    case SpansetOp::kNotAncestor:
      return "!<<";
    case SpansetOp::kNotSibling:
      return "!~";
    case SpansetOp::kUnionChild:
      return "&>";
    case SpansetOp::kUnionParent:
      return "&<";
    case SpansetOp::kUnionDescendant:
      return "&>>";
    case SpansetOp::kUnionAncestor:
      return "&<<";
    case SpansetOp::kUnionSibling:
      return "&~";
  }
  return "?";
}

std::string_view AggregateFunctionName(AggregateFunction f) {
  switch (f) {
    case AggregateFunction::kCount:
      return "count";
    case AggregateFunction::kAvg:
      return "avg";
    case AggregateFunction::kMin:
      return "min";
    case AggregateFunction::kMax:
      return "max";
    case AggregateFunction::kSum:
      return "sum";
  }
  return "?";
}

std::optional<AggregateFunction> AggregateFunctionNamed(std::string_view name) {
  for (AggregateFunction f :
       {AggregateFunction::kCount, AggregateFunction::kAvg, AggregateFunction::kMin,
        AggregateFunction::kMax, AggregateFunction::kSum}) {
    if (AggregateFunctionName(f) == name) return f;
  }
  return std::nullopt;
}

std::string_view AttributeScopePrefix(AttributeScope scope) {
  switch (scope) {
    case AttributeScope::kUnscoped:
      return ".";
    case AttributeScope::kSpan:
      return "span.";
    case AttributeScope::kResource:
      return "resource.";
    case AttributeScope::kEvent:
      return "event.";
    case AttributeScope::kLink:
      return "link.";
    case AttributeScope::kInstrumentation:
      return "instrumentation.";
  }
  return ".";
}

}  // namespace weft::query::traceql
