// The pipeline aggregates `count() avg(f) min(f) max(f) sum(f)` over the spans of one spanset.
// count() is an int; min and max keep the value's kind; sum stays an int over ints (a float on
// overflow), a duration over durations, else a float; avg is a float, or a duration over
// durations. Spans where the field is absent or not a number are skipped; with no number left
// the result is nil (which compares with nothing, so a scalar filter drops the spanset).
// Thread rule: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "query/traceql/ast.h"
#include "query/traceql/field_eval.h"
#include "query/traceql/value.h"

namespace weft::query::traceql {

// REQUIRES: argument is set unless function is kCount.
Value AggregateValue(AggregateFunction function, const std::optional<FieldRef>& argument,
                     std::span<const uint32_t> spans, const TraceFacts& facts);

}  // namespace weft::query::traceql
