// Duration literals of TraceQL: `300ms`, `1.5s`, `1h30m`, `10us` (or `10µs`), `100ns`; units
// ns, us/µs, ms, s, m, h as in Go, and d, w, y (24 h, 7 d, 365 d) as in Prometheus, which Tempo
// also accepts. Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace weft::query::traceql {

// Nanoseconds of an unsigned duration text: one or more <number><unit> parts, a number being
// digits with an optional fraction (truncated below a nanosecond). Errors: InvalidArgument with
// a message that names the text but no position (the lexer adds it): unknown or missing unit,
// malformed number, more than INT64_MAX nanoseconds.
absl::StatusOr<int64_t> ParseDurationText(std::string_view text);

// The canonical spelling: the largest of h, m, s, ms, us, ns that divides the value exactly
// (`1500ms`, `90m`, `-2s`), "0s" for zero. ParseDurationText reads it back to the same value.
std::string FormatDuration(int64_t nanos);

}  // namespace weft::query::traceql
