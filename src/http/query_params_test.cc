// QueryParams: decoding, repeats, empty parts, bad escapes, the parameter cap.
#include "http/query_params.h"

#include <string>

#include "gtest/gtest.h"

namespace weft::http {
namespace {

TEST(QueryParamsTest, DecodesPercentAndPlus) {
  absl::StatusOr<QueryParams> p =
      QueryParams::Parse("service=front+end&tags=%7B%22a%22%3A%221%22%7D&empty=&flag");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->Get("service"), "front end");
  EXPECT_EQ(p->Get("tags"), "{\"a\":\"1\"}");
  EXPECT_EQ(p->Get("empty"), "");
  EXPECT_EQ(p->Get("flag"), "");
  EXPECT_EQ(p->Get("missing"), std::nullopt);
}

TEST(QueryParamsTest, KeepsRepeatsInOrderAndSkipsEmptyParts) {
  absl::StatusOr<QueryParams> p = QueryParams::Parse("&tags=a:1&&tags=b:2&");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->GetAll("tags"), (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(p->all().size(), 2u);
}

TEST(QueryParamsTest, RefusesBadEscapes) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g1=x"}) {
    absl::StatusOr<QueryParams> p = QueryParams::Parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.status().message().find("percent"), std::string::npos) << p.status();
  }
}

TEST(QueryParamsTest, CapsTheNumberOfParameters) {
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "a=1&";
  EXPECT_FALSE(QueryParams::Parse(many).ok());
}

}  // namespace
}  // namespace weft::http
