// Retry policy (retry_policy.h).
// Thread rule: pure functions.
#include "sdk/retry_policy.h"

#include <algorithm>
#include <string>

#include <time.h>

namespace weft::sdk_otlp {

bool IsRetryableHttpStatus(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds Backoff(int attempt, std::chrono::milliseconds initial,
                                  std::chrono::milliseconds max, uint64_t random) {
  int64_t d = std::max<int64_t>(initial.count(), 1);
  for (int i = 0; i < attempt && d < max.count(); ++i) d *= 2;
  d = std::min<int64_t>(d, std::max<int64_t>(max.count(), 1));
  const int64_t half = d / 2;
  const int64_t jitter =
      half > 0 ? static_cast<int64_t>(random % static_cast<uint64_t>(half + 1)) : 0;
  return std::chrono::milliseconds(d - half + jitter);
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::milliseconds(int64_t{999'999'999} * 1000);
    return std::chrono::milliseconds(std::stoll(std::string(value)) * 1000);
  }
  const std::string text(value.substr(0, 64));
  tm parts{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const time_t when = timegm(&parts);
  const auto at = std::chrono::system_clock::from_time_t(when);
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

}  // namespace weft::sdk_otlp
