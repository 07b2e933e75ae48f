// Field values and condition evaluation over an assembled trace (field_eval.h).
#include "query/traceql/field_eval.h"

#include <utility>

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "storage/condition_eval.h"

namespace weft::query::traceql {
namespace {

int64_t Clamped(uint64_t v) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(std::min(v, kMax));
}

void AppendAttribute(Attributes attributes, const std::string& key, Values& out) {
  if (const AnyValue* v = FindAttribute(attributes, key); v != nullptr) {
    out.push_back(Value::FromAny(v));
  }
}

void IntrinsicValues(Intrinsic intrinsic, const TraceFacts& facts, uint32_t s, Values& out) {
  const AssembledTrace& trace = facts.trace;
  const Span& span = trace.span(s);
  switch (intrinsic) {
    case Intrinsic::kSpanName:
      out.push_back(Value::StringView(span.name));
      return;
    case Intrinsic::kSpanStatus:
      out.push_back(Value::OfStatus(span.status_code));
      return;
    case Intrinsic::kSpanStatusMessage:
      out.push_back(Value::StringView(span.status_message));
      return;
    case Intrinsic::kSpanKind:
      out.push_back(Value::OfKind(span.kind));
      return;
    case Intrinsic::kSpanDuration:
      out.push_back(Value::Duration(Clamped(span.duration_nanos())));
      return;
    case Intrinsic::kSpanId:
      out.push_back(Value::OwnedString(span.span_id.ToHex()));
      return;
    case Intrinsic::kSpanParentId:
      if (!span.is_root()) out.push_back(Value::OwnedString(span.parent_span_id.ToHex()));
      return;
    case Intrinsic::kSpanChildCount:
      out.push_back(Value::Int(static_cast<int64_t>(trace.children(s).size())));
      return;
    case Intrinsic::kTraceDuration:
      out.push_back(Value::Duration(facts.duration_nanos));
      return;
    case Intrinsic::kTraceRootName:
      if (facts.root != kNoSpan) out.push_back(Value::StringView(trace.span(facts.root).name));
      return;
    case Intrinsic::kTraceRootService:
      if (facts.root != kNoSpan) {
        AppendAttribute(trace.batch().resource_of(trace.span(facts.root)).attributes,
                        "service.name", out);
      }
      return;
    case Intrinsic::kTraceId:
      out.push_back(Value::StringView(facts.trace_id_hex));
      return;
    case Intrinsic::kEventName:
      for (const Event& event : span.events) out.push_back(Value::StringView(event.name));
      return;
    case Intrinsic::kEventTimeSinceStart:
      for (const Event& event : span.events) {
        out.push_back(Value::Duration(static_cast<int64_t>(event.time_unix_nano) -
                                      static_cast<int64_t>(span.start_time_unix_nano)));
      }
      return;
    case Intrinsic::kLinkTraceId:
      for (const Link& link : span.links) out.push_back(Value::OwnedString(link.trace_id.ToHex()));
      return;
    case Intrinsic::kLinkSpanId:
      for (const Link& link : span.links) out.push_back(Value::OwnedString(link.span_id.ToHex()));
      return;
    case Intrinsic::kInstrumentationName:
      out.push_back(Value::StringView(trace.batch().scope_of(span).name));
      return;
    case Intrinsic::kInstrumentationVersion:
      out.push_back(Value::StringView(trace.batch().scope_of(span).version));
      return;
  }
}

Values EvalValues(const CompiledCondition& c, const TraceFacts& facts, uint32_t s) {
  Values out;
  switch (c.kind) {
    case FieldExpr::Kind::kLiteral:
      out.push_back(c.literal);
      break;
    case FieldExpr::Kind::kField:
      FieldValues(c.field, facts, s, out);
      break;
    default:
      out.push_back(Value::Bool(ConditionHolds(c, facts, s)));
      break;
  }
  return out;
}

std::shared_ptr<const re2::RE2> CompilePattern(std::string_view pattern, absl::Status* error) {
  storage::Condition condition;
  condition.op = storage::CompareOp::kRegex;
  condition.operand = std::string(pattern);
  storage::ConditionTree tree = storage::ConditionTree::Leaf(std::move(condition));
  absl::Status status = storage::CompileRegexes(tree);
  if (!status.ok()) {
    if (error != nullptr) *error = std::move(status);
    return nullptr;
  }
  return tree.leaf.regex;
}

bool RegexHolds(const CompiledCondition& c, const Values& subjects, const Values& patterns) {
  for (const Value& subject : subjects) {
    if (subject.kind != Value::Kind::kString) continue;
    const std::string_view text = subject.text();
    auto test = [&](const re2::RE2& regex) {
      return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), regex) ==
             (c.op == CompareOp::kRegex);
    };
    if (c.regex != nullptr) {
      if (test(*c.regex)) return true;
      continue;
    }
    for (const Value& pattern : patterns) {  // a pattern read from a field: compiled here
      if (pattern.kind != Value::Kind::kString) continue;
      const std::shared_ptr<const re2::RE2> regex = CompilePattern(pattern.text(), nullptr);
      if (regex != nullptr && test(*regex)) return true;
    }
  }
  return false;
}

bool CompareHolds(const CompiledCondition& c, const TraceFacts& facts, uint32_t s) {
  const CompiledCondition& lhs = c.operands[0];
  const CompiledCondition& rhs = c.operands[1];
  if ((c.op == CompareOp::kEq || c.op == CompareOp::kNe) &&
      (lhs.literal_is_nil || rhs.literal_is_nil)) {
    const Values values = EvalValues(lhs.literal_is_nil ? rhs : lhs, facts, s);
    const bool present =
        std::any_of(values.begin(), values.end(), [](const Value& v) { return !v.is_nil(); });
    return c.op == CompareOp::kEq ? !present : present;
  }
  const Values left = EvalValues(lhs, facts, s);
  const Values right = EvalValues(rhs, facts, s);
  if (c.op == CompareOp::kRegex || c.op == CompareOp::kNotRegex) {
    return RegexHolds(c, left, right);
  }
  for (const Value& l : left) {
    for (const Value& r : right) {
      if (CompareValues(l, c.op, r)) return true;
    }
  }
  return false;
}

}  // namespace

TraceFacts::TraceFacts(const AssembledTrace& t) : trace(t) {
  uint64_t start = UINT64_MAX, end = 0;
  for (uint32_t s = 0; s < trace.size(); ++s) {
    const Span& span = trace.span(s);
    start = std::min(start, span.start_time_unix_nano);
    end = std::max(end, std::max(span.end_time_unix_nano, span.start_time_unix_nano));
    if (root == kNoSpan && span.is_root()) root = s;
  }
  duration_nanos = trace.empty() ? 0 : Clamped(end - start);
  if (!trace.empty()) trace_id_hex = trace.span(0).trace_id.ToHex();
}

void FieldValues(const FieldRef& field, const TraceFacts& facts, uint32_t s, Values& out) {
  if (field.kind == FieldRef::Kind::kIntrinsic) {
    IntrinsicValues(field.intrinsic, facts, s, out);
    return;
  }
  const SpanBatch& batch = facts.trace.batch();
  const Span& span = facts.trace.span(s);
  switch (field.scope) {
    case AttributeScope::kUnscoped: {
      const size_t before = out.size();
      AppendAttribute(span.attributes, field.name, out);
      if (out.size() == before)
        AppendAttribute(batch.resource_of(span).attributes, field.name, out);
      return;
    }
    case AttributeScope::kSpan:
      AppendAttribute(span.attributes, field.name, out);
      return;
    case AttributeScope::kResource:
      AppendAttribute(batch.resource_of(span).attributes, field.name, out);
      return;
    case AttributeScope::kEvent:
      for (const Event& event : span.events) AppendAttribute(event.attributes, field.name, out);
      return;
    case AttributeScope::kLink:
      for (const Link& link : span.links) AppendAttribute(link.attributes, field.name, out);
      return;
    case AttributeScope::kInstrumentation:
      AppendAttribute(batch.scope_of(span).attributes, field.name, out);
      return;
  }
}

absl::StatusOr<CompiledCondition> CompileCondition(const FieldExpr& expr) {
  CompiledCondition c;
  c.kind = expr.kind;
  c.op = expr.op;
  if (expr.kind == FieldExpr::Kind::kLiteral) {
    c.literal = Value::FromLiteral(expr.literal.value);
    c.literal_is_nil = std::holds_alternative<Nil>(expr.literal.value);
  }
  if (expr.kind == FieldExpr::Kind::kField) c.field = expr.field;
  for (const FieldExpr& operand : expr.operands) {
    absl::StatusOr<CompiledCondition> child = CompileCondition(operand);
    if (!child.ok()) return child.status();
    c.operands.push_back(*std::move(child));
  }
  if (expr.kind == FieldExpr::Kind::kCompare &&
      (expr.op == CompareOp::kRegex || expr.op == CompareOp::kNotRegex) &&
      expr.operands[1].kind == FieldExpr::Kind::kLiteral) {
    absl::Status error;
    c.regex = CompilePattern(c.operands[1].literal.text(), &error);
    if (c.regex == nullptr) {
      const SourcePos& pos = expr.operands[1].literal.pos;
      return absl::InvalidArgumentError(
          absl::StrCat(pos.line, ":", pos.column, ": ", std::string(error.message())));
    }
  }
  return c;
}

bool ConditionHolds(const CompiledCondition& c, const TraceFacts& facts, uint32_t s) {
  switch (c.kind) {
    case FieldExpr::Kind::kLiteral:
      return c.literal.kind == Value::Kind::kBool && c.literal.b;
    case FieldExpr::Kind::kField: {
      Values values;
      FieldValues(c.field, facts, s, values);
      return std::any_of(values.begin(), values.end(),
                         [](const Value& v) { return v.kind == Value::Kind::kBool && v.b; });
    }
    case FieldExpr::Kind::kCompare:
      return CompareHolds(c, facts, s);
    case FieldExpr::Kind::kAnd:
      return std::all_of(c.operands.begin(), c.operands.end(),
                         [&](const CompiledCondition& o) { return ConditionHolds(o, facts, s); });
    case FieldExpr::Kind::kOr:
      return std::any_of(c.operands.begin(), c.operands.end(),
                         [&](const CompiledCondition& o) { return ConditionHolds(o, facts, s); });
    case FieldExpr::Kind::kNot:
      return !ConditionHolds(c.operands[0], facts, s);
  }
  return false;
}

Value ConditionValue(const CompiledCondition& c, const TraceFacts& facts, uint32_t s) {
  Values values = EvalValues(c, facts, s);
  return values.empty() ? Value::Nil() : std::move(values[0]);
}

}  // namespace weft::query::traceql
