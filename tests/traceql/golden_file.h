// Reads the golden TraceQL parse cases of tests/traceql/parse/ (format: parse/README.md): a
// query and either its expected canonical print or its expected error message.
// Thread rule: pure functions over files the caller names.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace weft::query::traceql::testing {

struct GoldenCase {
  std::string name;  // the file name without ".test"
  std::string query;
  std::optional<std::string> print;  // exactly one of print and error is set
  std::optional<std::string> error;
};

// Parses the text of one .test file. Errors: InvalidArgument naming the line for text outside
// a block that is not a comment, an unknown or repeated block, or a missing query / outcome.
absl::StatusOr<GoldenCase> ParseGoldenCase(std::string_view name, std::string_view text);

absl::StatusOr<GoldenCase> ReadGoldenCase(const std::filesystem::path& path);

// Every *.test file directly in `dir`, sorted by name; empty when `dir` does not exist.
std::vector<std::filesystem::path> ListGoldenFiles(const std::filesystem::path& dir);

}  // namespace weft::query::traceql::testing
