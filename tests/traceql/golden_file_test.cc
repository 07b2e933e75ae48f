#include "golden_file.h"

#include "gtest/gtest.h"

namespace weft::query::traceql::testing {
namespace {

TEST(GoldenFileTest, ReadsQueryAndPrint) {
  auto golden = ParseGoldenCase("x", "# comment\n\nquery:\n{ .a = 1 }\nprint:\n{ .a = 1 }\n");
  ASSERT_TRUE(golden.ok()) << golden.status();
  EXPECT_EQ(golden->name, "x");
  EXPECT_EQ(golden->query, "{ .a = 1 }");
  EXPECT_EQ(golden->print, "{ .a = 1 }");
  EXPECT_FALSE(golden->error.has_value());
}

TEST(GoldenFileTest, KeepsInnerNewlinesAndEmptyQueries) {
  auto golden = ParseGoldenCase("x", "query:\n{\n  .a = 1\n}\nerror:\n2:3: boom");
  ASSERT_TRUE(golden.ok()) << golden.status();
  EXPECT_EQ(golden->query, "{\n  .a = 1\n}");
  EXPECT_EQ(golden->error, "2:3: boom");

  golden = ParseGoldenCase("x", "query:\nerror:\n1:1: empty\n");
  ASSERT_TRUE(golden.ok()) << golden.status();
  EXPECT_EQ(golden->query, "");
}

TEST(GoldenFileTest, RejectsMalformedFiles) {
  EXPECT_FALSE(ParseGoldenCase("x", "{ }\nquery:\n{ }\nprint:\n{ }\n").ok());        // stray text
  EXPECT_FALSE(ParseGoldenCase("x", "print:\n{ }\n").ok());                          // no query
  EXPECT_FALSE(ParseGoldenCase("x", "query:\n{ }\n").ok());                          // no outcome
  EXPECT_FALSE(ParseGoldenCase("x", "query:\n{ }\nprint:\n{ }\nerror:\ne\n").ok());  // both
  EXPECT_FALSE(ParseGoldenCase("x", "query:\n{ }\nquery:\n{ }\nprint:\n{ }\n").ok());
}

}  // namespace
}  // namespace weft::query::traceql::testing
