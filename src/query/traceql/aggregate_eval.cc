// Aggregates over a spanset (aggregate_eval.h).
#include "query/traceql/aggregate_eval.h"

#include <algorithm>
#include <vector>

namespace weft::query::traceql {

Value AggregateValue(AggregateFunction function, const std::optional<FieldRef>& argument,
                     std::span<const uint32_t> spans, const TraceFacts& facts) {
  if (function == AggregateFunction::kCount) {
    return Value::Int(static_cast<int64_t>(spans.size()));
  }
  std::vector<Value> numbers;
  for (const uint32_t s : spans) {
    Values values;
    FieldValues(*argument, facts, s, values);
    if (!values.empty() && values[0].is_numeric()) numbers.push_back(values[0]);
  }
  if (numbers.empty()) return Value::Nil();
  const bool all_durations = std::all_of(numbers.begin(), numbers.end(), [](const Value& v) {
    return v.kind == Value::Kind::kDuration;
  });
  const bool any_float = std::any_of(numbers.begin(), numbers.end(),
                                     [](const Value& v) { return v.kind == Value::Kind::kFloat; });
  switch (function) {
    case AggregateFunction::kMin:
    case AggregateFunction::kMax: {
      Value best = numbers[0];
      const CompareOp better =
          function == AggregateFunction::kMin ? CompareOp::kLt : CompareOp::kGt;
      for (const Value& v : numbers) {
        if (CompareValues(v, better, best)) best = v;
      }
      return best;
    }
    case AggregateFunction::kSum:
    case AggregateFunction::kAvg: {
      double sum = 0;
      int64_t int_sum = 0;
      bool overflow = false;
      for (const Value& v : numbers) {
        sum += v.AsDouble();
        if (!any_float && __builtin_add_overflow(int_sum, v.i, &int_sum)) overflow = true;
      }
      const double n = static_cast<double>(numbers.size());
      if (function == AggregateFunction::kAvg) {
        return all_durations ? Value::Duration(static_cast<int64_t>(sum / n))
                             : Value::Float(sum / n);
      }
      if (any_float || overflow) return Value::Float(sum);
      return all_durations ? Value::Duration(int_sum) : Value::Int(int_sum);
    }
    case AggregateFunction::kCount:
      break;
  }
  return Value::Nil();
}

}  // namespace weft::query::traceql
