// Reads the golden TraceQL result cases of tests/traceql/eval/ (format: eval/README.md): a query,
// a fixture of spans (inline or `@fixture name` from eval/fixtures/), request options, and the
// expected result as text or the expected error; builds the fixture as a SpanBatch and renders a
// search result in the same text form, so a case compares two strings.
// Thread rule: pure functions over files the caller names.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/span_batch.h"
#include "query/search/trace_search.h"

namespace weft::query::traceql::testing {

struct EvalCase {
  std::string name;
  std::string query;
  std::vector<std::string> fixture;   // span lines, includes resolved
  std::vector<std::string> request;   // `key: value` lines
  std::optional<std::string> expect;  // exactly one of expect and error is set
  std::optional<std::string> error;
};

// Reads one .test file; `fixtures` is the folder `@fixture name` reads `name.fixture` from.
absl::StatusOr<EvalCase> ReadEvalCase(const std::filesystem::path& path,
                                      const std::filesystem::path& fixtures);

// The spans of a fixture, in one batch. Errors: InvalidArgument naming the bad line.
absl::StatusOr<std::unique_ptr<SpanBatch>> BuildFixture(const std::vector<std::string>& lines);

// The request the case's `request:` lines describe (window: everything; spss 0 unless given).
absl::StatusOr<TraceSearchRequest> BuildRequest(const EvalCase& golden);

// One line per spanset: `<trace> <span>[{attr=value; …}],… [matched=N] [attr=value …]`, traces
// newest first; `none` for no result. Ids print without leading zeros.
std::string RenderResult(const TraceSearchResult& result);

// A value as RenderResult prints it: strings quoted, numbers and booleans bare.
std::string RenderValue(const AnyValue& value);

// Ids as RenderResult prints them: hex without leading zeros.
std::string ShortId(const std::string& hex);

}  // namespace weft::query::traceql::testing
