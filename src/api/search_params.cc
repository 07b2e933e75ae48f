#include "api/search_params.h"

#include <utility>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/query_metrics.h"

namespace weft::api {

absl::Status BadParam(std::string_view param, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("parameter '", std::string(param), "' ", std::string(what)));
}

absl::StatusOr<uint64_t> DurationParam(const http::QueryParams& params, std::string_view name,
                                       uint64_t fallback) {
  const std::optional<std::string> text = params.Get(name);
  if (!text.has_value() || text->empty()) return fallback;
  absl::Duration d;
  if (!absl::ParseDuration(*text, &d) || d < absl::ZeroDuration()) {
    return BadParam(name, absl::StrCat("is not a duration like 100ms or 1.5s: \"", *text, "\""));
  }
  return static_cast<uint64_t>(absl::ToInt64Nanoseconds(d));
}

absl::StatusOr<uint64_t> UnixTimeParam(const http::QueryParams& params, std::string_view name,
                                       uint64_t unit_nanos, uint64_t fallback) {
  const std::optional<std::string> text = params.Get(name);
  if (!text.has_value() || text->empty()) return fallback;
  uint64_t units = 0;
  if (!absl::SimpleAtoi(*text, &units) || units > UINT64_MAX / unit_nanos) {
    return BadParam(
        name, absl::StrCat("is not a unix time in ",
                           unit_nanos == 1'000 ? "microseconds" : "seconds", ": \"", *text, "\""));
  }
  return units * unit_nanos;
}

absl::StatusOr<size_t> CountParam(const http::QueryParams& params, std::string_view name,
                                  size_t fallback, size_t max) {
  const std::optional<std::string> text = params.Get(name);
  if (!text.has_value() || text->empty()) return fallback;
  size_t count = 0;
  if (!absl::SimpleAtoi(*text, &count) || count == 0 || count > max) {
    return BadParam(name, absl::StrCat("must be 1 to ", max));
  }
  return count;
}

absl::StatusOr<size_t> LimitParam(const http::QueryParams& params, size_t fallback,
                                  const SearchLimits& limits) {
  absl::StatusOr<size_t> limit = CountParam(params, "limit", fallback, limits.max_limit);
  size_t asked = 0;
  if (!limit.ok() && absl::SimpleAtoi(params.Get("limit").value_or(""), &asked) &&
      asked > limits.max_limit) {
    QueryMetrics::Get().limit_rejected.Increment();
  }
  return limit;
}

storage::ConditionTree TextValueCondition(const std::string& key, const std::string& value,
                                          std::initializer_list<storage::AttributeScope> scopes) {
  std::vector<storage::Operand> operands = {value};
  int64_t i = 0;
  double d = 0;
  if (absl::SimpleAtoi(value, &i)) {
    operands.emplace_back(i);
  } else if (absl::SimpleAtod(value, &d)) {
    operands.emplace_back(d);
  }
  if (value == "true" || value == "false") operands.emplace_back(value == "true");
  std::vector<storage::ConditionTree> any;
  for (const storage::AttributeScope scope : scopes) {
    for (const storage::Operand& operand : operands) {
      storage::Condition c;
      c.field = storage::Field::kAttribute;
      c.scope = scope;
      c.key = key;
      c.operand = operand;
      any.push_back(storage::ConditionTree::Leaf(std::move(c)));
    }
  }
  return storage::ConditionTree::Or(std::move(any));
}

}  // namespace weft::api
