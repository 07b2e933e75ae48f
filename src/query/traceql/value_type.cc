#include "query/traceql/value_type.h"

namespace weft::query::traceql {

std::string_view ValueTypeDescription(ValueType type) {
  switch (type) {
    case ValueType::kNil:
      return "nil";
    case ValueType::kBool:
      return "a boolean";
    case ValueType::kInt:
      return "an integer";
    case ValueType::kFloat:
      return "a float";
    case ValueType::kString:
      return "a string";
    case ValueType::kDuration:
      return "a duration";
    case ValueType::kStatus:
      return "a status";
    case ValueType::kKind:
      return "a kind";
    case ValueType::kDynamic:
      return "an attribute";
  }
  return "a value";
}

}  // namespace weft::query::traceql
