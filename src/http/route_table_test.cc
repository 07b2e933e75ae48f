#include "http/route_table.h"

#include "gtest/gtest.h"

namespace weft::http {
namespace {

RouteEntry Entry(std::string method, std::string path, bool prefix) {
  return RouteEntry{std::move(method), std::move(path), prefix, [](Request&&, Responder) {}, {}};
}

TEST(RouteTableTest, ExactBeatsPrefixAndLongerPrefixBeatsShorter) {
  RouteTable table;
  table.Add(Entry("GET", "/api/", true));
  table.Add(Entry("GET", "/api/traces/", true));
  table.Add(Entry("GET", "/api/traces/special", false));
  EXPECT_EQ(table.Find("GET", "/api/traces/abc").route->path, "/api/traces/");
  EXPECT_EQ(table.Find("GET", "/api/traces/special").route->path, "/api/traces/special");
  EXPECT_EQ(table.Find("GET", "/api/services").route->path, "/api/");
}

TEST(RouteTableTest, UnknownPathHasNoAllow) {
  RouteTable table;
  table.Add(Entry("POST", "/v1/traces", false));
  auto match = table.Find("POST", "/v1/logs");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, "");
}

TEST(RouteTableTest, WrongMethodListsAllowedMethods) {
  RouteTable table;
  table.Add(Entry("POST", "/v1/traces", false));
  table.Add(Entry("PUT", "/v1/traces", false));
  auto match = table.Find("GET", "/v1/traces");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, "POST, PUT");
}

TEST(RouteTableTest, HeadFallsBackToGet) {
  RouteTable table;
  table.Add(Entry("GET", "/metrics", false));
  auto match = table.Find("HEAD", "/metrics");
  ASSERT_NE(match.route, nullptr);
  EXPECT_TRUE(match.head_as_get);
  EXPECT_EQ(table.Find("POST", "/metrics").allow, "GET, HEAD");
}

TEST(RouteTableTest, MethodsAreCaseSensitive) {
  RouteTable table;
  table.Add(Entry("POST", "/v1/traces", false));
  EXPECT_EQ(table.Find("post", "/v1/traces").route, nullptr);
}

}  // namespace
}  // namespace weft::http
