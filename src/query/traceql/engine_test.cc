// CompiledQuery (engine.h) on a hand-made trace (the cases of the former SpansetProgram test,
// plus the planner); the full suite is tests/traceql/eval/*.test:
//   root  frontend GET /              (server)
//   ├─ b  frontend GET cart           (client)
//   │  └─ c  cart SELECT              (error)
//   └─ d  payment charge              (error)
#include "query/traceql/engine.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/assembly/trace_assembler.h"
#include "query/traceql/parser.h"

namespace weft::query::traceql {
namespace {

using ::testing::HasSubstr;

AssembledTrace ShopTrace() {
  SpanBatch batch;
  auto resource = [&](const char* service) {
    const KeyValue attrs[] = {{"service.name", AnyValue::String(service)}};
    return batch.AddScope(batch.AddResource({batch.arena().CopyArray(Attributes(attrs)), 0, ""}),
                          {"t", "1", {}, 0, ""});
  };
  const uint32_t frontend = resource("frontend"), cart = resource("cart"),
                 payment = resource("payment");
  const TraceId trace = *TraceId::FromHex("0af7651916cd43dd8448eb211c80319c");
  auto add = [&](const char* id, const char* parent, uint32_t scope, const char* name,
                 uint64_t start, StatusCode status) {
    Span span;
    span.trace_id = trace;
    span.span_id = *SpanId::FromHex(id);
    if (parent != nullptr) span.parent_span_id = *SpanId::FromHex(parent);
    span.scope_index = scope;
    span.name = name;
    span.status_code = status;
    span.start_time_unix_nano = 1000 + start;
    span.end_time_unix_nano = 1000 + start + 10;
    batch.AddSpan(span);
  };
  add("000000000000000a", nullptr, frontend, "GET /", 0, StatusCode::kUnset);
  add("000000000000000b", "000000000000000a", frontend, "GET cart", 1, StatusCode::kUnset);
  add("000000000000000c", "000000000000000b", cart, "SELECT", 2, StatusCode::kError);
  add("000000000000000d", "000000000000000a", payment, "charge", 3, StatusCode::kError);
  return AssembleTrace(std::move(batch));
}

// The names of the spans the query yields, in start order, or the error.
std::string Yield(const std::string& text) {
  static const AssembledTrace trace = ShopTrace();
  absl::StatusOr<Query> query = Parse(text);
  if (!query.ok()) return std::string(query.status().message());
  absl::StatusOr<CompiledQuery> compiled = CompiledQuery::Compile(*query);
  if (!compiled.ok()) return std::string(compiled.status().message());
  std::string names;
  for (const Spanset& set : compiled->Evaluate(trace)) {
    if (!names.empty()) names += "|";
    for (size_t i = 0; i < set.spans.size(); ++i) {
      if (i > 0) names += ",";
      names += std::string(trace.span(set.spans[i]).name);
    }
  }
  return names;
}

TEST(EngineTest, StructuralOperators) {
  const std::string frontend = R"({ resource.service.name = "frontend" })";
  EXPECT_EQ(Yield(frontend + " > { status = error }"), "SELECT,charge");
  EXPECT_EQ(Yield(R"({ name = "GET /" } > { status = error })"), "charge");
  EXPECT_EQ(Yield(frontend + " >> { status = error }"), "SELECT,charge");
  EXPECT_EQ(Yield("{ status = error } < { }"), "GET /,GET cart");
  EXPECT_EQ(Yield("{ status = error } << { }"), "GET /,GET cart");
  EXPECT_EQ(Yield(R"({ name = "charge" } ~ { })"), "GET cart");
  EXPECT_EQ(Yield(R"({ name = "GET /" } !> { status = error })"), "SELECT");
  EXPECT_EQ(Yield(R"({ name = "GET /" } !>> { })"), "GET /") << "only the root has no ancestor";
  EXPECT_EQ(Yield(R"({ name = "SELECT" } !<< { })"), "SELECT,charge");
  EXPECT_EQ(Yield(R"({ name = "charge" } !~ { })"), "GET /,SELECT,charge");
  EXPECT_EQ(Yield(frontend + R"( > { name = "GET cart" } > { status = error })"), "SELECT")
      << "chains fold left";
}

TEST(EngineTest, AndOrAndCandidates) {
  EXPECT_EQ(Yield(R"({ name = "charge" } && { name = "SELECT" })"), "SELECT,charge");
  EXPECT_EQ(Yield(R"({ name = "charge" } && { name = "nope" })"), "");
  EXPECT_EQ(Yield(R"({ name = "charge" } || { name = "nope" })"), "charge");
}

// The candidate filter's shape: what the store is asked for.
storage::ConditionTree::Kind CandidateKind(const std::string& text, size_t* children = nullptr) {
  absl::StatusOr<Query> query = Parse(text);
  EXPECT_TRUE(query.ok()) << query.status();
  absl::StatusOr<CompiledQuery> compiled = CompiledQuery::Compile(*query);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (children != nullptr) *children = compiled->candidate_filter().children.size();
  return compiled->candidate_filter().kind;
}

TEST(EngineTest, CandidateFilter) {
  using Kind = storage::ConditionTree::Kind;
  size_t n = 0;
  EXPECT_EQ(CandidateKind(R"({ name = "a" } >> { name = "b" })"), Kind::kLeaf) << "one side";
  {
    absl::StatusOr<CompiledQuery> q = CompiledQuery::Compile(*Parse(R"({ .a = 1 } >> { .b = 2 })"));
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->candidate_filter().leaf.key, "b") << "the right side, the result's";
    q = CompiledQuery::Compile(*Parse(R"({ .a = 1 } >> { })"));
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->candidate_filter().leaf.key, "a") << "the left when the right has no condition";
  }
  EXPECT_EQ(CandidateKind(R"({ name = "a" } || { name = "b" })", &n), Kind::kOr);
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(CandidateKind(R"({ !(.a = 1) })", &n), Kind::kAnd);
  EXPECT_EQ(n, 0u) << "match everything";
  EXPECT_EQ(CandidateKind(R"({ traceDuration > 1s })", &n), Kind::kAnd);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(CandidateKind(R"({ traceDuration > 1s && .a = 1 })"), Kind::kLeaf);
  EXPECT_EQ(CandidateKind(R"({ .a = 1 } || { rootName = "x" })", &n), Kind::kAnd);
  EXPECT_EQ(n, 0u) << "one side of || gives nothing";
  EXPECT_EQ(CandidateKind(R"({ } !> { .b = 1 })"), Kind::kLeaf);
  EXPECT_EQ(CandidateKind(R"({ .a = 1 } !> { })", &n), Kind::kAnd) << "the left may be empty";
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(CandidateKind(R"({ } | by(.x) | { .a = 1 } | count() > 1)"), Kind::kLeaf);
}

TEST(EngineTest, FullyPushedDown) {
  auto pushed = [](const std::string& text) {
    absl::StatusOr<Query> query = Parse(text);
    absl::StatusOr<CompiledQuery> compiled = CompiledQuery::Compile(*query);
    return compiled->fully_pushed_down();
  };
  EXPECT_TRUE(pushed("{ }"));
  EXPECT_TRUE(pushed(R"({ .a = 1 && (name =~ "x.*" || duration > 1s) })"));
  EXPECT_FALSE(pushed("{ !(.a = 1) }"));
  EXPECT_FALSE(pushed("{ .a = error }"));
  EXPECT_FALSE(pushed("{ } > { }"));
  EXPECT_FALSE(pushed("{ } | count() > 1"));
}

TEST(EngineTest, UnionsNegationAndPipelines) {
  EXPECT_EQ(Yield(R"({ name = "GET /" } &> { status = error })"), "GET /,charge");
  EXPECT_EQ(Yield("{ status = error } &<< { }"), "GET /,GET cart,SELECT,charge");
  EXPECT_EQ(Yield(R"({ name = "charge" } &~ { })"), "GET cart,charge");
  EXPECT_EQ(Yield("{ !(.a = 1) } > { }"), "GET cart,SELECT,charge");
  EXPECT_EQ(Yield("{ } | by(resource.service.name)"), "GET /,GET cart|SELECT|charge");
  EXPECT_EQ(Yield("{ } | by(resource.service.name) | count() > 1"), "GET /,GET cart");
  EXPECT_EQ(Yield("{ } | by(resource.service.name) | coalesce()"), "GET /,GET cart,SELECT,charge");
  EXPECT_EQ(Yield("({ status = error } | count() > 1) >> { }"), "") << "no error span has children";
  EXPECT_EQ(Yield("({ } | count() > 1) > { status = error }"), "SELECT,charge");
  EXPECT_THAT(Yield(R"({ name =~ "(" })"), HasSubstr("1:11: invalid regex"));
}

}  // namespace
}  // namespace weft::query::traceql
