// When and how long an exporter waits before retrying: exponential backoff with jitter, the
// server's Retry-After (seconds or HTTP-date) taking precedence, and which HTTP answers are
// retryable (429, 502, 503, 504; never 400 or other 4xx).
// Thread rule: pure functions (Backoff takes the caller's random source).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace weft::sdk_otlp {

bool IsRetryableHttpStatus(int status);

// Delay before retry number `attempt` (0 = first retry): uniformly random in [d/2, d] where
// d = min(max, initial * 2^attempt). `random` is any 64-bit random value.
std::chrono::milliseconds Backoff(int attempt, std::chrono::milliseconds initial,
                                  std::chrono::milliseconds max, uint64_t random);

// Retry-After: delta-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"),
// relative to `now`. nullopt when unparseable; a date in the past gives 0.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

}  // namespace weft::sdk_otlp
