#include "api/jaeger_search.h"

#include <utility>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/search_params.h"
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
  return TextValueCondition(key, value, {AttributeScope::kSpanOrResource, AttributeScope::kEvent});
}

// `tags` as Jaeger's UI sends it: one JSON object of string (or number / bool) values.
absl::Status ParseTagsJson(const std::string& text,
                           std::vector<std::pair<std::string, std::string>>& tags) {
  return json::ParseUntrustedJson(text, 4, [&](json::Element root) -> absl::Status {
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      return BadParam("tags", "must be a JSON object of tag values");
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
        return BadParam("tags", absl::StrCat("value of \"", std::string(field.key),
                                             "\" must be a string, number or bool"));
      }
      tags.emplace_back(std::string(field.key), std::move(value));
    }
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<storage::FetchRequest> ParseJaegerSearch(const http::QueryParams& params,
                                                        uint64_t now_unix_nanos,
                                                        const SearchLimits& limits) {
  storage::FetchRequest request;
  request.whole_traces = true;
  std::vector<ConditionTree> all;

  const std::optional<std::string> service = params.Get("service");
  if (!service.has_value() || service->empty()) return BadParam("service", "is required");
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
        return BadParam("tags",
                        absl::StrCat("must be a JSON object or key:value, not \"", text, "\""));
      }
      tags.emplace_back(text.substr(0, colon), text.substr(colon + 1));
    }
  }
  if (tags.size() > kMaxTags)
    return BadParam("tags", absl::StrCat("has more than ", kMaxTags, " tags"));
  for (const auto& [key, value] : tags) all.push_back(TagCondition(key, value));

  for (const auto& [param, op] :
       {std::pair{"minDuration", CompareOp::kGe}, std::pair{"maxDuration", CompareOp::kLe}}) {
    if (!params.Get(param).has_value()) continue;
    absl::StatusOr<uint64_t> nanos = DurationParam(params, param, 0);
    if (!nanos.ok()) return nanos.status();
    Condition c;
    c.field = Field::kDuration;
    c.op = op;
    c.operand = static_cast<int64_t>(*nanos);
    all.push_back(Leaf(std::move(c)));
  }
  request.filter = ConditionTree::And(std::move(all));

  // Times in microseconds; "custom" is what the Jaeger UI sends as lookback with explicit times.
  absl::StatusOr<uint64_t> end = UnixTimeParam(params, "end", 1'000, now_unix_nanos);
  if (!end.ok()) return end.status();
  absl::StatusOr<uint64_t> lookback =
      params.Get("lookback") == "custom" ? kDefaultLookbackNanos
                                         : DurationParam(params, "lookback", kDefaultLookbackNanos);
  if (!lookback.ok()) return lookback.status();
  absl::StatusOr<uint64_t> start =
      UnixTimeParam(params, "start", 1'000, *end > *lookback ? *end - *lookback : 0);
  if (!start.ok()) return start.status();
  if (*start > *end) return BadParam("start", "is after 'end'");
  request.start_unix_nanos = *start;
  request.end_unix_nanos = *end;
  absl::StatusOr<size_t> limit = LimitParam(params, kJaegerDefaultLimit, limits);
  if (!limit.ok()) return limit.status();
  request.limit = *limit;
  request.deadline = limits.Deadline();
  return request;
}

}  // namespace weft::api
