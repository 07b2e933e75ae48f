#include "api/tempo_search.h"

#include <utility>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/search_params.h"
#include "common/json_writer.h"
#include "otlp/json_codec.h"
#include "query/assembly/trace_assembler.h"
#include "query/traceql/parser.h"
#include "query/traceql/pushdown.h"

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

absl::StatusOr<TempoSearch> ParseTempoSearch(const http::QueryParams& params,
                                             uint64_t now_unix_nanos) {
  TempoSearch search;
  storage::FetchRequest& request = search.fetch;
  std::vector<ConditionTree> all;
  if (const auto q = params.Get("q"); q.has_value()) {
    // TraceQL: a single { … } filter over span fields and attributes, pushed down to the store.
    absl::StatusOr<query::traceql::Query> parsed = query::traceql::Parse(*q);
    if (!parsed.ok()) return BadParam("q", std::string(parsed.status().message()));
    absl::StatusOr<ConditionTree> filter = query::traceql::PushDownSpansetFilter(*parsed);
    if (!filter.ok() && parsed->pipeline.size() == 1 &&
        parsed->pipeline[0].kind == query::traceql::Stage::Kind::kSpanset &&
        parsed->pipeline[0].spanset.kind == query::traceql::SpansetExpr::Kind::kOperation) {
      absl::StatusOr<query::traceql::SpansetProgram> program =
          query::traceql::SpansetProgram::Compile(parsed->pipeline[0].spanset);
      if (!program.ok()) return BadParam("q", std::string(program.status().message()));
      filter = program->candidate_filter();
      search.program = std::make_shared<const query::traceql::SpansetProgram>(*std::move(program));
    }
    if (!filter.ok()) return BadParam("q", std::string(filter.status().message()));
    all.push_back(*std::move(filter));
  }
  if (const auto tags = params.Get("tags"); tags && !tags->empty()) {
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs = ParseLogfmt(*tags);
    if (!pairs.ok()) return pairs.status();
    for (const auto& [key, value] : *pairs) {
      absl::StatusOr<ConditionTree> condition = TagCondition(key, value);
      if (!condition.ok()) return condition.status();
      all.push_back(*std::move(condition));
    }
  }
  absl::StatusOr<uint64_t> min_duration = DurationParam(params, "minDuration", 0);
  if (!min_duration.ok()) return min_duration.status();
  absl::StatusOr<uint64_t> max_duration = DurationParam(params, "maxDuration", UINT64_MAX);
  if (!max_duration.ok()) return max_duration.status();
  search.min_trace_duration_nanos = *min_duration;
  search.max_trace_duration_nanos = *max_duration;
  request.filter = ConditionTree::And(std::move(all));

  // Times in unix seconds.
  absl::StatusOr<uint64_t> end = UnixTimeParam(params, "end", 1'000'000'000, now_unix_nanos);
  if (!end.ok()) return end.status();
  absl::StatusOr<uint64_t> start =
      UnixTimeParam(params, "start", 1'000'000'000, *end > kHourNanos ? *end - kHourNanos : 0);
  if (!start.ok()) return start.status();
  if (*start > *end) return BadParam("start", "is after 'end'");
  request.start_unix_nanos = *start;
  request.end_unix_nanos = *end;
  absl::StatusOr<size_t> limit = CountParam(params, "limit", kTempoDefaultLimit, kTempoMaxLimit);
  if (!limit.ok()) return limit.status();
  search.limit = *limit;
  // Duration bounds drop fetched traces afterwards: fetch more so that `limit` usually remain.
  const bool filters_duration =
      search.min_trace_duration_nanos > 0 || search.max_trace_duration_nanos < UINT64_MAX;
  request.limit = filters_duration || search.program != nullptr
                      ? std::min(search.limit * 8, kTempoMaxLimit * 8)
                      : search.limit;
  if (search.program != nullptr) request.whole_traces = true;
  absl::StatusOr<size_t> spss = CountParam(params, "spss", 3, 1000);
  if (!spss.ok()) return spss.status();
  request.spans_per_trace = *spss;
  search.spans_per_set = *spss;
  return search;
}

void ApplyProgram(const TempoSearch& search, storage::FetchResult& result) {
  std::vector<storage::TraceMatch> kept;
  for (storage::TraceMatch& match : result.traces) {
    const query::AssembledTrace trace = query::AssembleTrace(std::move(*match.spans));
    const std::vector<uint32_t> spans = search.program->Evaluate(trace);
    if (spans.empty()) continue;
    std::vector<uint32_t> shown(spans.begin(),
                                spans.begin() + std::min(spans.size(), search.spans_per_set));
    auto out = std::make_unique<SpanBatch>();
    out->CopySpansFrom(trace.batch(), shown);
    match.spans = std::move(out);
    match.matched_spans = static_cast<uint32_t>(spans.size());
    kept.push_back(std::move(match));
  }
  result.traces = std::move(kept);
}

std::string EncodeTempoSearchResponse(const TempoSearch& search, storage::FetchResult result) {
  std::erase_if(result.traces, [&](const storage::TraceMatch& match) {
    return match.summary.duration_nanos < search.min_trace_duration_nanos ||
           match.summary.duration_nanos > search.max_trace_duration_nanos;
  });
  if (result.traces.size() > search.limit) result.traces.resize(search.limit);
  std::string out;
  {
    JsonWriter w(out);
    w.BeginObject().Key("traces").BeginArray();
    for (const storage::TraceMatch& match : result.traces) {
      const storage::TraceSummary& summary = match.summary;
      w.BeginObject()
          .StringField("traceID", summary.trace_id.ToHex())
          .StringField("rootServiceName", summary.root_service.empty()
                                              ? "<root span not yet received>"
                                              : std::string_view(summary.root_service))
          .StringField("rootTraceName", summary.root_span_name)
          .Key("startTimeUnixNano")
          .UintString(summary.start_unix_nanos)
          .UintField("durationMs", summary.duration_nanos / 1'000'000);
      auto write_span_set = [&] {
        w.BeginObject().Key("spans").BeginArray();
        for (const Span& span : match.spans->spans()) {
          w.BeginObject()
              .StringField("spanID", span.span_id.ToHex())
              .StringField("name", span.name)
              .Key("startTimeUnixNano")
              .UintString(span.start_time_unix_nano)
              .Key("durationNanos")
              .UintString(span.duration_nanos());
          w.Key("attributes");
          otlp::WriteAttributesJson(span.attributes, w);
          w.EndObject();
        }
        w.EndArray().UintField("matched", match.matched_spans).EndObject();
      };
      w.Key("spanSet");
      write_span_set();
      w.Key("spanSets").BeginArray();
      write_span_set();
      w.EndArray().EndObject();
    }
    w.EndArray();
    w.Key("metrics")
        .BeginObject()
        .Key("inspectedTraces")
        .Uint(result.traces.size())
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
