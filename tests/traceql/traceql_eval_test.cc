// The golden TraceQL result cases: every eval/*.test file is one test. Its fixture is written to
// a fresh MemoryStore and the query runs through the real query::SearchTraces (planning,
// push-down, paging, assembly, evaluation), so a case tests the whole search path. A case with
// expect: must render (eval_case.h) to exactly that text; one with error: must fail with exactly
// that message.
#include <cctype>
#include <filesystem>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eval_case.h"
#include "gtest/gtest.h"
#include "query/assembly/trace_assembler.h"
#include "query/search/trace_search.h"
#include "query/traceql/engine.h"
#include "query/traceql/parser.h"
#include "storage/memory/memory_store.h"

#ifndef WEFT_TRACEQL_EVAL_DIR
#error "WEFT_TRACEQL_EVAL_DIR must name tests/traceql/eval"
#endif

namespace weft::query::traceql::testing {
namespace {

const std::filesystem::path kEvalDir = WEFT_TRACEQL_EVAL_DIR;

std::vector<std::filesystem::path> EvalFiles() {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kEvalDir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The engine alone, with every filter evaluated by field_eval.h (never the store's conditions):
// each fixture trace assembled and evaluated, rendered like RenderResult, newest first. Equal to
// the search's result whenever the request has no options, so the two evaluators agree.
std::string EngineOnly(const std::string& text, const SpanBatch& fixture) {
  absl::StatusOr<Query> query = Parse(text.empty() ? "{ }" : text);
  if (!query.ok()) return std::string(query.status().message());
  absl::StatusOr<CompiledQuery> compiled =
      CompiledQuery::TEST_CompileWithoutStoreConditions(*query);
  if (!compiled.ok()) return std::string(compiled.status().message());
  // Traces newest first: (start desc, trace id asc) -> span indexes.
  std::map<std::pair<uint64_t, std::string>, std::vector<uint32_t>> traces;
  std::map<std::string, uint64_t> starts;
  for (const Span& span : fixture.spans()) {
    const std::string id = span.trace_id.ToHex();
    auto [it, added] = starts.try_emplace(id, span.start_time_unix_nano);
    if (!added) it->second = std::min(it->second, span.start_time_unix_nano);
  }
  for (uint32_t i = 0; i < fixture.size(); ++i) {
    const std::string id = fixture.spans()[i].trace_id.ToHex();
    traces[{UINT64_MAX - starts[id], id}].push_back(i);
  }
  std::vector<std::string> lines;
  Arena arena;
  for (const auto& [key, indexes] : traces) {
    SpanBatch batch;
    batch.CopySpansFrom(fixture, indexes);
    const AssembledTrace trace = AssembleTrace(std::move(batch));
    for (const Spanset& set : compiled->Evaluate(trace)) {
      const auto selected = compiled->SelectedAttributes(trace, set, set.spans);
      std::vector<std::string> spans;
      for (size_t i = 0; i < set.spans.size(); ++i) {
        std::string span = ShortId(trace.span(set.spans[i]).span_id.ToHex());
        std::vector<std::string> attrs;
        for (const NamedValue& v : selected[i]) {
          attrs.push_back(absl::StrCat(v.key, "=", RenderValue(ToAnyValue(v.value, arena))));
        }
        if (!attrs.empty()) absl::StrAppend(&span, "{", absl::StrJoin(attrs, "; "), "}");
        spans.push_back(std::move(span));
      }
      std::string line = absl::StrCat(ShortId(key.second), " ", absl::StrJoin(spans, ","));
      for (const NamedValue& v : set.attributes) {
        absl::StrAppend(&line, " ", v.key, "=", RenderValue(ToAnyValue(v.value, arena)));
      }
      lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) return "none";
  return absl::StrJoin(lines, "\n");
}

class TraceqlEvalTest : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(TraceqlEvalTest, Evaluates) {
  const absl::StatusOr<EvalCase> golden = ReadEvalCase(GetParam(), kEvalDir / "fixtures");
  ASSERT_TRUE(golden.ok()) << golden.status();
  SCOPED_TRACE("query: " + golden->query);
  absl::StatusOr<std::unique_ptr<SpanBatch>> batch = BuildFixture(golden->fixture);
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::unique_ptr<storage::SpanStore> store = storage::NewMemoryStore();
  store->Write("single-tenant", *std::move(batch),
               [](absl::Status status) { ASSERT_TRUE(status.ok()) << status; });
  absl::StatusOr<TraceSearchRequest> request = BuildRequest(*golden);
  ASSERT_TRUE(request.ok()) << request.status();
  const absl::StatusOr<TraceSearchResult> result = SearchTraces(*store, *request);
  if (golden->error.has_value()) {
    ASSERT_FALSE(result.ok()) << "succeeded:\n" << RenderResult(*result);
    EXPECT_EQ(std::string(result.status().message()), *golden->error);
    return;
  }
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(RenderResult(*result), *golden->expect);
  if (golden->request.empty()) {
    absl::StatusOr<std::unique_ptr<SpanBatch>> fixture = BuildFixture(golden->fixture);
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    EXPECT_EQ(EngineOnly(golden->query, **fixture), *golden->expect)
        << "the engine alone (field_eval.h for every filter) disagrees";
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(EvalFolder, TraceqlEvalTest, ::testing::ValuesIn(EvalFiles()), CaseName);

// Guards against a wrong folder path silently running no cases.
TEST(TraceqlEvalFolderTest, HoldsTheCases) {
  EXPECT_GE(EvalFiles().size(), 160u) << "eval folder: " << kEvalDir;
}

}  // namespace
}  // namespace weft::query::traceql::testing
