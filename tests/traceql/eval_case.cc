// The golden result cases' reader, fixture builder and renderer (eval_case.h).
#include "eval_case.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/traceql/parser.h"
#include "query/traceql/pushdown.h"

namespace weft::query::traceql::testing {
namespace {

// Fixture times are offsets from this instant.
constexpr uint64_t kBaseNanos = 1'700'000'000'000'000'000ULL;

absl::Status LineError(std::string_view line, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("fixture line \"", std::string(line), "\": ", std::string(what)));
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

absl::StatusOr<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// `key=value` tokens separated by spaces; a value may be "quoted" (\" and \\ escapes).
struct Token {
  std::string key;
  std::string value;
  bool quoted = false;
};

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view line) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    Token t;
    while (i < line.size() && line[i] != '=' && line[i] != ' ') t.key.push_back(line[i++]);
    if (i < line.size() && line[i] == '=') {
      ++i;
      if (i < line.size() && line[i] == '"') {
        t.quoted = true;
        ++i;
        bool closed = false;
        while (i < line.size()) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            t.value.push_back(line[i + 1]);
            i += 2;
          } else if (line[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            t.value.push_back(line[i++]);
          }
        }
        if (!closed) return LineError(line, "unterminated quote");
      } else {
        while (i < line.size() && line[i] != ' ') t.value.push_back(line[i++]);
      }
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

// `300ms`, `1.5s`, `-2ms`, `0`: nanoseconds.
std::optional<int64_t> ParseDuration(std::string_view text) {
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (const auto& [unit, scale] : kUnits) {
    if (text.size() > unit.size() && text.substr(text.size() - unit.size()) == unit) {
      const std::string_view number = text.substr(0, text.size() - unit.size());
      if (!number.empty() && std::isalpha(static_cast<unsigned char>(number.back()))) continue;
      double v = 0;
      if (!absl::SimpleAtod(std::string(number), &v)) return std::nullopt;
      return static_cast<int64_t>(v * scale);
    }
  }
  int64_t v = 0;
  if (text == "0" || (absl::SimpleAtoi(std::string(text), &v) && v == 0)) return 0;
  return std::nullopt;
}

AnyValue AttributeValue(const Token& t, Arena& arena) {
  if (t.quoted) return AnyValue::String(arena.CopyString(t.value));
  if (t.value == "true" || t.value == "false") return AnyValue::Bool(t.value == "true");
  int64_t i = 0;
  if (absl::SimpleAtoi(t.value, &i)) return AnyValue::Int(i);
  double d = 0;
  if (absl::SimpleAtod(t.value, &d)) return AnyValue::Double(d);
  return AnyValue::String(arena.CopyString(t.value));
}

template <typename Id>
std::optional<Id> ParseShortId(std::string_view text) {
  if (text.empty() || text.size() > Id::kHexSize) return std::nullopt;
  std::string padded(Id::kHexSize - text.size(), '0');
  padded.append(text);
  return Id::FromHex(padded);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string ShortId(const std::string& hex) {
  const size_t first = hex.find_first_not_of('0');
  return first == std::string::npos ? "0" : hex.substr(first);
}

std::string RenderValue(const AnyValue& v) {
  switch (v.type()) {
    case weft::ValueType::kString:
      return Quote(v.string_value());
    case weft::ValueType::kInt:
      return absl::StrCat(v.int_value());
    case weft::ValueType::kDouble:
      return absl::StrCat(v.double_value());
    case weft::ValueType::kBool:
      return v.bool_value() ? "true" : "false";
    default:
      return "?";
  }
}

namespace {

struct EventDraft {
  std::string name;
  uint64_t offset = 0;
  std::vector<KeyValue> attributes;
};
struct LinkDraft {
  TraceId trace;
  SpanId span;
  std::vector<KeyValue> attributes;
};

}  // namespace

absl::StatusOr<EvalCase> ReadEvalCase(const std::filesystem::path& path,
                                      const std::filesystem::path& fixtures) {
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  EvalCase golden;
  golden.name = path.stem().string();
  enum class Block { kNone, kQuery, kFixture, kRequest, kExpect, kError } block = Block::kNone;
  std::vector<std::string> query, expect, error;
  bool seen[6] = {};
  for (const std::string_view line : SplitLines(*text)) {
    const Block header = line == "query:"     ? Block::kQuery
                         : line == "fixture:" ? Block::kFixture
                         : line == "request:" ? Block::kRequest
                         : line == "expect:"  ? Block::kExpect
                         : line == "error:"   ? Block::kError
                                              : Block::kNone;
    if (header != Block::kNone) {
      if (seen[static_cast<int>(header)]) {
        return absl::InvalidArgumentError(absl::StrCat(golden.name, ": a block is repeated"));
      }
      seen[static_cast<int>(header)] = true;
      block = header;
      continue;
    }
    switch (block) {
      case Block::kNone:
        if (!line.empty() && line[0] != '#') {
          return absl::InvalidArgumentError(
              absl::StrCat(golden.name, ": text before the first block is not a # comment"));
        }
        break;
      case Block::kQuery:
        query.emplace_back(line);
        break;
      case Block::kFixture:
        if (line.empty() || line[0] == '#') break;
        if (line.starts_with("@fixture ")) {
          const std::filesystem::path file =
              fixtures / absl::StrCat(std::string(line.substr(9)), ".fixture");
          absl::StatusOr<std::string> included = ReadText(file);
          if (!included.ok()) return included.status();
          for (const std::string_view l : SplitLines(*included)) {
            if (!l.empty() && l[0] != '#') golden.fixture.emplace_back(l);
          }
        } else {
          golden.fixture.emplace_back(line);
        }
        break;
      case Block::kRequest:
        if (!line.empty() && line[0] != '#') golden.request.emplace_back(line);
        break;
      case Block::kExpect:
        if (!line.empty()) expect.emplace_back(line);
        break;
      case Block::kError:
        if (!line.empty()) error.emplace_back(line);
        break;
    }
  }
  if (!seen[static_cast<int>(Block::kQuery)] || !seen[static_cast<int>(Block::kFixture)]) {
    return absl::InvalidArgumentError(absl::StrCat(golden.name, ": needs query: and fixture:"));
  }
  if (seen[static_cast<int>(Block::kExpect)] == seen[static_cast<int>(Block::kError)]) {
    return absl::InvalidArgumentError(
        absl::StrCat(golden.name, ": needs exactly one of expect: and error:"));
  }
  golden.query = absl::StrJoin(query, "\n");
  if (seen[static_cast<int>(Block::kExpect)]) golden.expect = absl::StrJoin(expect, "\n");
  if (seen[static_cast<int>(Block::kError)]) golden.error = absl::StrJoin(error, "\n");
  return golden;
}

absl::StatusOr<std::unique_ptr<SpanBatch>> BuildFixture(const std::vector<std::string>& lines) {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  std::map<std::string, uint32_t> scopes;  // resource + scope description -> scope index
  for (const std::string& line : lines) {
    absl::StatusOr<std::vector<Token>> tokens = Tokenize(line);
    if (!tokens.ok()) return tokens.status();
    if (tokens->empty() || (*tokens)[0].key != "span") {
      return LineError(line, "a fixture line starts with \"span\"");
    }
    Span span;
    std::string service = "-", scope_name = "lib", scope_version = "1.0";
    std::vector<KeyValue> attrs, resource_attrs, scope_attrs;
    std::vector<EventDraft> events;
    std::vector<LinkDraft> links;
    uint64_t start = 0, duration = 1'000'000;
    bool has_trace = false, has_id = false;
    for (size_t i = 1; i < tokens->size(); ++i) {
      const Token& t = (*tokens)[i];
      const std::string& k = t.key;
      auto kv = [&](size_t prefix) {
        return KeyValue{arena.CopyString(k.substr(prefix)), AttributeValue(t, arena)};
      };
      if (k == "t") {
        std::optional<TraceId> id = ParseShortId<TraceId>(t.value);
        if (!id) return LineError(line, "bad trace id");
        span.trace_id = *id;
        has_trace = true;
      } else if (k == "id") {
        std::optional<SpanId> id = ParseShortId<SpanId>(t.value);
        if (!id) return LineError(line, "bad span id");
        span.span_id = *id;
        has_id = true;
      } else if (k == "parent") {
        if (t.value != "-") {
          std::optional<SpanId> id = ParseShortId<SpanId>(t.value);
          if (!id) return LineError(line, "bad parent id");
          span.parent_span_id = *id;
        }
      } else if (k == "svc") {
        service = t.value;
      } else if (k == "name") {
        span.name = arena.CopyString(t.value);
      } else if (k == "kind") {
        static const std::pair<std::string_view, SpanKind> kKinds[] = {
            {"unspecified", SpanKind::kUnspecified}, {"internal", SpanKind::kInternal},
            {"server", SpanKind::kServer},           {"client", SpanKind::kClient},
            {"producer", SpanKind::kProducer},       {"consumer", SpanKind::kConsumer}};
        bool found = false;
        for (const auto& [word, kind] : kKinds) {
          if (t.value == word) {
            span.kind = kind;
            found = true;
          }
        }
        if (!found) return LineError(line, "bad kind");
      } else if (k == "status") {
        if (t.value == "error") {
          span.status_code = StatusCode::kError;
        } else if (t.value == "ok") {
          span.status_code = StatusCode::kOk;
        } else if (t.value == "unset") {
          span.status_code = StatusCode::kUnset;
        } else {
          return LineError(line, "bad status");
        }
      } else if (k == "msg") {
        span.status_message = arena.CopyString(t.value);
      } else if (k == "start" || k == "dur") {
        std::optional<int64_t> nanos = ParseDuration(t.value);
        if (!nanos || *nanos < 0) return LineError(line, "bad time " + t.value);
        (k == "start" ? start : duration) = static_cast<uint64_t>(*nanos);
      } else if (k == "scope") {
        const size_t at = t.value.find('@');
        scope_name = t.value.substr(0, at);
        scope_version = at == std::string::npos ? "" : t.value.substr(at + 1);
      } else if (k == "event") {
        const size_t at = t.value.find('@');
        std::optional<int64_t> offset =
            at == std::string::npos ? 0 : ParseDuration(t.value.substr(at + 1));
        if (!offset) return LineError(line, "bad event time");
        events.push_back({t.value.substr(0, at), static_cast<uint64_t>(*offset), {}});
      } else if (k == "link") {
        const size_t colon = t.value.find(':');
        std::optional<TraceId> trace = ParseShortId<TraceId>(t.value.substr(0, colon));
        std::optional<SpanId> linked = colon == std::string::npos
                                           ? std::nullopt
                                           : ParseShortId<SpanId>(t.value.substr(colon + 1));
        if (!trace || !linked) return LineError(line, "link=<trace>:<span>");
        links.push_back({*trace, *linked, {}});
      } else if (k.starts_with(".")) {
        attrs.push_back(kv(1));
      } else if (k.starts_with("r.")) {
        resource_attrs.push_back(kv(2));
      } else if (k.starts_with("i.")) {
        scope_attrs.push_back(kv(2));
      } else if (k.starts_with("e.")) {
        if (events.empty()) return LineError(line, "e.* before any event=");
        events.back().attributes.push_back(kv(2));
      } else if (k.starts_with("l.")) {
        if (links.empty()) return LineError(line, "l.* before any link=");
        links.back().attributes.push_back(kv(2));
      } else {
        return LineError(line, "unknown key " + k);
      }
    }
    if (!has_trace || !has_id) return LineError(line, "needs t= and id=");
    span.start_time_unix_nano = kBaseNanos + start;
    span.end_time_unix_nano = span.start_time_unix_nano + duration;
    span.attributes = arena.CopyArray(std::span<const KeyValue>(attrs));
    std::vector<Event> built_events;
    for (const EventDraft& e : events) {
      Event event;
      event.name = arena.CopyString(e.name);
      event.time_unix_nano = span.start_time_unix_nano + e.offset;
      event.attributes = arena.CopyArray(std::span<const KeyValue>(e.attributes));
      built_events.push_back(event);
    }
    span.events = arena.CopyArray(std::span<const Event>(built_events));
    std::vector<Link> built_links;
    for (const LinkDraft& l : links) {
      Link link;
      link.trace_id = l.trace;
      link.span_id = l.span;
      link.attributes = arena.CopyArray(std::span<const KeyValue>(l.attributes));
      built_links.push_back(link);
    }
    span.links = arena.CopyArray(std::span<const Link>(built_links));

    // One resource + scope per distinct description.
    std::string description = absl::StrCat(service, "|", scope_name, "@", scope_version);
    for (const KeyValue& a : resource_attrs)
      absl::StrAppend(&description, "|r.", std::string(a.key), "=", RenderValue(a.value));
    for (const KeyValue& a : scope_attrs)
      absl::StrAppend(&description, "|i.", std::string(a.key), "=", RenderValue(a.value));
    auto [it, added] = scopes.try_emplace(description, 0);
    if (added) {
      std::vector<KeyValue> all = resource_attrs;
      if (service != "-") {
        all.insert(all.begin(),
                   {arena.CopyString("service.name"), AnyValue::String(arena.CopyString(service))});
      }
      Resource resource;
      resource.attributes = arena.CopyArray(std::span<const KeyValue>(all));
      InstrumentationScope scope;
      scope.name = arena.CopyString(scope_name);
      scope.version = arena.CopyString(scope_version);
      scope.attributes = arena.CopyArray(std::span<const KeyValue>(scope_attrs));
      it->second = batch->AddScope(batch->AddResource(resource), scope);
    }
    span.scope_index = it->second;
    batch->AddSpan(span);
  }
  return batch;
}

absl::StatusOr<TraceSearchRequest> BuildRequest(const EvalCase& golden) {
  TraceSearchRequest request;
  request.tenant = "single-tenant";
  request.traceql = golden.query;
  request.spans_per_spanset = 0;
  for (const std::string& line : golden.request) {
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("request line \"", line, "\""));
    }
    const std::string key = line.substr(0, colon);
    const std::string value = line.substr(colon + 2);
    size_t count = 0;
    if (key == "spss" || key == "limit") {
      if (!absl::SimpleAtoi(value, &count)) return absl::InvalidArgumentError("bad count " + value);
      (key == "spss" ? request.spans_per_spanset : request.limit) = count;
    } else if (key == "min_duration" || key == "max_duration" || key == "start" || key == "end") {
      std::optional<int64_t> nanos = ParseDuration(value);
      if (!nanos) return absl::InvalidArgumentError("bad duration " + value);
      const auto n = static_cast<uint64_t>(*nanos);
      if (key == "min_duration") request.min_trace_duration_nanos = n;
      if (key == "max_duration") request.max_trace_duration_nanos = n;
      if (key == "start") request.start_unix_nanos = kBaseNanos + n;
      if (key == "end") request.end_unix_nanos = kBaseNanos + n;
    } else if (key == "span_filter") {
      // A TraceQL `{ … }` filter the store evaluates, standing in for Tempo's tags.
      absl::StatusOr<Query> parsed = Parse(value);
      if (!parsed.ok()) return parsed.status();
      absl::StatusOr<storage::ConditionTree> tree = PushDownSpansetFilter(*parsed);
      if (!tree.ok()) return tree.status();
      request.span_filter = *std::move(tree);
    } else if (key == "max_inspected_spans") {
      if (!absl::SimpleAtoi(value, &count)) return absl::InvalidArgumentError("bad count " + value);
      request.max_inspected_spans = count;
    } else {
      return absl::InvalidArgumentError("unknown request key " + key);
    }
  }
  return request;
}

std::string RenderResult(const TraceSearchResult& result) {
  std::vector<std::string> lines;
  for (const TraceHit& hit : result.traces) {
    const std::string trace = ShortId(hit.summary.trace_id.ToHex());
    for (const ResultSpanset& set : hit.spansets) {
      std::vector<std::string> spans;
      for (const ResultSpan& span : set.spans) {
        std::string text = ShortId(hit.spans->spans()[span.index].span_id.ToHex());
        if (!span.attributes.empty()) {
          std::vector<std::string> attrs;
          for (const ResultAttribute& a : span.attributes) {
            attrs.push_back(absl::StrCat(a.key, "=", RenderValue(a.value)));
          }
          absl::StrAppend(&text, "{", absl::StrJoin(attrs, "; "), "}");
        }
        spans.push_back(std::move(text));
      }
      std::string line = absl::StrCat(trace, " ", absl::StrJoin(spans, ","));
      if (set.matched != set.spans.size()) absl::StrAppend(&line, " matched=", set.matched);
      for (const ResultAttribute& a : set.attributes) {
        absl::StrAppend(&line, " ", a.key, "=", RenderValue(a.value));
      }
      lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) lines.push_back("none");
  if (result.partial) lines.push_back("partial");
  return absl::StrJoin(lines, "\n");
}

}  // namespace weft::query::traceql::testing
