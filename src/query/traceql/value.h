// Value: one TraceQL value while a query is evaluated (field_eval.h, engine.h) — what a field of a
// span yields (an attribute's value, an intrinsic), a literal, or an aggregate. Comparisons follow
// TraceQL's rules: ints, floats and durations compare numerically with each other (exactly, as
// storage/condition_eval.h does), strings bytewise, booleans / statuses / kinds only with = and
// !=; a nil (absent) value or a type mismatch is "no match" for every operator, `!=` included.
// Thread rule: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/any_value.h"
#include "model/span.h"
#include "query/traceql/ast.h"

namespace weft::query::traceql {

struct Value {
  enum class Kind : uint8_t {
    kNil,  // absent
    kBool,
    kInt,
    kFloat,
    kString,
    kDuration,  // i = nanoseconds
    kStatus,
    kKind,
    kOther,  // present but of no comparable type (bytes, arrays, key-value lists)
  };

  Kind kind = Kind::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  StatusCode status = StatusCode::kUnset;
  SpanKind span_kind = SpanKind::kUnspecified;

  static Value Nil() { return {}; }
  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Float(double v);
  static Value Duration(int64_t nanos);
  // A view: the caller keeps `s` alive while the value is used.
  static Value StringView(std::string_view s);
  // An owned copy (ids rendered as hex).
  static Value OwnedString(std::string s);
  static Value OfStatus(StatusCode code);
  static Value OfKind(SpanKind kind);
  static Value FromAny(const AnyValue* any);  // null -> nil
  static Value FromLiteral(const LiteralValue& literal);

  // Copies stay valid: an owned text lives in the value itself.
  std::string_view text() const { return owns_ ? std::string_view(owned_) : view_; }
  bool is_nil() const { return kind == Kind::kNil; }
  bool is_numeric() const {
    return kind == Kind::kInt || kind == Kind::kFloat || kind == Kind::kDuration;
  }
  // For sums and averages: ints and durations as doubles.
  double AsDouble() const { return kind == Kind::kFloat ? f : static_cast<double>(i); }

  // Equality of kind and content (nil equals nil): grouping keys for by().
  friend bool operator==(const Value& a, const Value& b);

 private:
  std::string_view view_;
  std::string owned_;
  bool owns_ = false;
};

// `lhs op rhs` by the rules above; op is not a regex operator (those need a compiled pattern).
bool CompareValues(const Value& lhs, CompareOp op, const Value& rhs);

// Go's time.Duration.String() (`1.5s`, `300ms`, `1h30m0s`, `0s`): how Tempo shows durations.
std::string GoDurationString(int64_t nanos);

// How Tempo shows a value as an attribute: durations, statuses and kinds as strings, nil as
// "nil". Strings are views of `storage`'s arena copies, so the result lives as long as it.
AnyValue ToAnyValue(const Value& value, Arena& storage);

}  // namespace weft::query::traceql
