#include "query/traceql/parser.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "query/traceql/printer.h"

namespace weft::query::traceql {
namespace {

Query ParseOk(std::string_view text) {
  absl::StatusOr<Query> query = Parse(text);
  EXPECT_TRUE(query.ok()) << text << ": " << query.status();
  return query.ok() ? *std::move(query) : Query{};
}

std::string ParseError(std::string_view text) {
  absl::StatusOr<Query> query = Parse(text);
  EXPECT_FALSE(query.ok()) << text << " parsed as " << ToString(*query);
  EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(query.status().message());
}

// The condition of a one-filter query.
FieldExpr Condition(std::string_view text) {
  Query query = ParseOk(text);
  if (query.pipeline.size() != 1 || query.pipeline[0].kind != Stage::Kind::kSpanset ||
      query.pipeline[0].spanset.kind != SpansetExpr::Kind::kFilter ||
      !query.pipeline[0].spanset.filter.condition.has_value()) {
    ADD_FAILURE() << text << " is not one filter with a condition";
    return FieldExpr{};
  }
  return *query.pipeline[0].spanset.filter.condition;
}

// The literal on the right of `{ .a = <literal> }`.
Literal Value(std::string_view literal) {
  FieldExpr e = Condition("{ .a = " + std::string(literal) + " }");
  if (e.kind != FieldExpr::Kind::kCompare) return Literal{};
  return e.operands[1].literal;
}

TEST(ParserTest, LiteralsAreTyped) {
  EXPECT_EQ(Value("\"x\"").value, LiteralValue(std::string("x")));
  EXPECT_EQ(Value("42").value, LiteralValue(int64_t{42}));
  EXPECT_EQ(Value("-42").value, LiteralValue(int64_t{-42}));
  EXPECT_EQ(Value("-9223372036854775808").value, LiteralValue(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Value("minInt").value, LiteralValue(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Value("maxInt").value, LiteralValue(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(Value("1.5").value, LiteralValue(1.5));
  EXPECT_EQ(Value("-1.5").value, LiteralValue(-1.5));
  EXPECT_EQ(Value("300ms").value, LiteralValue(Duration{300'000'000}));
  EXPECT_EQ(Value("-5s").value, LiteralValue(Duration{-5'000'000'000}));
  EXPECT_EQ(Value("true").value, LiteralValue(true));
  EXPECT_EQ(Value("false").value, LiteralValue(false));
  EXPECT_EQ(Value("nil").value, LiteralValue(Nil{}));
  EXPECT_EQ(Value("error").value, LiteralValue(StatusCode::kError));
  EXPECT_EQ(Value("unset").value, LiteralValue(StatusCode::kUnset));
  EXPECT_EQ(Value("consumer").value, LiteralValue(SpanKind::kConsumer));
  EXPECT_EQ(Value("unspecified").value, LiteralValue(SpanKind::kUnspecified));

  EXPECT_EQ(Value("1").type(), ValueType::kInt);
  EXPECT_EQ(Value("1.0").type(), ValueType::kFloat);
  EXPECT_EQ(Value("1ns").type(), ValueType::kDuration);
  EXPECT_EQ(Value("ok").type(), ValueType::kStatus);
  EXPECT_EQ(Value("server").type(), ValueType::kKind);
  EXPECT_EQ(Value("nil").type(), ValueType::kNil);
}

TEST(ParserTest, FieldsAreTyped) {
  FieldExpr e = Condition("{ resource.service.name = \"a\" }");
  ASSERT_EQ(e.kind, FieldExpr::Kind::kCompare);
  EXPECT_EQ(e.type, ValueType::kBool);
  const FieldExpr& lhs = e.operands[0];
  EXPECT_EQ(lhs.kind, FieldExpr::Kind::kField);
  EXPECT_EQ(lhs.type, ValueType::kDynamic);
  EXPECT_EQ(lhs.field.kind, FieldRef::Kind::kAttribute);
  EXPECT_EQ(lhs.field.scope, AttributeScope::kResource);
  EXPECT_EQ(lhs.field.name, "service.name");

  e = Condition("{ rootServiceName = \"a\" }");
  EXPECT_EQ(e.operands[0].field.kind, FieldRef::Kind::kIntrinsic);
  EXPECT_EQ(e.operands[0].field.intrinsic, Intrinsic::kTraceRootService);
  EXPECT_EQ(e.operands[0].type, ValueType::kString);

  // Aliases are the same intrinsic: the trees are equal.
  const std::pair<const char*, const char*> aliases[] = {
      {"{ name = \"a\" }", "{ span:name = \"a\" }"},
      {"{ status = ok }", "{ span:status = ok }"},
      {"{ statusMessage = \"a\" }", "{ span:statusMessage = \"a\" }"},
      {"{ kind = server }", "{ span:kind = server }"},
      {"{ duration > 1s }", "{ span:duration > 1s }"},
      {"{ childCount > 1 }", "{ span:childCount > 1 }"},
      {"{ traceDuration > 1s }", "{ trace:duration > 1s }"},
      {"{ rootName = \"a\" }", "{ trace:rootName = \"a\" }"},
      {"{ rootServiceName = \"a\" }", "{ trace:rootService = \"a\" }"},
  };
  for (const auto& [unscoped, scoped] : aliases) {
    EXPECT_TRUE(ParseOk(unscoped) == ParseOk(scoped)) << unscoped;
  }
  EXPECT_FALSE(ParseOk("{ span.name = \"a\" }") == ParseOk("{ name = \"a\" }"));
}

TEST(ParserTest, IntrinsicTableIsConsistent) {
  for (int i = 0; i <= static_cast<int>(Intrinsic::kInstrumentationVersion); ++i) {
    const auto intrinsic = static_cast<Intrinsic>(i);
    const std::string_view name = IntrinsicName(intrinsic);
    const size_t colon = name.find(':');
    ASSERT_NE(colon, std::string_view::npos) << name;
    EXPECT_EQ(LookupScopedIntrinsic(name.substr(0, colon), name.substr(colon + 1)), intrinsic)
        << name;
    // Each canonical spelling parses back to its intrinsic.
    Query query = ParseOk("{ } | select(" + std::string(name) + ")");
    ASSERT_EQ(query.pipeline.size(), 2u);
    EXPECT_EQ(query.pipeline[1].select.at(0).intrinsic, intrinsic) << name;
  }
}

TEST(ParserTest, AndOrAreFlatAndLeftToRight) {
  FieldExpr e = Condition("{ .a && .b && (.c && .d) }");
  EXPECT_EQ(e.kind, FieldExpr::Kind::kAnd);
  EXPECT_EQ(e.operands.size(), 4u);

  // Equal precedence: `a || b && c` is `(a || b) && c`.
  e = Condition("{ .a || .b && .c }");
  ASSERT_EQ(e.kind, FieldExpr::Kind::kAnd);
  ASSERT_EQ(e.operands.size(), 2u);
  EXPECT_EQ(e.operands[0].kind, FieldExpr::Kind::kOr);
  EXPECT_EQ(e.operands[1].field.name, "c");

  // `!` binds tighter than `=`.
  e = Condition("{ !.a = true }");
  ASSERT_EQ(e.kind, FieldExpr::Kind::kCompare);
  EXPECT_EQ(e.operands[0].kind, FieldExpr::Kind::kNot);
}

TEST(ParserTest, SpansetOperatorPrecedence) {
  Query query = ParseOk("{ .a } && { .b } >> { .c } ~ { .d } || { .e }");
  const SpansetExpr& root = query.pipeline[0].spanset;
  // ((a && ((b >> c) ~ d)) || e)
  ASSERT_EQ(root.kind, SpansetExpr::Kind::kOperation);
  EXPECT_EQ(root.op, SpansetOp::kOr);
  ASSERT_EQ(root.operands.size(), 2u);
  const SpansetExpr& and_node = root.operands[0];
  EXPECT_EQ(and_node.op, SpansetOp::kAnd);
  const SpansetExpr& sibling = and_node.operands[1];
  EXPECT_EQ(sibling.op, SpansetOp::kSibling);
  EXPECT_EQ(sibling.operands[0].op, SpansetOp::kDescendant);

  query = ParseOk("{ } !~ { } !> { } &~ { }");
  const SpansetExpr& chain = query.pipeline[0].spanset;
  EXPECT_EQ(chain.op, SpansetOp::kUnionSibling);
  EXPECT_EQ(chain.operands[0].op, SpansetOp::kNotChild);
  EXPECT_EQ(chain.operands[0].operands[0].op, SpansetOp::kNotSibling);
}

TEST(ParserTest, ParenthesesAroundPipelines) {
  Query query = ParseOk("({ .a } | count() > 1) >> { .b }");
  const SpansetExpr& root = query.pipeline[0].spanset;
  ASSERT_EQ(root.op, SpansetOp::kDescendant);
  const SpansetExpr& lhs = root.operands[0];
  ASSERT_EQ(lhs.kind, SpansetExpr::Kind::kPipeline);
  ASSERT_EQ(lhs.pipeline.size(), 2u);
  EXPECT_EQ(lhs.pipeline[1].kind, Stage::Kind::kScalarFilter);
  EXPECT_EQ(lhs.pos.column, 1u);
  // Parentheses around a spanset expression only group.
  EXPECT_TRUE(ParseOk("(({ .a } && { .b }))") == ParseOk("{ .a } && { .b }"));
}

TEST(ParserTest, Pipelines) {
  Query query = ParseOk(
      "{ } | by(resource.service.name) | avg(duration) >= 1s | select(.a, name) "
      "| coalesce()");
  ASSERT_EQ(query.pipeline.size(), 5u);
  EXPECT_EQ(query.pipeline[1].kind, Stage::Kind::kGroupBy);
  ASSERT_EQ(query.pipeline[1].group_by.size(), 1u);
  EXPECT_EQ(query.pipeline[1].group_by[0].field.name, "service.name");

  const ScalarFilter& filter = query.pipeline[2].scalar_filter;
  EXPECT_EQ(filter.op, CompareOp::kGe);
  const auto* avg = std::get_if<Aggregate>(&filter.lhs.value);
  ASSERT_NE(avg, nullptr);
  EXPECT_EQ(avg->function, AggregateFunction::kAvg);
  EXPECT_EQ(avg->argument->intrinsic, Intrinsic::kSpanDuration);
  EXPECT_EQ(avg->type(), ValueType::kDuration);
  const auto* bound = std::get_if<Literal>(&filter.rhs.value);
  ASSERT_NE(bound, nullptr);
  EXPECT_EQ(bound->value, LiteralValue(Duration{1'000'000'000}));

  EXPECT_EQ(query.pipeline[3].select.size(), 2u);
  EXPECT_EQ(query.pipeline[3].select[1].intrinsic, Intrinsic::kSpanName);
  EXPECT_EQ(query.pipeline[4].kind, Stage::Kind::kCoalesce);

  query = ParseOk("{ } | count() > 2");
  const auto* count = std::get_if<Aggregate>(&query.pipeline[1].scalar_filter.lhs.value);
  ASSERT_NE(count, nullptr);
  EXPECT_FALSE(count->argument.has_value());
  EXPECT_EQ(count->type(), ValueType::kInt);
}

TEST(ParserTest, NodesKnowWhereTheyWereWritten) {
  Query query = ParseOk("{ .a = 1 }\n  >> { span:name =~ \"x\" }");
  const SpansetExpr& root = query.pipeline[0].spanset;
  EXPECT_EQ(root.pos.line, 2u);
  EXPECT_EQ(root.pos.column, 3u);
  const SpansetFilter& rhs = root.operands[1].filter;
  EXPECT_EQ(rhs.pos.line, 2u);
  EXPECT_EQ(rhs.pos.column, 6u);
  const FieldExpr& compare = *rhs.condition;
  EXPECT_EQ(compare.pos.column, 18u);  // the operator
  EXPECT_EQ(compare.operands[0].field.pos.column, 8u);
  EXPECT_EQ(compare.operands[1].literal.pos.column, 21u);
  // Positions never take part in equality.
  EXPECT_TRUE(ParseOk("{.a=1}") == ParseOk("  {  .a  =  1  }"));
}

TEST(ParserTest, TypeChecks) {
  EXPECT_TRUE(Parse("{ span:duration > 100 }").ok());  // numbers mix
  EXPECT_TRUE(Parse("{ span:childCount < 2.5 }").ok());
  EXPECT_TRUE(Parse("{ .a = status }").ok());        // attributes match anything
  EXPECT_TRUE(Parse("{ span:name < \"m\" }").ok());  // strings order
  EXPECT_TRUE(Parse("{ status = nil }").ok());       // nil with = and !=
  EXPECT_TRUE(Parse("{ span:name =~ span.pattern }").ok());
  EXPECT_EQ(ParseError("{ kind = 1 }"),
            "1:8: cannot compare span:kind (a kind) with 1 (an integer)");
  EXPECT_EQ(ParseError("{ true < false }"), "1:8: \"<\" does not order a boolean; use = or !=");
  EXPECT_EQ(ParseError("{ span:name !~ 5ms }"),
            "1:13: \"!~\" needs a string on each side; 5ms (a duration) is not one");
  EXPECT_EQ(ParseError("{ \"x\" || .a }"),
            "1:3: \"||\" needs a condition on each side; \"x\" (a string) is not a condition");
  EXPECT_EQ(ParseError("{ } | sum(span:kind) > 1"),
            "1:11: sum() needs a numeric field; span:kind is a kind");
}

TEST(ParserTest, Limits) {
  // Nesting: 64 levels pass, 65 do not, whatever adds them.
  EXPECT_TRUE(Parse(std::string(63, '(') + "{ }" + std::string(63, ')')).ok());
  EXPECT_EQ(ParseError(std::string(64, '(') + "{ }" + std::string(64, ')')),
            "1:65: the query nests deeper than 64 levels");
  EXPECT_TRUE(Parse("{ " + std::string(63, '(') + ".a" + std::string(63, ')') + " }").ok());
  EXPECT_FALSE(Parse("{ " + std::string(64, '(') + ".a" + std::string(64, ')') + " }").ok());
  std::string chain = ".a";
  for (int i = 0; i < 63; ++i) chain += " = .a";
  EXPECT_TRUE(Parse("{ " + chain + " }").ok());
  EXPECT_FALSE(Parse("{ " + chain + " = .a }").ok());

  std::string query = "{ }";
  query.resize(kMaxQueryBytes, ' ');
  EXPECT_TRUE(Parse(query).ok());
  query += "\n";
  EXPECT_EQ(ParseError(query), "1:65537: the query is longer than 65536 bytes (65537)");
}

TEST(ParserTest, ErrorsSayWhatWasExpected) {
  EXPECT_EQ(ParseError("{ span.foo = }"), "1:14: expected a value after \"=\", found \"}\"");
  EXPECT_EQ(ParseError("{ .a = 1 } >> "),
            "1:15: expected a spanset filter \"{\" or \"(\" after \">>\", found end of query");
  EXPECT_EQ(ParseError("{ .a = 1 "),
            "1:10: expected \"}\" to close the \"{\" at 1:1, found end of query");
  EXPECT_EQ(ParseError("{ .a = 1 } | count() > 1 | by()"),
            "1:31: expected a field to group by, found \")\"");
}

}  // namespace
}  // namespace weft::query::traceql
