#include "api/tempo_search.h"

#include <utility>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/search_params.h"
#include "common/json_writer.h"
#include "otlp/json_codec.h"
#include "query/traceql/engine.h"
#include "query/traceql/intrinsic.h"
#include "query/traceql/parser.h"

namespace weft::api {
namespace {

using storage::AttributeScope;
using storage::Condition;
using storage::ConditionTree;
using storage::Field;

constexpr uint64_t kHourNanos = 3600ULL * 1'000'000'000;
constexpr size_t kMaxTags = 64;

// logfmt: key=value pairs separated by spaces; values may be "double quoted" with \" escapes.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseLogfmt(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip_spaces();
  while (i < text.size()) {
    const size_t key_start = i;
    while (i < text.size() && text[i] != '=' && text[i] != ' ') ++i;
    if (i == key_start || i == text.size() || text[i] != '=') {
      return BadParam("tags", absl::StrCat("expects key=value pairs (logfmt), at \"",
                                           std::string(text.substr(key_start, 40)), "\""));
    }
    std::string key(text.substr(key_start, i - key_start));
    ++i;  // '='
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          value.push_back(text[i + 1]);
          i += 2;
        } else if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(text[i++]);
        }
      }
      if (!closed)
        return BadParam("tags", absl::StrCat("has an unterminated quote for \"", key, "\""));
    } else {
      const size_t value_start = i;
      while (i < text.size() && text[i] != ' ') ++i;
      value = std::string(text.substr(value_start, i - value_start));
    }
    pairs.emplace_back(std::move(key), std::move(value));
    if (pairs.size() > kMaxTags) return BadParam("tags", absl::StrCat("has more than ", kMaxTags));
    skip_spaces();
  }
  return pairs;
}

ConditionTree Leaf(Condition c) { return ConditionTree::Leaf(std::move(c)); }

absl::StatusOr<ConditionTree> TagCondition(const std::string& key, const std::string& value) {
  Condition c;
  if (key == "name") {
    c.field = Field::kSpanName;
    c.operand = value;
    return Leaf(std::move(c));
  }
  if (key == "service.name") {
    c.field = Field::kServiceName;
    c.operand = value;
    return Leaf(std::move(c));
  }
  if (key == "status.code") {
    c.field = Field::kStatus;
    StatusCode code;
    if (value == "error" || value == "2") {
      code = StatusCode::kError;
    } else if (value == "ok" || value == "1") {
      code = StatusCode::kOk;
    } else if (value == "unset" || value == "0") {
      code = StatusCode::kUnset;
    } else {
      return BadParam("tags",
                      absl::StrCat("status.code must be error, ok or unset, not \"", value, "\""));
    }
    c.operand = static_cast<int64_t>(code);
    return Leaf(std::move(c));
  }
  return TextValueCondition(key, value, {AttributeScope::kSpanOrResource});
}

}  // namespace

absl::StatusOr<query::TraceSearchRequest> ParseTempoSearch(const http::QueryParams& params,
                                                           uint64_t now_unix_nanos,
                                                           const SearchLimits& limits) {
  query::TraceSearchRequest request;
  if (const auto q = params.Get("q"); q.has_value() && !q->empty()) {
    // Checked here so that errors name the parameter; SearchTraces compiles it again.
    absl::StatusOr<query::traceql::Query> parsed = query::traceql::Parse(*q);
    if (!parsed.ok()) return BadParam("q", std::string(parsed.status().message()));
    absl::StatusOr<query::traceql::CompiledQuery> compiled =
        query::traceql::CompiledQuery::Compile(*parsed);
    if (!compiled.ok()) return BadParam("q", std::string(compiled.status().message()));
    request.traceql = *q;
  }
  std::vector<ConditionTree> tags;
  if (const auto tag_text = params.Get("tags"); tag_text && !tag_text->empty()) {
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs = ParseLogfmt(*tag_text);
    if (!pairs.ok()) return pairs.status();
    for (const auto& [key, value] : *pairs) {
      absl::StatusOr<ConditionTree> condition = TagCondition(key, value);
      if (!condition.ok()) return condition.status();
      tags.push_back(*std::move(condition));
    }
  }
  request.span_filter = ConditionTree::And(std::move(tags));
  absl::StatusOr<uint64_t> min_duration = DurationParam(params, "minDuration", 0);
  if (!min_duration.ok()) return min_duration.status();
  absl::StatusOr<uint64_t> max_duration = DurationParam(params, "maxDuration", UINT64_MAX);
  if (!max_duration.ok()) return max_duration.status();
  request.min_trace_duration_nanos = *min_duration;
  request.max_trace_duration_nanos = *max_duration;

  // Times in unix seconds.
  absl::StatusOr<uint64_t> end = UnixTimeParam(params, "end", 1'000'000'000, now_unix_nanos);
  if (!end.ok()) return end.status();
  absl::StatusOr<uint64_t> start =
      UnixTimeParam(params, "start", 1'000'000'000, *end > kHourNanos ? *end - kHourNanos : 0);
  if (!start.ok()) return start.status();
  if (*start > *end) return BadParam("start", "is after 'end'");
  request.start_unix_nanos = *start;
  request.end_unix_nanos = *end;
  absl::StatusOr<size_t> limit = LimitParam(params, kTempoDefaultLimit, limits);
  if (!limit.ok()) return limit.status();
  request.limit = *limit;
  request.deadline = limits.Deadline();
  absl::StatusOr<size_t> spss = CountParam(params, "spss", 3, 1000);
  if (!spss.ok()) return spss.status();
  request.spans_per_spanset = *spss;
  return request;
}

namespace {

// Intrinsics Tempo leaves out of a span's attributes: the span has fields for them, or they
// belong to the trace.
bool ShownAsSpanAttribute(std::string_view key) {
  using query::traceql::Intrinsic;
  using query::traceql::IntrinsicName;
  for (const Intrinsic hidden : {Intrinsic::kSpanName, Intrinsic::kSpanDuration, Intrinsic::kSpanId,
                                 Intrinsic::kTraceDuration, Intrinsic::kTraceRootName,
                                 Intrinsic::kTraceRootService, Intrinsic::kTraceId}) {
    if (key == IntrinsicName(hidden)) return false;
  }
  return true;
}

void WriteKeyValue(std::string_view key, const AnyValue& value, JsonWriter& w) {
  w.BeginObject().StringField("key", key).Key("value");
  otlp::WriteAnyValueJson(value, w);
  w.EndObject();
}

void WriteSpanset(const query::TraceHit& hit, const query::ResultSpanset& set, JsonWriter& w) {
  w.BeginObject().Key("spans").BeginArray();
  for (const query::ResultSpan& result_span : set.spans) {
    const Span& span = hit.spans->spans()[result_span.index];
    w.BeginObject()
        .StringField("spanID", span.span_id.ToHex())
        .StringField("name", span.name)
        .Key("startTimeUnixNano")
        .UintString(span.start_time_unix_nano)
        .Key("durationNanos")
        .UintString(span.duration_nanos());
    // The span's own attributes, then the selected fields it does not already show.
    w.Key("attributes").BeginArray();
    for (const KeyValue& kv : span.attributes) WriteKeyValue(kv.key, kv.value, w);
    for (const query::ResultAttribute& a : result_span.attributes) {
      if (!ShownAsSpanAttribute(a.key)) continue;
      const bool own = a.key.starts_with("span.") || a.key.starts_with(".");
      if (own && FindAttribute(span.attributes, a.name) != nullptr) continue;
      WriteKeyValue(a.name, a.value, w);
    }
    w.EndArray().EndObject();
  }
  w.EndArray().UintField("matched", set.matched);
  if (!set.attributes.empty()) {
    w.Key("attributes").BeginArray();
    for (const query::ResultAttribute& a : set.attributes) WriteKeyValue(a.key, a.value, w);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string EncodeTempoSearchResponse(const query::TraceSearchResult& result) {
  std::string out;
  {
    JsonWriter w(out);
    w.BeginObject().Key("traces").BeginArray();
    for (const query::TraceHit& hit : result.traces) {
      const storage::TraceSummary& summary = hit.summary;
      w.BeginObject()
          .StringField("traceID", summary.trace_id.ToHex())
          .StringField("rootServiceName", summary.root_service.empty()
                                              ? "<root span not yet received>"
                                              : std::string_view(summary.root_service))
          .StringField("rootTraceName", summary.root_span_name)
          .Key("startTimeUnixNano")
          .UintString(summary.start_unix_nanos)
          .UintField("durationMs", summary.duration_nanos / 1'000'000);
      w.Key("spanSet");
      WriteSpanset(hit, hit.spansets.front(), w);
      w.Key("spanSets").BeginArray();
      for (const query::ResultSpanset& set : hit.spansets) WriteSpanset(hit, set, w);
      w.EndArray().EndObject();
    }
    w.EndArray();
    w.Key("metrics")
        .BeginObject()
        .Key("inspectedTraces")
        .Uint(result.inspected_traces)
        .Key("inspectedSpans")
        .UintString(result.inspected_spans)
        .Key("inspectedBlocks")
        .Uint(result.inspected_blocks)
        .Key("skippedBlocks")
        .Uint(result.skipped_blocks)
        .EndObject();
    w.EndObject();
  }
  return out;
}

}  // namespace weft::api
