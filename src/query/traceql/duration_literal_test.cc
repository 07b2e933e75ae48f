#include "query/traceql/duration_literal.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace weft::query::traceql {
namespace {

int64_t Nanos(std::string_view text) {
  absl::StatusOr<int64_t> nanos = ParseDurationText(text);
  EXPECT_TRUE(nanos.ok()) << text << ": " << nanos.status();
  return nanos.value_or(-1);
}

std::string Error(std::string_view text) {
  absl::StatusOr<int64_t> nanos = ParseDurationText(text);
  EXPECT_FALSE(nanos.ok()) << text << " parsed as " << *nanos;
  return std::string(nanos.status().message());
}

TEST(DurationLiteralTest, Units) {
  EXPECT_EQ(Nanos("100ns"), 100);
  EXPECT_EQ(Nanos("10us"), 10'000);
  EXPECT_EQ(Nanos("10\xC2\xB5s"), 10'000);
  EXPECT_EQ(Nanos("300ms"), 300'000'000);
  EXPECT_EQ(Nanos("2s"), 2'000'000'000);
  EXPECT_EQ(Nanos("2m"), 120'000'000'000);
  EXPECT_EQ(Nanos("1h"), 3'600'000'000'000);
  EXPECT_EQ(Nanos("1d"), 86'400'000'000'000);
  EXPECT_EQ(Nanos("1w"), 7 * 86'400'000'000'000);
  EXPECT_EQ(Nanos("1y"), 365 * 86'400'000'000'000);
}

TEST(DurationLiteralTest, FractionsAndComposites) {
  EXPECT_EQ(Nanos("1.5s"), 1'500'000'000);
  EXPECT_EQ(Nanos("0.001ms"), 1'000);
  EXPECT_EQ(Nanos("1.9ns"), 1);  // truncated below a nanosecond
  EXPECT_EQ(Nanos("1h30m"), 90 * 60'000'000'000);
  EXPECT_EQ(Nanos("1m30.5s"), 90'500'000'000);
  EXPECT_EQ(Nanos("0.0000000000000000000001h"), 0);  // many fraction digits
  EXPECT_EQ(Nanos("00002s"), 2'000'000'000);
}

TEST(DurationLiteralTest, Range) {
  EXPECT_EQ(Nanos("9223372036854775807ns"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Nanos("2562047h"), 2562047 * 3'600'000'000'000);
  EXPECT_NE(Error("9223372036854775808ns").find("out of range"), std::string::npos);
  EXPECT_NE(Error("2562048h").find("out of range"), std::string::npos);
  EXPECT_NE(Error("99999999999999999999999s").find("out of range"), std::string::npos);
  EXPECT_NE(Error("9223372036854775807ns1ns").find("out of range"), std::string::npos);
}

TEST(DurationLiteralTest, Errors) {
  EXPECT_EQ(Error("5x"),
            "bad duration \"5x\": unknown unit \"x\" (use ns, us, ms, s, m, h, d, w or y)");
  EXPECT_EQ(Error("5sec"),
            "bad duration \"5sec\": unknown unit \"sec\" (use ns, us, ms, s, m, h, d, w or y)");
  EXPECT_EQ(Error("5"), "bad duration \"5\": missing unit (use ns, us, ms, s, m, h, d, w or y)");
  EXPECT_EQ(Error("1h30"),
            "bad duration \"1h30\": missing unit (use ns, us, ms, s, m, h, d, w or y)");
  EXPECT_EQ(Error("1.s"), "bad duration \"1.s\": expected a digit after the decimal point");
  EXPECT_EQ(Error("s"), "bad duration \"s\": expected a number at \"s\"");
  EXPECT_EQ(Error(""), "bad duration \"\": empty");
  EXPECT_EQ(Error("1.5.5s"),
            "bad duration \"1.5.5s\": missing unit (use ns, us, ms, s, m, h, d, w or y)");
}

TEST(DurationLiteralTest, FormatPicksTheLargestExactUnit) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(1), "1ns");
  EXPECT_EQ(FormatDuration(1'000), "1us");
  EXPECT_EQ(FormatDuration(1'500'000'000), "1500ms");
  EXPECT_EQ(FormatDuration(90 * 60'000'000'000), "90m");
  EXPECT_EQ(FormatDuration(86'400'000'000'000), "24h");
  EXPECT_EQ(FormatDuration(-2'000'000'000), "-2s");
  EXPECT_EQ(FormatDuration(std::numeric_limits<int64_t>::max()), "9223372036854775807ns");
  EXPECT_EQ(FormatDuration(std::numeric_limits<int64_t>::min()), "-9223372036854775808ns");
}

TEST(DurationLiteralTest, FormatReadsBack) {
  for (int64_t nanos : {int64_t{1}, int64_t{999}, int64_t{1'000'000}, int64_t{61'000'000'000},
                        int64_t{3'600'000'000'000}, int64_t{123'456'789'012},
                        std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(Nanos(FormatDuration(nanos)), nanos) << FormatDuration(nanos);
  }
}

}  // namespace
}  // namespace weft::query::traceql
