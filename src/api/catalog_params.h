// The query parameters every tag-catalog endpoint reads the same way (Tempo's /api/search/tags
// family and the native /api/v1/attributes): the window `start` / `end` in unix seconds, by
// default the hour before now; and path components with escapes. Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "http/query_params.h"

namespace weft::api {

inline constexpr uint64_t kDefaultCatalogLookbackNanos = 3600ULL * 1'000'000'000;

struct WindowParams {
  uint64_t start_unix_nanos = 0;
  uint64_t end_unix_nanos = 0;
};

// A path component with its %XY escapes decoded ('+' stays '+', unlike in a query string).
// InvalidArgument naming `what` for a bad escape.
absl::StatusOr<std::string> DecodePathPart(std::string_view text, std::string_view what);

// `end` defaults to `now_unix_nanos`, `start` to an hour before `end`. InvalidArgument naming the
// parameter for text that is not a unix time in seconds, or a start after the end.
absl::StatusOr<WindowParams> ParseWindowParams(const http::QueryParams& params,
                                               uint64_t now_unix_nanos);

}  // namespace weft::api
