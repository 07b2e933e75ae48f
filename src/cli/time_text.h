// Times as the CLI prints them: UTC, from unix nanoseconds. Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace weft::cli {

// `unix_nanos` in UTC with an absl::FormatTime format ("%Y-%m-%d %H:%M:%S").
std::string FormatUtc(uint64_t unix_nanos, const char* format);

// ISO 8601 with milliseconds: "2026-11-25T12:04:33.246Z".
inline std::string IsoTime(uint64_t unix_nanos) {
  return FormatUtc(unix_nanos, "%Y-%m-%dT%H:%M:%E3SZ");
}

}  // namespace weft::cli
