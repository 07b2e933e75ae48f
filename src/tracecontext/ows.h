// Internal to src/tracecontext: HTTP optional whitespace (RFC 7230 OWS = spaces and tabs), which
// every header grammar here allows around values and list members. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace weft::tracecontext {

inline bool IsOws(char c) { return c == ' ' || c == '\t'; }

// `s` without leading and trailing spaces and tabs.
inline std::string_view TrimOws(std::string_view s) {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && IsOws(s[begin])) ++begin;
  while (end > begin && IsOws(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

}  // namespace weft::tracecontext
