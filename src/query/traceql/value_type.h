// The static types of TraceQL values, checked by the parser so that a planner and an evaluator
// know what each operand is. Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace weft::query::traceql {

enum class ValueType : uint8_t {
  kNil,       // `nil`
  kBool,      // `true`, `false`, and every condition
  kInt,       // 64-bit signed
  kFloat,     // double
  kString,    // UTF-8
  kDuration,  // nanoseconds
  kStatus,    // `ok`, `error`, `unset` (model StatusCode)
  kKind,      // `server`, `client`, … (model SpanKind)
  kDynamic,   // an attribute: its type is whatever the span holds
};

// "nil", "a boolean", "an integer", "a float", "a string", "a duration", "a status", "a kind",
// "an attribute": for error messages.
std::string_view ValueTypeDescription(ValueType type);

// Ints, floats and durations compare with each other (a duration as its nanoseconds).
inline bool IsNumeric(ValueType type) {
  return type == ValueType::kInt || type == ValueType::kFloat || type == ValueType::kDuration;
}

}  // namespace weft::query::traceql
