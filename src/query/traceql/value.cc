// TraceQL values: construction, the comparison rules (shared with storage/condition_eval.cc in
// meaning: exact int/float comparison, mismatches never match) and Tempo's display forms.
#include "query/traceql/value.h"

#include <cmath>
#include <compare>
#include <cstdio>
#include <string>

#include "common/arena.h"

namespace weft::query::traceql {
namespace {

// Exact comparison of an int64 with a double (no rounding of either).
std::partial_ordering CompareIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (d >= kTwoTo63) return std::partial_ordering::less;
  if (d < -kTwoTo63) return std::partial_ordering::greater;
  const double whole = std::trunc(d);
  const auto whole_int = static_cast<int64_t>(whole);
  if (i != whole_int) return i <=> whole_int;
  return 0.0 <=> (d - whole);
}

std::partial_ordering CompareNumbers(const Value& a, const Value& b) {
  const bool a_float = a.kind == Value::Kind::kFloat;
  const bool b_float = b.kind == Value::Kind::kFloat;
  if (!a_float && !b_float) return a.i <=> b.i;
  if (a_float && b_float) return a.f <=> b.f;
  if (b_float) return CompareIntDouble(a.i, b.f);
  return 0 <=> CompareIntDouble(b.i, a.f);
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

// Go's fractional part: `digits` after the point with trailing zeros dropped.
void AppendFraction(std::string& out, uint64_t fraction, int digits) {
  std::string text(static_cast<size_t>(digits), '0');
  for (int k = digits - 1; k >= 0; --k, fraction /= 10)
    text[k] = static_cast<char>('0' + fraction % 10);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty()) out += "." + text;
}

}  // namespace

Value Value::Bool(bool v) {
  Value out;
  out.kind = Kind::kBool;
  out.b = v;
  return out;
}

Value Value::Int(int64_t v) {
  Value out;
  out.kind = Kind::kInt;
  out.i = v;
  return out;
}

Value Value::Float(double v) {
  Value out;
  out.kind = Kind::kFloat;
  out.f = v;
  return out;
}

Value Value::Duration(int64_t nanos) {
  Value out;
  out.kind = Kind::kDuration;
  out.i = nanos;
  return out;
}

Value Value::StringView(std::string_view s) {
  Value out;
  out.kind = Kind::kString;
  out.view_ = s;
  return out;
}

Value Value::OwnedString(std::string s) {
  Value out;
  out.kind = Kind::kString;
  out.owned_ = std::move(s);
  out.owns_ = true;
  return out;
}

Value Value::OfStatus(StatusCode code) {
  Value out;
  out.kind = Kind::kStatus;
  out.status = code;
  return out;
}

Value Value::OfKind(SpanKind kind) {
  Value out;
  out.kind = Kind::kKind;
  out.span_kind = kind;
  return out;
}

Value Value::FromAny(const AnyValue* any) {
  if (any == nullptr) return Nil();
  switch (any->type()) {
    case weft::ValueType::kString:
      return StringView(any->string_value());
    case weft::ValueType::kInt:
      return Int(any->int_value());
    case weft::ValueType::kDouble:
      return Float(any->double_value());
    case weft::ValueType::kBool:
      return Bool(any->bool_value());
    default: {
      Value out;
      out.kind = Kind::kOther;
      return out;
    }
  }
}

Value Value::FromLiteral(const LiteralValue& literal) {
  return std::visit(
      [](const auto& v) -> Value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, traceql::Nil>) {
          return Value::Nil();
        } else if constexpr (std::is_same_v<T, bool>) {
          return Value::Bool(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return Value::Int(v);
        } else if constexpr (std::is_same_v<T, double>) {
          return Value::Float(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Value::OwnedString(v);
        } else if constexpr (std::is_same_v<T, traceql::Duration>) {
          return Value::Duration(v.nanos);
        } else if constexpr (std::is_same_v<T, StatusCode>) {
          return Value::OfStatus(v);
        } else {
          return Value::OfKind(v);
        }
      },
      literal);
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kNil:
    case Value::Kind::kOther:
      return true;
    case Value::Kind::kBool:
      return a.b == b.b;
    case Value::Kind::kInt:
    case Value::Kind::kDuration:
      return a.i == b.i;
    case Value::Kind::kFloat:
      return a.f == b.f || (std::isnan(a.f) && std::isnan(b.f));
    case Value::Kind::kString:
      return a.text() == b.text();
    case Value::Kind::kStatus:
      return a.status == b.status;
    case Value::Kind::kKind:
      return a.span_kind == b.span_kind;
  }
  return false;
}

bool CompareValues(const Value& lhs, CompareOp op, const Value& rhs) {
  if (lhs.is_numeric() && rhs.is_numeric()) return Holds(CompareNumbers(lhs, rhs), op);
  if (lhs.kind != rhs.kind) return false;
  switch (lhs.kind) {
    case Value::Kind::kString:
      return Holds(lhs.text().compare(rhs.text()) <=> 0, op);
    case Value::Kind::kBool:
      if (op == CompareOp::kEq) return lhs.b == rhs.b;
      if (op == CompareOp::kNe) return lhs.b != rhs.b;
      return false;
    case Value::Kind::kStatus:
      if (op == CompareOp::kEq) return lhs.status == rhs.status;
      if (op == CompareOp::kNe) return lhs.status != rhs.status;
      return false;
    case Value::Kind::kKind:
      if (op == CompareOp::kEq) return lhs.span_kind == rhs.span_kind;
      if (op == CompareOp::kNe) return lhs.span_kind != rhs.span_kind;
      return false;
    default:  // nil and other: no match
      return false;
  }
}

std::string GoDurationString(int64_t nanos) {
  if (nanos == 0) return "0s";
  std::string out = nanos < 0 ? "-" : "";
  // The magnitude as unsigned, so INT64_MIN works.
  const uint64_t u = nanos < 0 ? 0 - static_cast<uint64_t>(nanos) : static_cast<uint64_t>(nanos);
  constexpr uint64_t kSecond = 1'000'000'000;
  if (u < kSecond) {
    // ns, µs or ms with a fraction.
    if (u < 1'000) return out + std::to_string(u) + "ns";
    if (u < 1'000'000) {
      out += std::to_string(u / 1'000);
      AppendFraction(out, u % 1'000, 3);
      return out + "µs";
    }
    out += std::to_string(u / 1'000'000);
    AppendFraction(out, u % 1'000'000, 6);
    return out + "ms";
  }
  const uint64_t hours = u / (3600 * kSecond);
  const uint64_t minutes = u / (60 * kSecond) % 60;
  const uint64_t seconds = u / kSecond % 60;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += std::to_string(seconds);
  AppendFraction(out, u % kSecond, 9);
  return out + "s";
}

AnyValue ToAnyValue(const Value& value, Arena& storage) {
  switch (value.kind) {
    case Value::Kind::kBool:
      return AnyValue::Bool(value.b);
    case Value::Kind::kInt:
      return AnyValue::Int(value.i);
    case Value::Kind::kFloat:
      return AnyValue::Double(value.f);
    case Value::Kind::kString:
      return AnyValue::String(storage.CopyString(value.text()));
    case Value::Kind::kDuration:
      return AnyValue::String(storage.CopyString(GoDurationString(value.i)));
    case Value::Kind::kStatus:
      return AnyValue::String(StatusCodeName(value.status));
    case Value::Kind::kKind:
      return AnyValue::String(SpanKindName(value.span_kind));
    case Value::Kind::kNil:
    case Value::Kind::kOther:
      break;
  }
  return AnyValue::String("nil");
}

}  // namespace weft::query::traceql
