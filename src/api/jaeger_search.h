// The search request of Jaeger's `GET /api/traces?…` turned into a storage FetchRequest:
// service, operation, tags (a JSON object, or repeated key:value), min/max duration (Go duration
// text), start/end (unix microseconds), lookback and limit. Errors are InvalidArgument naming the
// parameter. Thread rule: pure function.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "api/search_params.h"
#include "http/query_params.h"
#include "storage/span_fetcher.h"

namespace weft::api {

inline constexpr size_t kJaegerDefaultLimit = 20;

// `now_unix_nanos` is the default end.
absl::StatusOr<storage::FetchRequest> ParseJaegerSearch(const http::QueryParams& params,
                                                        uint64_t now_unix_nanos,
                                                        const SearchLimits& limits = {});

}  // namespace weft::api
