#include "storage/embedded/retention/retention_plan.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace weft::storage::embedded {
namespace {

// `value / unit` with the fraction's trailing zeros trimmed ("1.5", "2"). `unit` is a power of 10.
std::string Decimal(uint64_t value, uint64_t unit) {
  std::string out = absl::StrCat(value / unit);
  uint64_t fraction = value % unit;
  if (fraction == 0) return out;
  int digits = 0;
  for (uint64_t u = unit; u > 1; u /= 10) ++digits;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  absl::StrAppend(&out, ".", absl::StrFormat("%0*d", digits, fraction));
  return out;
}

}  // namespace

std::string FormatGoDuration(uint64_t nanos) {
  constexpr uint64_t kMicro = 1'000, kMilli = 1'000'000, kSecond = 1'000'000'000;
  constexpr uint64_t kMinute = 60 * kSecond, kHour = 60 * kMinute;
  if (nanos == 0) return "0s";
  if (nanos < kMicro) return absl::StrCat(nanos, "ns");
  if (nanos < kMilli) return absl::StrCat(Decimal(nanos, kMicro), "\u00b5s");
  if (nanos < kSecond) return absl::StrCat(Decimal(nanos, kMilli), "ms");
  std::string out;
  const uint64_t hours = nanos / kHour;
  const uint64_t minutes = nanos % kHour / kMinute;
  if (hours > 0) absl::StrAppend(&out, hours, "h");
  if (hours > 0 || minutes > 0) absl::StrAppend(&out, minutes, "m");
  absl::StrAppend(&out, Decimal(nanos % kMinute, kSecond), "s");
  return out;
}

std::string FormatBinaryBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes >= (uint64_t{1} << (10 * (unit + 1)))) ++unit;
  if (unit == 0) return absl::StrCat(bytes, " B");
  const double value = static_cast<double>(bytes) / static_cast<double>(uint64_t{1} << (10 * unit));
  std::string number = absl::StrFormat("%.1f", value);
  if (number.ends_with(".0")) number.resize(number.size() - 2);
  return absl::StrCat(number, " ", kUnits[unit]);
}

std::vector<RetentionDecision> PlanRetention(std::span<const BlockInfo> blocks,
                                             uint64_t now_unix_nanos,
                                             const RetentionPolicy& policy) {
  std::vector<size_t> oldest_first(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) oldest_first[i] = i;
  std::sort(oldest_first.begin(), oldest_first.end(), [&](size_t a, size_t b) {
    return std::forward_as_tuple(blocks[a].max_time_unix_nanos, blocks[a].path, a) <
           std::forward_as_tuple(blocks[b].max_time_unix_nanos, blocks[b].path, b);
  });

  std::vector<RetentionDecision> decisions;
  std::vector<size_t> kept;
  uint64_t kept_bytes = 0;
  const bool age_limit = policy.max_age_nanos != 0 && now_unix_nanos >= policy.max_age_nanos;
  const uint64_t cutoff = age_limit ? now_unix_nanos - policy.max_age_nanos : 0;
  for (size_t i : oldest_first) {
    if (age_limit && blocks[i].max_time_unix_nanos < cutoff) {
      decisions.push_back({i, "older than " + FormatGoDuration(policy.max_age_nanos)});
    } else {
      kept.push_back(i);
      kept_bytes += blocks[i].bytes;
    }
  }

  if (policy.max_total_bytes == 0) return decisions;
  for (size_t i : kept) {
    if (kept_bytes <= policy.max_total_bytes) break;
    std::string total = FormatBinaryBytes(kept_bytes);
    std::string cap = FormatBinaryBytes(policy.max_total_bytes);
    if (total == cap) {  // rounding hid the difference
      total = absl::StrCat(kept_bytes, " bytes");
      cap = absl::StrCat(policy.max_total_bytes, " bytes");
    }
    decisions.push_back({i, absl::StrCat("total size ", total, " over cap ", cap)});
    kept_bytes -= blocks[i].bytes;
  }
  return decisions;
}

}  // namespace weft::storage::embedded
