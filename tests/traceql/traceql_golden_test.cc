// The golden TraceQL parse cases: every parse/*.test file is one test. A case with print: must
// parse, print canonically to exactly that text, and read back from its print to an equal tree
// that prints the same (parse(print(parse(q))) == parse(q)). A case with error: must fail with
// InvalidArgument and exactly that message.
#include <cctype>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "golden_file.h"
#include "gtest/gtest.h"
#include "query/traceql/parser.h"
#include "query/traceql/printer.h"

#ifndef WEFT_TRACEQL_GOLDEN_DIR
#error "WEFT_TRACEQL_GOLDEN_DIR must name tests/traceql/parse"
#endif

namespace weft::query::traceql::testing {
namespace {

class TraceqlGoldenTest : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(TraceqlGoldenTest, Parses) {
  const absl::StatusOr<GoldenCase> golden = ReadGoldenCase(GetParam());
  ASSERT_TRUE(golden.ok()) << golden.status();
  SCOPED_TRACE("query: " + golden->query);
  const absl::StatusOr<Query> parsed = Parse(golden->query);

  if (golden->error.has_value()) {
    ASSERT_FALSE(parsed.ok()) << "parsed, and prints as: " << ToString(*parsed);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(parsed.status().message()), *golden->error);
    return;
  }

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::string printed = ToString(*parsed);
  EXPECT_EQ(printed, *golden->print);

  const absl::StatusOr<Query> reparsed = Parse(printed);
  ASSERT_TRUE(reparsed.ok()) << "the canonical print does not parse: " << reparsed.status();
  EXPECT_TRUE(*reparsed == *parsed) << "parse(print(q)) differs from parse(q)";
  EXPECT_EQ(ToString(*reparsed), printed);
}

std::string CaseName(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(ParseFolder, TraceqlGoldenTest,
                         ::testing::ValuesIn(ListGoldenFiles(WEFT_TRACEQL_GOLDEN_DIR)), CaseName);

// Guards against a wrong folder path silently running no cases.
TEST(TraceqlGoldenFolderTest, HoldsTheCases) {
  const auto files = ListGoldenFiles(WEFT_TRACEQL_GOLDEN_DIR);
  EXPECT_GE(files.size(), 120u) << "golden folder: " << WEFT_TRACEQL_GOLDEN_DIR;
  size_t errors = 0;
  for (const auto& file : files) {
    const absl::StatusOr<GoldenCase> golden = ReadGoldenCase(file);
    ASSERT_TRUE(golden.ok()) << golden.status();
    if (golden->error.has_value()) ++errors;
  }
  EXPECT_GE(errors, 40u) << "error cases";
}

}  // namespace
}  // namespace weft::query::traceql::testing
