// What the search endpoints (Jaeger's /api/traces, Tempo's /api/search) read from a query string
// in the same way: Go-syntax durations, integer unix times, bounded counts, and tag conditions
// whose value is text that may spell a number or a bool. Errors are InvalidArgument
// "parameter 'x' …". Thread rule: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "http/query_params.h"
#include "storage/span_fetcher.h"

namespace weft::api {

// Bounds every search endpoint (Tempo, Jaeger, native) applies; `weft serve --query-max-limit`
// and `--query-timeout` set them.
struct SearchLimits {
  // The largest `limit` a request may ask for: a larger one is a 400, never an allocation.
  size_t max_limit = 1500;
  // How long a search may take (Tempo's default query timeout): it then answers what it found
  // so far, marked partial.
  std::chrono::milliseconds timeout{30'000};

  std::chrono::steady_clock::time_point Deadline() const {
    return std::chrono::steady_clock::now() + timeout;
  }
};

absl::Status BadParam(std::string_view param, std::string_view what);

// A Go-syntax duration (`100ms`, `1.5s`, `2h`), in nanoseconds; `fallback` when absent or empty.
absl::StatusOr<uint64_t> DurationParam(const http::QueryParams& params, std::string_view name,
                                       uint64_t fallback);

// A unix time as an integer count of `unit_nanos` (1'000 for microseconds, 1'000'000'000 for
// seconds), in nanoseconds; `fallback` when absent or empty.
absl::StatusOr<uint64_t> UnixTimeParam(const http::QueryParams& params, std::string_view name,
                                       uint64_t unit_nanos, uint64_t fallback);

// An integer in [1, max]; `fallback` when absent or empty.
absl::StatusOr<size_t> CountParam(const http::QueryParams& params, std::string_view name,
                                  size_t fallback, size_t max);

// The search `limit`: CountParam bounded by limits.max_limit, counting refusals above it
// (weft_query_limit_rejected_total).
absl::StatusOr<size_t> LimitParam(const http::QueryParams& params, size_t fallback,
                                  const SearchLimits& limits);

// `key` = `value` in any of `scopes`: the attribute equals the text, or the integer, float or
// bool the text spells (tags arrive as text; attributes keep their types).
storage::ConditionTree TextValueCondition(const std::string& key, const std::string& value,
                                          std::initializer_list<storage::AttributeScope> scopes);

}  // namespace weft::api
