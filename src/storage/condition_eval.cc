// Condition evaluation: every field is turned into an AnyValue (or "absent") and compared by one
// function, so intrinsics and attributes share the TraceQL comparison rules.
#include "storage/condition_eval.h"

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace weft::storage {
namespace {

constexpr std::string_view kServiceNameKey = "service.name";

// Exact comparison of an int64 with a double (no rounding of either).
std::partial_ordering CompareIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (d >= kTwoTo63) return std::partial_ordering::less;
  if (d < -kTwoTo63) return std::partial_ordering::greater;
  const double whole = std::trunc(d);  // in [-2^63, 2^63): converts exactly
  const auto whole_int = static_cast<int64_t>(whole);
  if (i != whole_int) return i <=> whole_int;
  return 0.0 <=> (d - whole);  // i == trunc(d): the fraction decides
}

bool Holds(std::partial_ordering order, CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return order == 0;
    case CompareOp::kNe:
      return order != 0;  // true for unordered (NaN)
    case CompareOp::kLt:
      return order < 0;
    case CompareOp::kLe:
      return order <= 0;
    case CompareOp::kGt:
      return order > 0;
    case CompareOp::kGe:
      return order >= 0;
    default:
      return false;
  }
}

std::partial_ordering CompareNumbers(const AnyValue& value, const Operand& operand) {
  const bool operand_is_int = std::holds_alternative<int64_t>(operand);
  if (value.type() == ValueType::kInt) {
    if (operand_is_int) return value.int_value() <=> std::get<int64_t>(operand);
    return CompareIntDouble(value.int_value(), std::get<double>(operand));
  }
  if (operand_is_int)
    return 0 <=> CompareIntDouble(std::get<int64_t>(operand), value.double_value());
  return value.double_value() <=> std::get<double>(operand);
}

// The rules of span_fetcher.h for one value; `value` is null when the field is absent.
bool Compare(const AnyValue* value, const Condition& condition) {
  const CompareOp op = condition.op;
  if (op == CompareOp::kExists) return value != nullptr;
  if (op == CompareOp::kNotExists) return value == nullptr;
  if (value == nullptr) return false;  // includes kNe: a missing attribute is not "different"
  if (op == CompareOp::kRegex || op == CompareOp::kNotRegex) {
    if (value->type() != ValueType::kString || condition.regex == nullptr) return false;
    const std::string_view text = value->string_value();
    return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *condition.regex) ==
           (op == CompareOp::kRegex);
  }
  const Operand& operand = condition.operand;
  switch (value->type()) {
    case ValueType::kString:
      if (const auto* s = std::get_if<std::string>(&operand)) {
        const int c = value->string_value().compare(*s);
        return Holds(c <=> 0, op);
      }
      return false;
    case ValueType::kInt:
    case ValueType::kDouble:
      if (std::holds_alternative<int64_t>(operand) || std::holds_alternative<double>(operand)) {
        return Holds(CompareNumbers(*value, operand), op);
      }
      return false;
    case ValueType::kBool:
      if (const auto* b = std::get_if<bool>(&operand)) {
        if (op == CompareOp::kEq) return value->bool_value() == *b;
        if (op == CompareOp::kNe) return value->bool_value() != *b;
      }
      return false;
    default:  // empty, bytes, arrays and key-value lists compare with nothing
      return false;
  }
}

// kEvent / kLink: the condition holds for some element (kNotExists: no element has the key).
template <typename Elements>
bool AnyElementMatches(const Elements& elements, const Condition& condition) {
  if (condition.op == CompareOp::kNotExists) {
    for (const auto& element : elements) {
      if (FindAttribute(element.attributes, condition.key) != nullptr) return false;
    }
    return true;
  }
  for (const auto& element : elements) {
    if (Compare(FindAttribute(element.attributes, condition.key), condition)) return true;
  }
  return false;
}

bool AttributeMatches(const Condition& condition, const SpanBatch& batch, const Span& span) {
  switch (condition.scope) {
    case AttributeScope::kSpan:
      return Compare(FindAttribute(span.attributes, condition.key), condition);
    case AttributeScope::kResource:
      return Compare(FindAttribute(batch.resource_of(span).attributes, condition.key), condition);
    case AttributeScope::kSpanOrResource: {
      const AnyValue* value = FindAttribute(span.attributes, condition.key);
      if (value == nullptr)
        value = FindAttribute(batch.resource_of(span).attributes, condition.key);
      return Compare(value, condition);
    }
    case AttributeScope::kEvent:
      return AnyElementMatches(span.events, condition);
    case AttributeScope::kLink:
      return AnyElementMatches(span.links, condition);
  }
  return false;
}

AnyValue Clamped(uint64_t v) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  return AnyValue::Int(static_cast<int64_t>(v > kMax ? kMax : v));
}

bool LeafMatches(const Condition& condition, const SpanBatch& batch, const Span& span) {
  AnyValue value;
  switch (condition.field) {
    case Field::kAttribute:
      return AttributeMatches(condition, batch, span);
    case Field::kServiceName:
      return Compare(FindAttribute(batch.resource_of(span).attributes, kServiceNameKey), condition);
    case Field::kSpanName:
      value = AnyValue::String(span.name);
      break;
    case Field::kKind:
      value = AnyValue::Int(static_cast<int64_t>(span.kind));
      break;
    case Field::kStatus:
      value = AnyValue::Int(static_cast<int64_t>(span.status_code));
      break;
    case Field::kStatusMessage:
      value = AnyValue::String(span.status_message);
      break;
    case Field::kDuration:
      value = Clamped(span.duration_nanos());
      break;
    case Field::kStartTime:
      value = Clamped(span.start_time_unix_nano);
      break;
  }
  return Compare(&value, condition);
}

}  // namespace

absl::Status CompileRegexes(ConditionTree& tree) {
  if (tree.kind != ConditionTree::Kind::kLeaf) {
    for (ConditionTree& child : tree.children) {
      if (absl::Status status = CompileRegexes(child); !status.ok()) return status;
    }
    return absl::OkStatus();
  }
  Condition& condition = tree.leaf;
  if (condition.op != CompareOp::kRegex && condition.op != CompareOp::kNotRegex) {
    return absl::OkStatus();
  }
  if (condition.regex != nullptr) return absl::OkStatus();
  const auto* pattern = std::get_if<std::string>(&condition.operand);
  if (pattern == nullptr) return absl::InvalidArgumentError("a regex operand must be a string");
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxRegexMemoryBytes);
  auto regex = std::make_shared<const RE2>(*pattern, options);
  if (!regex->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid regex \"", *pattern, "\": ", regex->error()));
  }
  if (regex->ProgramSize() > kMaxRegexProgramSize) {
    return absl::InvalidArgumentError(absl::StrCat("regex \"", *pattern, "\" is too complex (",
                                                   regex->ProgramSize(), " > ",
                                                   kMaxRegexProgramSize, " instructions)"));
  }
  condition.regex = std::move(regex);
  return absl::OkStatus();
}

bool SpanMatches(const ConditionTree& tree, const SpanBatch& batch, const Span& span) {
  switch (tree.kind) {
    case ConditionTree::Kind::kLeaf:
      return LeafMatches(tree.leaf, batch, span);
    case ConditionTree::Kind::kAnd:
      for (const ConditionTree& child : tree.children) {
        if (!SpanMatches(child, batch, span)) return false;
      }
      return true;
    case ConditionTree::Kind::kOr:
      for (const ConditionTree& child : tree.children) {
        if (SpanMatches(child, batch, span)) return true;
      }
      return false;
  }
  return false;
}

bool MatchesEverything(const ConditionTree& tree) {
  return tree.kind == ConditionTree::Kind::kAnd && tree.children.empty();
}

}  // namespace weft::storage
