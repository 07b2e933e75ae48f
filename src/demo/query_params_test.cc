// Tests for the shop's query-string helpers. Thread rule: single-threaded tests.
#include "query_params.h"

#include "gtest/gtest.h"

namespace weft::shop {
namespace {

TEST(QueryParamsTest, ParsesDecodesAndRoundTrips) {
  const QueryParams params = QueryParams::Parse("user=u%2012&items=9&flag&=x&region=ap-south");
  EXPECT_EQ(params.Get("user"), "u 12");
  EXPECT_EQ(params.GetInt("items", 0), 9);
  EXPECT_EQ(params.Get("flag", "unset"), "");
  EXPECT_EQ(params.Get("missing", "fallback"), "fallback");
  EXPECT_EQ(params.GetInt("region", -1), -1);
  EXPECT_EQ(QueryParams::Parse(params.Encode()).Get("user"), "u 12");
}

TEST(QueryParamsTest, SplitsAndMakesTargets) {
  auto [path, query] = SplitTarget("/checkout?a=1");
  EXPECT_EQ(path, "/checkout");
  EXPECT_EQ(query, "a=1");
  EXPECT_EQ(MakeTarget("/x", QueryParams().Set("b", 2).Set("a", "y z")), "/x?a=y%20z&b=2");
  EXPECT_EQ(MakeTarget("/x", QueryParams()), "/x");
}

TEST(QueryParamsTest, TruncatedPercentEscapeIsKeptLiterally) {
  EXPECT_EQ(QueryParams::Parse("a=50%").Get("a"), "50%");
  EXPECT_EQ(QueryParams::Parse("a=%4").Get("a"), "%4");
}

}  // namespace
}  // namespace weft::shop
