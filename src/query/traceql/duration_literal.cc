#include "query/traceql/duration_literal.h"

#include <array>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"

namespace weft::query::traceql {
namespace {

struct Unit {
  std::string_view name;
  uint64_t nanos;
};

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kDay = 24 * 3600 * kSecond;

// Every spelling the parser accepts, the two-letter ones first so "ms" is not "m" then "s".
constexpr std::array<Unit, 10> kUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // µs
    {"ms", 1'000'000},
    {"s", kSecond},
    {"m", 60 * kSecond},
    {"h", 3600 * kSecond},
    {"d", kDay},
    {"w", 7 * kDay},
    {"y", 365 * kDay},
}};

// The units the printer uses, largest first.
constexpr std::array<Unit, 6> kPrintUnits = {{
    {"h", 3600 * kSecond},
    {"m", 60 * kSecond},
    {"s", kSecond},
    {"ms", 1'000'000},
    {"us", 1'000},
    {"ns", 1},
}};

// 128-bit arithmetic so that `whole * unit` and `fraction * unit` cannot overflow before the
// range check (the compiler's builtin name, which -Wpedantic accepts).
using Uint128 = __uint128_t;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad duration \"", std::string(text), "\": ", std::string(why)));
}

}  // namespace

absl::StatusOr<int64_t> ParseDurationText(std::string_view text) {
  constexpr Uint128 kMax = std::numeric_limits<int64_t>::max();
  Uint128 total = 0;
  size_t i = 0;
  if (text.empty()) return Bad(text, "empty");
  while (i < text.size()) {
    // <digits>[.<digits>]
    if (!IsDigit(text[i])) {
      return Bad(text, absl::StrCat("expected a number at \"", std::string(text.substr(i)), "\""));
    }
    Uint128 whole = 0;
    while (i < text.size() && IsDigit(text[i])) {
      whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
      if (whole > kMax) return Bad(text, "out of range (at most 292 years)");
      ++i;
    }
    uint64_t fraction = 0;  // the first 18 fraction digits
    uint64_t scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i >= text.size() || !IsDigit(text[i])) {
        return Bad(text, "expected a digit after the decimal point");
      }
      while (i < text.size() && IsDigit(text[i])) {
        if (scale < 1'000'000'000'000'000'000ULL) {
          fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
          scale *= 10;
        }
        ++i;
      }
    }
    // <unit>: the longest spelling that matches.
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      size_t end = i;
      while (end < text.size() && !IsDigit(text[end]) && text[end] != '.') ++end;
      if (end == i) return Bad(text, "missing unit (use ns, us, ms, s, m, h, d, w or y)");
      return Bad(text, absl::StrCat("unknown unit \"", std::string(text.substr(i, end - i)),
                                    "\" (use ns, us, ms, s, m, h, d, w or y)"));
    }
    i += unit->name.size();
    if (i < text.size() && !IsDigit(text[i])) {
      // A unit followed by more letters, e.g. "5sec": report the whole word.
      size_t start = i - unit->name.size();
      size_t end = i;
      while (end < text.size() && !IsDigit(text[end]) && text[end] != '.') ++end;
      return Bad(text, absl::StrCat("unknown unit \"", std::string(text.substr(start, end - start)),
                                    "\" (use ns, us, ms, s, m, h, d, w or y)"));
    }
    total += whole * unit->nanos;
    total += static_cast<Uint128>(fraction) * unit->nanos / scale;
    if (total > kMax) return Bad(text, "out of range (at most 292 years)");
  }
  return static_cast<int64_t>(total);
}

std::string FormatDuration(int64_t nanos) {
  if (nanos == 0) return "0s";
  const bool negative = nanos < 0;
  // Magnitude without overflow for INT64_MIN.
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
  for (const Unit& u : kPrintUnits) {
    if (magnitude % u.nanos == 0) {
      return absl::StrCat(negative ? "-" : "", magnitude / u.nanos, std::string(u.name));
    }
  }
  return absl::StrCat(negative ? "-" : "", magnitude, "ns");  // unreachable: ns divides all
}

}  // namespace weft::query::traceql
