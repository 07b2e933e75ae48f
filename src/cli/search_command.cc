// `weft search 'TRACEQL'`: the newest traces a running server finds for a TraceQL query (Tempo's
// /api/search on the tempo port), as a table — trace id, start, duration, root service and span
// name, matching spans. `--since 1h` (or `--start`/`--end`, unix seconds) bounds the time range.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/server_client.h"
#include "cli/time_text.h"
#include "common/json_reader.h"

namespace weft::cli {
namespace {

// An OTLP/JSON AnyValue as text: `cart`, `500`, `1.5`, `true`.
std::string ValueText(json::Element value) {
  std::string_view text;
  if (value["stringValue"].get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  if (value["intValue"].get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  double d = 0;
  if (value["doubleValue"].get_double().get(d) == simdjson::SUCCESS) return absl::StrCat(d);
  bool b = false;
  if (value["boolValue"].get_bool().get(b) == simdjson::SUCCESS) return b ? "true" : "false";
  return "?";
}

// The by() / aggregate attributes of every spanset (`  [by(resource.service.name)=cart
// count()=2]`), or "" when the query has none.
std::string SpansetGroups(json::Element trace) {
  simdjson::dom::array sets;
  if (trace["spanSets"].get_array().get(sets) != simdjson::SUCCESS) return "";
  std::string out;
  for (json::Element set : sets) {
    simdjson::dom::array attributes;
    if (set["attributes"].get_array().get(attributes) != simdjson::SUCCESS) continue;
    std::string group;
    for (json::Element a : attributes) {
      std::string_view key;
      if (a["key"].get_string().get(key) != simdjson::SUCCESS) continue;
      absl::StrAppend(&group, group.empty() ? "" : " ", std::string(key), "=",
                      ValueText(a["value"]));
    }
    if (!group.empty()) absl::StrAppend(&out, "  [", group, "]");
  }
  return out;
}

struct SearchFlags {
  std::string query;
  std::string tempo = "127.0.0.1:3200";
  std::string since = "1h";
  int limit = 20;
};

int RunSearch(const SearchFlags& flags) {
  absl::Duration since;
  if (!absl::ParseDuration(flags.since, &since) || since <= absl::ZeroDuration()) {
    std::fprintf(stderr, "weft: --since \"%s\" is not a duration like 15m or 24h\n",
                 flags.since.c_str());
    return 2;
  }
  const int64_t end = absl::ToUnixSeconds(absl::Now()) + 1;
  const int64_t start = std::max<int64_t>(0, end - absl::ToInt64Seconds(since));
  const std::string target = absl::StrCat("/api/search?q=", UrlEncode(flags.query),
                                          "&limit=", flags.limit, "&start=", start, "&end=", end);
  absl::StatusOr<std::string> body = GetFromServer(flags.tempo, target);
  if (!body.ok()) {
    std::fprintf(stderr, "weft: %s\n", std::string(body.status().message()).c_str());
    return 1;
  }
  int rows = 0;
  absl::Status printed = json::ParseUntrustedJson(*body, 16, [&](json::Element root) {
    simdjson::dom::array traces;
    if (root["traces"].get_array().get(traces) != simdjson::SUCCESS) {
      return absl::InternalError("the server's answer has no \"traces\" array");
    }
    std::printf("%-32s  %-19s  %10s  %-40s  %s\n", "TRACE", "START (UTC)", "DURATION", "ROOT",
                "MATCHED");
    for (json::Element t : traces) {
      std::string_view id, service, name, start_text;
      uint64_t duration_ms = 0, matched = 0, start_nanos = 0;
      // Missing fields print empty or zero; only the trace id is required.
      if (t["traceID"].get_string().get(id) != simdjson::SUCCESS) continue;
      if (t["rootServiceName"].get_string().get(service) != simdjson::SUCCESS) service = "";
      if (t["rootTraceName"].get_string().get(name) != simdjson::SUCCESS) name = "";
      if (t["startTimeUnixNano"].get_string().get(start_text) == simdjson::SUCCESS &&
          !absl::SimpleAtoi(absl::string_view(start_text.data(), start_text.size()),
                            &start_nanos)) {
        start_nanos = 0;
      }
      if (t["durationMs"].get_uint64().get(duration_ms) != simdjson::SUCCESS) duration_ms = 0;
      if (t["spanSet"]["matched"].get_uint64().get(matched) != simdjson::SUCCESS) matched = 0;
      const std::string root_text = absl::StrCat(std::string(service), ": ", std::string(name));
      std::printf("%-32.*s  %-19s  %8llums  %-40.40s  %llu%s\n", static_cast<int>(id.size()),
                  id.data(), FormatUtc(start_nanos, "%Y-%m-%d %H:%M:%S").c_str(),
                  static_cast<unsigned long long>(duration_ms), root_text.c_str(),
                  static_cast<unsigned long long>(matched), SpansetGroups(t).c_str());
      ++rows;
    }
    return absl::OkStatus();
  });
  if (!printed.ok()) {
    std::fprintf(stderr, "weft: %s\n", std::string(printed.message()).c_str());
    return 1;
  }
  std::printf("%d trace%s\n", rows, rows == 1 ? "" : "s");
  return 0;
}

}  // namespace

void AddSearchCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SearchFlags>();
  CLI::App* cmd =
      app.add_subcommand("search",
                         "Find traces with TraceQL, e.g. '{ resource.service.name = \"cart\" && "
                         "duration > 300ms }' ({ … } filters, spanset and structural operators, "
                         "pipelines: count(), by(), select())");
  cmd->add_option("query", flags->query, "TraceQL query")->required();
  cmd->add_option("--tempo", flags->tempo, "The server's Tempo API (host:port)")
      ->envname("WEFT_TEMPO")
      ->capture_default_str();
  cmd->add_option("--since", flags->since, "How far back to look")->capture_default_str();
  cmd->add_option("--limit", flags->limit, "Traces to list")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->callback([exit_code, flags] { *exit_code = RunSearch(*flags); });
}

}  // namespace weft::cli
