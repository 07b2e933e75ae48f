// SpansetProgram on a hand-made trace:
//   root  frontend GET /              (server)
//   ├─ b  frontend GET cart           (client)
//   │  └─ c  cart SELECT              (error)
//   └─ d  payment charge              (error)
#include "query/traceql/structural.h"

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
  absl::StatusOr<SpansetProgram> program = SpansetProgram::Compile(query->pipeline[0].spanset);
  if (!program.ok()) return std::string(program.status().message());
  std::string names;
  for (const uint32_t s : program->Evaluate(trace)) {
    if (!names.empty()) names += ",";
    names += std::string(trace.span(s).name);
  }
  return names;
}

TEST(SpansetProgramTest, StructuralOperators) {
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

TEST(SpansetProgramTest, AndOrAndCandidates) {
  EXPECT_EQ(Yield(R"({ name = "charge" } && { name = "SELECT" })"), "SELECT,charge");
  EXPECT_EQ(Yield(R"({ name = "charge" } && { name = "nope" })"), "");
  EXPECT_EQ(Yield(R"({ name = "charge" } || { name = "nope" })"), "charge");
  absl::StatusOr<Query> query = Parse(R"({ name = "a" } >> { name = "b" })");
  ASSERT_TRUE(query.ok());
  absl::StatusOr<SpansetProgram> program = SpansetProgram::Compile(query->pipeline[0].spanset);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->candidate_filter().kind, storage::ConditionTree::Kind::kOr);
  EXPECT_EQ(program->candidate_filter().children.size(), 2u);
}

TEST(SpansetProgramTest, UnsupportedIsNamed) {
  EXPECT_THAT(Yield("{ } &> { }"), HasSubstr("&> is not supported yet"));
  EXPECT_THAT(Yield("{ !(.a = 1) } > { }"), HasSubstr("`!`"));
}

}  // namespace
}  // namespace weft::query::traceql
