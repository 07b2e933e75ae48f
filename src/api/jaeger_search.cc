#include "api/jaeger_search.h"

#include <utility>

#include <charconv>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/json_reader.h"

namespace weft::api {
namespace {

using storage::AttributeScope;
using storage::CompareOp;
using storage::Condition;
using storage::ConditionTree;
using storage::Field;

constexpr uint64_t kDefaultLookbackNanos = 3600ULL * 1'000'000'000;
constexpr size_t kMaxTags = 64;

absl::Status Bad(std::string_view param, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("parameter '", std::string(param), "' ", std::string(what)));
}

absl::StatusOr<uint64_t> ParseDurationNanos(std::string_view param, const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d < absl::ZeroDuration()) {
    return Bad(param, absl::StrCat("is not a duration like 100ms or 1.5s: \"", text, "\""));
  }
  return static_cast<uint64_t>(absl::ToInt64Nanoseconds(d));
}

absl::StatusOr<uint64_t> ParseMicros(std::string_view param, const std::string& text) {
  uint64_t micros = 0;
  if (!absl::SimpleAtoi(text, &micros) || micros > UINT64_MAX / 1000) {
    return Bad(param, absl::StrCat("is not unix microseconds: \"", text, "\""));
  }
  return micros * 1000;
}

ConditionTree Leaf(Condition c) { return ConditionTree::Leaf(std::move(c)); }

// A Jaeger tag (always text) matches a span attribute, a resource (process) attribute or an event
// (log) attribute whose value is that text, or the number / bool it spells.
ConditionTree TagCondition(const std::string& key, const std::string& value) {
  if (key == "error" && (value == "true" || value == "false")) {
    Condition status;
    status.field = Field::kStatus;
    status.op = value == "true" ? CompareOp::kEq : CompareOp::kNe;
    status.operand = int64_t{static_cast<int64_t>(StatusCode::kError)};
    return Leaf(std::move(status));
  }
  std::vector<storage::Operand> operands = {value};
  int64_t i = 0;
  double d = 0;
  if (absl::SimpleAtoi(value, &i)) {
    operands.emplace_back(i);
  } else if (absl::SimpleAtod(value, &d)) {
    operands.emplace_back(d);
  }
  if (value == "true" || value == "false") operands.emplace_back(value == "true");
  std::vector<ConditionTree> any;
  for (const AttributeScope scope : {AttributeScope::kSpanOrResource, AttributeScope::kEvent}) {
    for (const storage::Operand& operand : operands) {
      Condition c;
      c.field = Field::kAttribute;
      c.scope = scope;
      c.key = key;
      c.operand = operand;
      any.push_back(Leaf(std::move(c)));
    }
  }
  return ConditionTree::Or(std::move(any));
}

// `tags` as Jaeger's UI sends it: one JSON object of string (or number / bool) values.
absl::Status ParseTagsJson(const std::string& text,
                           std::vector<std::pair<std::string, std::string>>& tags) {
  return json::ParseUntrustedJson(text, 4, [&](json::Element root) -> absl::Status {
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      return Bad("tags", "must be a JSON object of tag values");
    }
    for (const auto field : object) {
      std::string value;
      std::string_view s;
      int64_t i = 0;
      double d = 0;
      bool b = false;
      if (field.value.get_string().get(s) == simdjson::SUCCESS) {
        value = std::string(s);
      } else if (field.value.get_int64().get(i) == simdjson::SUCCESS) {
        value = std::to_string(i);
      } else if (field.value.get_double().get(d) == simdjson::SUCCESS) {
        value = absl::StrCat(d);
      } else if (field.value.get_bool().get(b) == simdjson::SUCCESS) {
        value = b ? "true" : "false";
      } else {
        return Bad("tags", absl::StrCat("value of \"", std::string(field.key),
                                        "\" must be a string, number or bool"));
      }
      tags.emplace_back(std::string(field.key), std::move(value));
    }
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<storage::FetchRequest> ParseJaegerSearch(const http::QueryParams& params,
                                                        uint64_t now_unix_nanos) {
  storage::FetchRequest request;
  request.whole_traces = true;
  std::vector<ConditionTree> all;

  const std::optional<std::string> service = params.Get("service");
  if (!service.has_value() || service->empty()) return Bad("service", "is required");
  Condition by_service;
  by_service.field = Field::kServiceName;
  by_service.operand = *service;
  all.push_back(Leaf(std::move(by_service)));
  if (const auto operation = params.Get("operation"); operation && !operation->empty()) {
    Condition by_name;
    by_name.field = Field::kSpanName;
    by_name.operand = *operation;
    all.push_back(Leaf(std::move(by_name)));
  }

  std::vector<std::pair<std::string, std::string>> tags;
  for (const std::string& text : params.GetAll("tags")) {
    if (text.starts_with("{")) {
      if (absl::Status s = ParseTagsJson(text, tags); !s.ok()) return s;
    } else {
      const size_t colon = text.find(':');
      if (colon == std::string::npos || colon == 0) {
        return Bad("tags", absl::StrCat("must be a JSON object or key:value, not \"", text, "\""));
      }
      tags.emplace_back(text.substr(0, colon), text.substr(colon + 1));
    }
  }
  if (tags.size() > kMaxTags) return Bad("tags", absl::StrCat("has more than ", kMaxTags, " tags"));
  for (const auto& [key, value] : tags) all.push_back(TagCondition(key, value));

  for (const auto& [param, op] :
       {std::pair{"minDuration", CompareOp::kGe}, std::pair{"maxDuration", CompareOp::kLe}}) {
    const std::optional<std::string> text = params.Get(param);
    if (!text.has_value() || text->empty()) continue;
    absl::StatusOr<uint64_t> nanos = ParseDurationNanos(param, *text);
    if (!nanos.ok()) return nanos.status();
    Condition c;
    c.field = Field::kDuration;
    c.op = op;
    c.operand = static_cast<int64_t>(*nanos);
    all.push_back(Leaf(std::move(c)));
  }
  request.filter = ConditionTree::And(std::move(all));

  uint64_t end = now_unix_nanos;
  if (const auto text = params.Get("end"); text && !text->empty()) {
    absl::StatusOr<uint64_t> parsed = ParseMicros("end", *text);
    if (!parsed.ok()) return parsed.status();
    end = *parsed;
  }
  uint64_t lookback = kDefaultLookbackNanos;
  if (const auto text = params.Get("lookback"); text && !text->empty() && *text != "custom") {
    absl::StatusOr<uint64_t> parsed = ParseDurationNanos("lookback", *text);
    if (!parsed.ok()) return parsed.status();
    lookback = *parsed;
  }
  uint64_t start = end > lookback ? end - lookback : 0;
  if (const auto text = params.Get("start"); text && !text->empty()) {
    absl::StatusOr<uint64_t> parsed = ParseMicros("start", *text);
    if (!parsed.ok()) return parsed.status();
    start = *parsed;
  }
  if (start > end) return Bad("start", "is after 'end'");
  request.start_unix_nanos = start;
  request.end_unix_nanos = end;

  request.limit = kJaegerDefaultLimit;
  if (const auto text = params.Get("limit"); text && !text->empty()) {
    size_t limit = 0;
    if (!absl::SimpleAtoi(*text, &limit) || limit == 0 || limit > kJaegerMaxLimit) {
      return Bad("limit", absl::StrCat("must be 1 to ", kJaegerMaxLimit));
    }
    request.limit = limit;
  }
  return request;
}

}  // namespace weft::api
