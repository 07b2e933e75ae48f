#include "query/traceql/printer.h"

#include <string>

#include "gtest/gtest.h"
#include "query/traceql/parser.h"

namespace weft::query::traceql {
namespace {

std::string Canonical(std::string_view text) {
  absl::StatusOr<Query> query = Parse(text);
  EXPECT_TRUE(query.ok()) << text << ": " << query.status();
  return query.ok() ? ToString(*query) : "";
}

FieldRef Attribute(AttributeScope scope, std::string name) {
  FieldRef f;
  f.kind = FieldRef::Kind::kAttribute;
  f.scope = scope;
  f.name = std::move(name);
  return f;
}

TEST(PrinterTest, QuotesStrings) {
  EXPECT_EQ(QuoteString("plain é"), "\"plain é\"");
  EXPECT_EQ(QuoteString("q\"b\\n\nt\tr\r"), "\"q\\\"b\\\\n\\nt\\tr\\r\"");
  EXPECT_EQ(QuoteString(std::string("\x00\x1f\x7f", 3)), "\"\\x00\\x1f\\x7f\"");
}

TEST(PrinterTest, QuotesAttributeNamesOnlyWhenNeeded) {
  EXPECT_EQ(ToString(Attribute(AttributeScope::kSpan, "http.method")), "span.http.method");
  EXPECT_EQ(ToString(Attribute(AttributeScope::kResource, "a b")), "resource.\"a b\"");
  EXPECT_EQ(ToString(Attribute(AttributeScope::kUnscoped, "5xx")), ".\"5xx\"");
  EXPECT_EQ(ToString(Attribute(AttributeScope::kSpan, "5xx")), "span.5xx");
  EXPECT_EQ(ToString(Attribute(AttributeScope::kEvent, "a\"b\\c")), "event.\"a\\\"b\\\\c\"");
  EXPECT_EQ(ToString(Attribute(AttributeScope::kLink, "x=y")), "link.\"x=y\"");
  EXPECT_EQ(ToString(Attribute(AttributeScope::kInstrumentation, "")), "instrumentation.\"\"");
  for (const char* name : {"a b", "x{}", "(", "a,b", "a|b", "a&b", "a^b", "a~b", "a!b", "a<b",
                           "tab\there", "new\nline"}) {
    const std::string printed = ToString(Attribute(AttributeScope::kSpan, name));
    absl::StatusOr<Query> back = Parse("{ " + printed + " }");
    ASSERT_TRUE(back.ok()) << printed << ": " << back.status();
    EXPECT_EQ(back->pipeline[0].spanset.filter.condition->field.name, name) << printed;
  }
}

TEST(PrinterTest, NumbersStayTheirType) {
  EXPECT_EQ(Canonical("{ .a = 2.0 }"), "{ .a = 2.0 }");
  EXPECT_EQ(Canonical("{ .a = 1e21 }"), "{ .a = 1e+21 }");
  EXPECT_EQ(Canonical("{ .a = 0.1 }"), "{ .a = 0.1 }");
  EXPECT_EQ(Canonical("{ .a = 123456789.125 }"), "{ .a = 123456789.125 }");
  EXPECT_EQ(Canonical("{ .a = -0.0 }"), "{ .a = -0.0 }");
  EXPECT_EQ(Canonical("{ .a = 1e-7 }"), "{ .a = 1e-07 }");
}

TEST(PrinterTest, ParenthesesWhereOperandsAreOtherOperations) {
  EXPECT_EQ(Canonical("{ !(.a = 1 && .b) }"), "{ !(.a = 1 && .b) }");
  EXPECT_EQ(Canonical("{ !!!.a }"), "{ !!!.a }");
  EXPECT_EQ(Canonical("{ (.a || .b) = (.c && .d) }"), "{ (.a || .b) = (.c && .d) }");
  EXPECT_EQ(Canonical("{ .a || (.b || .c) }"), "{ .a || .b || .c }");
  EXPECT_EQ(Canonical("{ } >> ({ } >> { })"), "{ } >> ({ } >> { })");
  EXPECT_EQ(Canonical("({ } | { }) && { }"), "({ } | { }) && { }");
}

TEST(PrinterTest, PrintsPieces) {
  absl::StatusOr<Query> query = Parse("{ span:duration > 1.5s } >> { } | avg(.n) > 2");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(ToString(query->pipeline[0].spanset), "{ span:duration > 1500ms } >> { }");
  EXPECT_EQ(ToString(*query->pipeline[0].spanset.operands[0].filter.condition),
            "span:duration > 1500ms");
  EXPECT_EQ(ToString(std::get<Aggregate>(query->pipeline[1].scalar_filter.lhs.value)), "avg(.n)");
  EXPECT_EQ(ToString(Literal{{}, StatusCode::kError}), "error");
  EXPECT_EQ(ToString(Literal{{}, SpanKind::kProducer}), "producer");
  EXPECT_EQ(ToString(Literal{{}, Nil{}}), "nil");
}

}  // namespace
}  // namespace weft::query::traceql
