#include "storage/condition_eval.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace weft::storage {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One span with a bit of everything; every case below is evaluated against it.
class SpanUnderTest {
 public:
  SpanUnderTest() {
    Arena& arena = batch_.arena();
    static const AnyValue kTags[] = {AnyValue::String("a"), AnyValue::String("b")};
    const KeyValue resource_attrs[] = {
        {"service.name", AnyValue::String("checkout")},
        {"deployment.environment", AnyValue::String("prod")},
        {"shared", AnyValue::String("resource-value")},
        {"host.cpu", AnyValue::Int(4)},
    };
    const KeyValue span_attrs[] = {
        {"http.status_code", AnyValue::Int(500)},
        {"http.method", AnyValue::String("GET")},
        {"ratio", AnyValue::Double(0.5)},
        {"cached", AnyValue::Bool(true)},
        {"big", AnyValue::Int(std::numeric_limits<int64_t>::max())},
        {"nan", AnyValue::Double(kNaN)},
        {"payload", AnyValue::Bytes("GET")},
        {"tags", AnyValue::Array(kTags)},
        {"shared", AnyValue::String("span-value")},
        {"empty", AnyValue()},
    };
    const KeyValue exception_attrs[] = {{"exception.type", AnyValue::String("TimeoutError")}};
    const KeyValue retry_attrs[] = {{"attempt", AnyValue::Int(2)}};
    const KeyValue link_attrs[] = {{"link.kind", AnyValue::String("follows")}};
    const Event events[] = {
        {1500, "exception", arena.CopyArray(Attributes(exception_attrs)), 0},
        {1600, "retry", arena.CopyArray(Attributes(retry_attrs)), 0},
    };
    const Link links[] = {
        {TraceId::Random(), SpanId::Random(), "", arena.CopyArray(Attributes(link_attrs)), 0, 0}};
    const uint32_t r = batch_.AddResource({arena.CopyArray(Attributes(resource_attrs)), 0, ""});
    const uint32_t s = batch_.AddScope(r, {"scope", "1", {}, 0, ""});
    Span span;
    span.trace_id = TraceId::Random();
    span.span_id = SpanId::Random();
    span.name = "GET /product/{id}";
    span.kind = SpanKind::kServer;
    span.status_code = StatusCode::kError;
    span.status_message = "boom";
    span.start_time_unix_nano = 1000;
    span.end_time_unix_nano = 4000;
    span.attributes = arena.CopyArray(Attributes(span_attrs));
    span.events = arena.CopyArray(std::span<const Event>(events));
    span.links = arena.CopyArray(std::span<const Link>(links));
    span.scope_index = s;
    batch_.AddSpan(span);

    Span plain;  // no attributes, events or links
    plain.name = "plain";
    plain.scope_index = s;
    batch_.AddSpan(plain);
  }

  const SpanBatch& batch() const { return batch_; }
  const Span& span() const { return batch_.spans()[0]; }
  const Span& plain() const { return batch_.spans()[1]; }

 private:
  SpanBatch batch_;
};

ConditionTree On(Field field, CompareOp op, Operand operand = {}) {
  Condition c;
  c.field = field;
  c.op = op;
  c.operand = std::move(operand);
  return ConditionTree::Leaf(std::move(c));
}

ConditionTree Attr(AttributeScope scope, std::string key, CompareOp op, Operand operand = {}) {
  Condition c;
  c.field = Field::kAttribute;
  c.scope = scope;
  c.key = std::move(key);
  c.op = op;
  c.operand = std::move(operand);
  return ConditionTree::Leaf(std::move(c));
}

ConditionTree SpanAttr(std::string key, CompareOp op, Operand operand = {}) {
  return Attr(AttributeScope::kSpan, std::move(key), op, std::move(operand));
}

struct Case {
  std::string rule;
  ConditionTree tree;
  bool want;
};

using enum CompareOp;
using S = std::string;
using I = int64_t;

std::vector<Case> Cases() {
  constexpr auto kSpanScope = AttributeScope::kSpan;
  constexpr auto kResource = AttributeScope::kResource;
  constexpr auto kEither = AttributeScope::kSpanOrResource;
  constexpr auto kEventScope = AttributeScope::kEvent;
  constexpr auto kLinkScope = AttributeScope::kLink;
  return {
      // Intrinsics.
      {"span name equals", On(Field::kSpanName, kEq, S("GET /product/{id}")), true},
      {"span name differs", On(Field::kSpanName, kNe, S("GET /")), true},
      {"span name not different from itself", On(Field::kSpanName, kNe, S("GET /product/{id}")),
       false},
      {"strings order bytewise (lt)", On(Field::kSpanName, kLt, S("H")), true},
      {"strings order bytewise (gt)", On(Field::kSpanName, kGt, S("H")), false},
      {"span name vs int is a type mismatch", On(Field::kSpanName, kEq, I{1}), false},
      {"service name is resource service.name", On(Field::kServiceName, kEq, S("checkout")), true},
      {"service name counterexample", On(Field::kServiceName, kEq, S("cart")), false},
      {"regex is a full match", On(Field::kServiceName, kRegex, S("check.*")), true},
      {"regex never matches a part", On(Field::kServiceName, kRegex, S("check")), false},
      {"not-regex of a full match", On(Field::kSpanName, kNotRegex, S("GET /.*")), false},
      {"not-regex of a part only", On(Field::kSpanName, kNotRegex, S("GET")), true},
      {"kind as int", On(Field::kKind, kEq, I{2}), true},
      {"kind as double compares numerically", On(Field::kKind, kEq, 2.0), true},
      {"kind as string is a type mismatch", On(Field::kKind, kEq, S("server")), false},
      {"status error", On(Field::kStatus, kEq, I{2}), true},
      {"status not ok", On(Field::kStatus, kNe, I{1}), true},
      {"status message", On(Field::kStatusMessage, kEq, S("boom")), true},
      {"duration above", On(Field::kDuration, kGt, I{2999}), true},
      {"duration at least, inclusive", On(Field::kDuration, kGe, I{3000}), true},
      {"duration above, exclusive", On(Field::kDuration, kGt, I{3000}), false},
      {"duration below a double", On(Field::kDuration, kLt, 3000.5), true},
      {"duration at most a smaller double", On(Field::kDuration, kLe, 2999.9), false},
      {"start time", On(Field::kStartTime, kEq, I{1000}), true},
      {"intrinsics always exist", On(Field::kStatusMessage, kExists), true},
      {"intrinsics are never nil", On(Field::kDuration, kNotExists), false},
      // Span attributes and value types.
      {"int attribute equals", SpanAttr("http.status_code", kEq, I{500}), true},
      {"int equals the same double", SpanAttr("http.status_code", kEq, 500.0), true},
      {"int differs", SpanAttr("http.status_code", kNe, I{404}), true},
      {"int vs string is a type mismatch", SpanAttr("http.status_code", kEq, S("500")), false},
      {"type mismatch is no match even for ne", SpanAttr("http.status_code", kNe, S("500")), false},
      {"int above a double", SpanAttr("http.status_code", kGt, 499.5), true},
      {"int below a double", SpanAttr("http.status_code", kLt, 500.25), true},
      {"int above a negative fraction", SpanAttr("http.status_code", kGt, -1.5), true},
      {"int never equals a fraction", SpanAttr("http.status_code", kEq, 500.25), false},
      {"int vs double is exact (2^63-1 < 2^63)", SpanAttr("big", kLt, 9223372036854775808.0), true},
      {"int vs double has no rounding", SpanAttr("big", kEq, 9223372036854775808.0), false},
      {"double equals", SpanAttr("ratio", kEq, 0.5), true},
      {"double below an int", SpanAttr("ratio", kLt, I{1}), true},
      {"double above an int", SpanAttr("ratio", kGt, I{0}), true},
      {"NaN equals nothing", SpanAttr("nan", kEq, kNaN), false},
      {"NaN differs from everything", SpanAttr("nan", kNe, 1.0), true},
      {"NaN is unordered", SpanAttr("nan", kLt, I{1}), false},
      {"bool equals", SpanAttr("cached", kEq, true), true},
      {"bool differs", SpanAttr("cached", kNe, false), true},
      {"bools have no order", SpanAttr("cached", kLt, true), false},
      {"bool vs int is a type mismatch", SpanAttr("cached", kEq, I{1}), false},
      {"bytes compare with nothing", SpanAttr("payload", kEq, S("GET")), false},
      {"bytes exist", SpanAttr("payload", kExists), true},
      {"arrays compare with nothing", SpanAttr("tags", kEq, S("a")), false},
      {"arrays exist", SpanAttr("tags", kExists), true},
      {"an empty value exists", SpanAttr("empty", kExists), true},
      {"a missing attribute equals nothing", SpanAttr("nope", kEq, S("x")), false},
      {"a missing attribute is not different (TraceQL)", SpanAttr("nope", kNe, S("x")), false},
      {"a missing attribute is nil", SpanAttr("nope", kNotExists), true},
      {"a missing attribute does not exist", SpanAttr("nope", kExists), false},
      {"a missing attribute fails not-regex", SpanAttr("nope", kNotRegex, S("x")), false},
      {"a present attribute is not nil", SpanAttr("http.method", kNotExists), false},
      {"regex matches strings only", SpanAttr("http.status_code", kRegex, S("5.*")), false},
      {"not-regex matches strings only", SpanAttr("http.status_code", kNotRegex, S("x")), false},
      {"string attribute not-regex", SpanAttr("http.method", kNotRegex, S("POST|PUT")), true},
      // Scopes.
      {"resource attribute", Attr(kResource, "deployment.environment", kEq, S("prod")), true},
      {"resource attributes are not span attributes",
       Attr(kSpanScope, "deployment.environment", kNotExists), true},
      {"span attributes are not resource attributes", Attr(kResource, "http.method", kExists),
       false},
      {"unscoped: the span's value wins", Attr(kEither, "shared", kEq, S("span-value")), true},
      {"unscoped: the resource's is then ignored",
       Attr(kEither, "shared", kEq, S("resource-value")), false},
      {"unscoped: falls back to the resource", Attr(kEither, "host.cpu", kGe, I{4}), true},
      {"unscoped: nil when in neither", Attr(kEither, "nope", kNotExists), true},
      {"event: any event matches", Attr(kEventScope, "attempt", kEq, I{2}), true},
      {"event: counterexample", Attr(kEventScope, "attempt", kEq, I{3}), false},
      {"event: string attribute", Attr(kEventScope, "exception.type", kEq, S("TimeoutError")),
       true},
      {"event: events without the key are not different",
       Attr(kEventScope, "exception.type", kNe, S("TimeoutError")), false},
      {"event: exists in one event", Attr(kEventScope, "exception.type", kExists), true},
      {"event: nil only when no event has it", Attr(kEventScope, "exception.type", kNotExists),
       false},
      {"event: nil when absent from all", Attr(kEventScope, "nope", kNotExists), true},
      {"event attributes are not span attributes", SpanAttr("exception.type", kExists), false},
      {"link attribute", Attr(kLinkScope, "link.kind", kEq, S("follows")), true},
      {"link: counterexample", Attr(kLinkScope, "link.kind", kEq, S("child")), false},
      // Trees.
      {"empty and matches every span", ConditionTree::And({}), true},
      {"empty or matches no span", ConditionTree::Or({}), false},
      {"and: both hold",
       ConditionTree::And({On(Field::kStatus, kEq, I{2}), SpanAttr("http.method", kEq, S("GET"))}),
       true},
      {"and: one fails",
       ConditionTree::And({On(Field::kStatus, kEq, I{2}), SpanAttr("http.method", kEq, S("PUT"))}),
       false},
      {"or: one holds",
       ConditionTree::Or({On(Field::kStatus, kEq, I{0}), SpanAttr("http.method", kEq, S("GET"))}),
       true},
      {"or: none holds",
       ConditionTree::Or({On(Field::kStatus, kEq, I{0}), SpanAttr("http.method", kEq, S("PUT"))}),
       false},
      {"nested: and of or",
       ConditionTree::And(
           {ConditionTree::Or({On(Field::kKind, kEq, I{3}), On(Field::kKind, kEq, I{2})}),
            On(Field::kServiceName, kRegex, S("check(out|in)"))}),
       true},
  };
}

TEST(ConditionEvalTest, EveryRule) {
  SpanUnderTest data;
  for (Case& c : Cases()) {
    ASSERT_TRUE(CompileRegexes(c.tree).ok()) << c.rule;
    EXPECT_EQ(SpanMatches(c.tree, data.batch(), data.span()), c.want) << c.rule;
  }
}

TEST(ConditionEvalTest, SpanWithoutEventsOrLinks) {
  SpanUnderTest data;
  const auto matches = [&](const ConditionTree& tree) {
    return SpanMatches(tree, data.batch(), data.plain());
  };
  EXPECT_TRUE(matches(Attr(AttributeScope::kEvent, "exception.type", kNotExists)));
  EXPECT_FALSE(matches(Attr(AttributeScope::kEvent, "exception.type", kExists)));
  EXPECT_FALSE(matches(Attr(AttributeScope::kLink, "link.kind", kNe, S("x"))));
  EXPECT_TRUE(matches(Attr(AttributeScope::kLink, "link.kind", kNotExists)));
  EXPECT_TRUE(matches(On(Field::kDuration, kEq, I{0}))) << "no end time: duration 0";
  EXPECT_TRUE(matches(On(Field::kStatusMessage, kEq, S("")))) << "unset message is empty";
}

TEST(ConditionEvalTest, UncompiledRegexMatchesNothing) {
  SpanUnderTest data;
  EXPECT_FALSE(SpanMatches(On(Field::kSpanName, kRegex, S(".*")), data.batch(), data.span()));
  EXPECT_FALSE(SpanMatches(On(Field::kSpanName, kNotRegex, S("x")), data.batch(), data.span()));
}

TEST(ConditionEvalTest, BadRegexIsInvalidArgumentNamingIt) {
  ConditionTree tree = ConditionTree::And(
      {On(Field::kSpanName, kEq, S("x")), ConditionTree::Or({SpanAttr("k", kRegex, S("a(b"))})});
  const absl::Status status = CompileRegexes(tree);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("a(b"), absl::string_view::npos) << status;
}

TEST(ConditionEvalTest, RegexOperandMustBeAString) {
  ConditionTree tree = On(Field::kSpanName, kRegex, I{5});
  EXPECT_EQ(CompileRegexes(tree).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConditionEvalTest, HugeRegexIsRefused) {
  ConditionTree tree = On(Field::kSpanName, kRegex, S("((((a{100}){100}){100}){100})"));
  const absl::Status status = CompileRegexes(tree);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  // Within RE2's memory budget, but a program over kMaxRegexProgramSize instructions.
  std::string alternatives;
  for (int i = 0; i < 8; ++i) alternatives += "(a|b|c|d){1000}";
  ConditionTree big = On(Field::kSpanName, kRegex, alternatives);
  const absl::Status too_complex = CompileRegexes(big);
  EXPECT_EQ(too_complex.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_complex.message().find("too complex"), absl::string_view::npos) << too_complex;
}

TEST(ConditionEvalTest, CompilingTwiceKeepsTheFirstProgram) {
  ConditionTree tree = On(Field::kSpanName, kRegex, S("GET .*"));
  ASSERT_TRUE(CompileRegexes(tree).ok());
  const auto* first = tree.leaf.regex.get();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(CompileRegexes(tree).ok());
  EXPECT_EQ(tree.leaf.regex.get(), first);
}

TEST(ConditionEvalTest, MatchesEverythingOnlyForTheEmptyAnd) {
  EXPECT_TRUE(MatchesEverything(ConditionTree{}));
  EXPECT_FALSE(MatchesEverything(ConditionTree::Or({})));
  EXPECT_FALSE(MatchesEverything(ConditionTree::And({On(Field::kKind, kExists)})));
}

}  // namespace
}  // namespace weft::storage
