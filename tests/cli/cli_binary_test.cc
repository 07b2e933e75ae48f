// The real `weft` binary: version, help listing the subcommands, and the traceparent round trip.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subprocess.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using weft::testing::RunCommand;

TEST(CliBinaryTest, VersionPrintsVersion) {
  auto r = RunCommand({WEFT_BINARY, "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.output, MatchesRegex("weft [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST(CliBinaryTest, HelpListsSubcommands) {
  auto r = RunCommand({WEFT_BINARY, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("traceparent"));
}

TEST(CliBinaryTest, NoSubcommandIsAUsageError) {
  auto r = RunCommand({WEFT_BINARY});
  EXPECT_NE(r.exit_code, 0);
}

TEST(CliBinaryTest, TraceparentNewThenParseRoundTrips) {
  auto made = RunCommand({WEFT_BINARY, "traceparent", "new"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_THAT(made.output, MatchesRegex("00-[0-9a-f]{32}-[0-9a-f]{16}-03\n"));
  const std::string header = made.output.substr(0, 55);
  auto parsed = RunCommand({WEFT_BINARY, "traceparent", "parse", header});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  EXPECT_THAT(parsed.output, HasSubstr("trace-id:  " + header.substr(3, 32)));
  EXPECT_THAT(parsed.output, HasSubstr("sampled:   yes"));
  EXPECT_THAT(parsed.output, HasSubstr("random:    yes"));
  EXPECT_THAT(parsed.output, HasSubstr(header));
}

TEST(CliBinaryTest, TraceparentParseRejectsInvalidHeader) {
  auto r = RunCommand({WEFT_BINARY, "traceparent", "parse",
                       "00-00000000000000000000000000000000-00f067aa0ba902b7-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("invalid"));
}

}  // namespace
}  // namespace weft
