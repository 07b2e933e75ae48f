// Scan: results equal a brute-force evaluation with the reference evaluator (condition_eval.h)
// over the same spans, and pruning skips what statistics rule out without reading it.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "common/file_system.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "storage/condition_eval.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_test_util.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/trace_summary.h"

namespace weft::storage::embedded {
namespace {

using storage::AttributeScope;
using storage::CompareOp;
using storage::Condition;
using storage::ConditionTree;
using storage::FetchRequest;
using storage::FetchResult;
using storage::Field;

Condition Make(Field field, CompareOp op, storage::Operand operand) {
  Condition c;
  c.field = field;
  c.op = op;
  c.operand = std::move(operand);
  return c;
}

Condition Attr(AttributeScope scope, std::string key, CompareOp op, storage::Operand operand) {
  Condition c = Make(Field::kAttribute, op, std::move(operand));
  c.scope = scope;
  c.key = std::move(key);
  return c;
}

ConditionTree Leaf(Condition c) { return ConditionTree::Leaf(std::move(c)); }

// The spans of several batches as one list, with each trace's spans in WriteBlock's order.
struct Corpus {
  std::vector<const SpanBatch*> batches;
  // trace id -> (batch, index) in WriteBlock's order
  std::map<TraceId, std::vector<std::pair<const SpanBatch*, uint32_t>>> traces;

  void Add(const SpanBatch& batch) {
    batches.push_back(&batch);
    for (uint32_t i = 0; i < batch.size(); ++i)
      traces[batch.spans()[i].trace_id].push_back({&batch, i});
  }
};

// What Scan must return, computed span by span with the reference evaluator.
struct Expected {
  storage::TraceSummary summary;
  uint32_t matched = 0;
  std::vector<std::pair<const SpanBatch*, uint32_t>> spans;  // the spans the result holds
};

std::vector<Expected> BruteForce(const Corpus& corpus, const FetchRequest& request) {
  ConditionTree tree = request.filter;
  EXPECT_TRUE(storage::CompileRegexes(tree).ok());
  std::vector<Expected> all;
  for (const auto& [trace_id, spans] : corpus.traces) {
    storage::TraceSummaryBuilder builder(trace_id);
    for (const auto& [batch, i] : spans) builder.Add(*batch, batch->spans()[i]);
    Expected e;
    e.summary = builder.Finish();
    const uint64_t end = e.summary.start_unix_nanos + e.summary.duration_nanos;
    if (e.summary.start_unix_nanos > request.end_unix_nanos || end < request.start_unix_nanos) {
      continue;
    }
    for (const auto& [batch, i] : spans) {
      if (!storage::SpanMatches(tree, *batch, batch->spans()[i])) continue;
      ++e.matched;
      if (!request.whole_traces &&
          (request.spans_per_trace == 0 || e.spans.size() < request.spans_per_trace)) {
        e.spans.push_back({batch, i});
      }
    }
    if (e.matched == 0) continue;
    if (request.whole_traces) e.spans = spans;
    all.push_back(std::move(e));
  }
  std::sort(all.begin(), all.end(), [](const Expected& a, const Expected& b) {
    if (a.summary.start_unix_nanos != b.summary.start_unix_nanos) {
      return a.summary.start_unix_nanos > b.summary.start_unix_nanos;
    }
    return a.summary.trace_id < b.summary.trace_id;
  });
  if (all.size() > request.limit) all.resize(request.limit);
  return all;
}

void ExpectSameResult(const std::vector<Expected>& expected, const FetchResult& actual) {
  ASSERT_EQ(actual.traces.size(), expected.size());
  for (size_t t = 0; t < expected.size(); ++t) {
    const storage::TraceMatch& got = actual.traces[t];
    const Expected& want = expected[t];
    ASSERT_EQ(got.summary.trace_id, want.summary.trace_id) << "result " << t;
    EXPECT_EQ(got.summary.root_service, want.summary.root_service);
    EXPECT_EQ(got.summary.root_span_name, want.summary.root_span_name);
    EXPECT_EQ(got.summary.start_unix_nanos, want.summary.start_unix_nanos);
    EXPECT_EQ(got.summary.duration_nanos, want.summary.duration_nanos);
    EXPECT_EQ(got.summary.span_count, want.summary.span_count);
    EXPECT_EQ(got.summary.error_count, want.summary.error_count);
    EXPECT_EQ(got.matched_spans, want.matched);
    ASSERT_EQ(got.spans->size(), want.spans.size()) << "trace " << want.summary.trace_id.ToHex();
    for (size_t i = 0; i < want.spans.size(); ++i) {
      const auto& [batch, index] = want.spans[i];
      ASSERT_EQ(
          testing::DiffSpans(*batch, batch->spans()[index], *got.spans, got.spans->spans()[i]), "");
    }
  }
}

class BlockScanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir();
    generated_ = new SpanBatch();
    TraceGenerator generator(2024);
    generator.Fill(*generated_, 60'000);
    large_ = testing::LargeTrace(10'008, 17).release();
    edge_ = testing::EdgeCaseBatch().release();
    corpus_ = new Corpus();
    corpus_->Add(*generated_);
    corpus_->Add(*large_);
    corpus_->Add(*edge_);
    BlockWriterOptions options;
    options.row_group_spans = 4096;
    absl::StatusOr<BlockInfo> info =
        WriteBlock(PosixFileSystem(), dir_->File("scan.block"), corpus_->batches, options);
    ASSERT_TRUE(info.ok()) << info.status();
  }
  static void TearDownTestSuite() {
    delete corpus_;
    delete edge_;
    delete large_;
    delete generated_;
    delete dir_;
  }

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<BlockReader>> reader =
        BlockReader::Open(PosixFileSystem(), dir_->File("scan.block"));
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_ = std::move(*reader);
  }

  void Check(FetchRequest request) {
    SCOPED_TRACE(::testing::Message()
                 << "limit " << request.limit << " spans_per_trace " << request.spans_per_trace
                 << " whole " << request.whole_traces);
    absl::StatusOr<FetchResult> result = reader_->Scan(request);
    ASSERT_TRUE(result.ok()) << result.status();
    ExpectSameResult(BruteForce(*corpus_, request), *result);
  }

  // Checks `filter` with a few limits and result shapes.
  void CheckFilter(ConditionTree filter) {
    FetchRequest request;
    request.filter = filter;
    request.limit = 20;
    Check(request);
    request.limit = 100'000;
    request.spans_per_trace = 0;
    Check(request);
    request.limit = 7;
    request.whole_traces = true;
    Check(request);
  }

  // Some value of `key` (a span attribute) in the generated data, from the middle of it.
  std::string SomeValue(std::string_view key) {
    for (size_t i = generated_->size() / 2; i < generated_->size(); ++i) {
      const AnyValue* v = FindAttribute(generated_->spans()[i].attributes, key);
      if (v != nullptr && v->type() == ValueType::kString) return std::string(v->string_value());
    }
    ADD_FAILURE() << "no value for " << key;
    return "";
  }

  static testing::ScratchDir* dir_;
  static SpanBatch* generated_;
  static SpanBatch* large_;
  static SpanBatch* edge_;
  static Corpus* corpus_;
  std::unique_ptr<BlockReader> reader_;
};

testing::ScratchDir* BlockScanTest::dir_ = nullptr;
SpanBatch* BlockScanTest::generated_ = nullptr;
SpanBatch* BlockScanTest::large_ = nullptr;
SpanBatch* BlockScanTest::edge_ = nullptr;
Corpus* BlockScanTest::corpus_ = nullptr;

TEST_F(BlockScanTest, MatchEverything) { CheckFilter(ConditionTree()); }

TEST_F(BlockScanTest, ServiceName) {
  CheckFilter(Leaf(Make(Field::kServiceName, CompareOp::kEq, std::string("payment"))));
  CheckFilter(Leaf(Make(Field::kServiceName, CompareOp::kNe, std::string("frontend"))));
  CheckFilter(Leaf(Make(Field::kServiceName, CompareOp::kRegex, std::string("ca.*"))));
  CheckFilter(Leaf(Make(Field::kServiceName, CompareOp::kEq, int64_t{42})));  // edge resource
  CheckFilter(Leaf(Make(Field::kServiceName, CompareOp::kNotExists, {})));
}

TEST_F(BlockScanTest, SpanName) {
  CheckFilter(Leaf(Make(Field::kSpanName, CompareOp::kEq, std::string("HGET"))));
  CheckFilter(Leaf(Make(Field::kSpanName, CompareOp::kRegex, std::string("oteldemo\\..*Cart.*"))));
  CheckFilter(Leaf(Make(Field::kSpanName, CompareOp::kEq, std::string(""))));
  CheckFilter(Leaf(Make(Field::kSpanName, CompareOp::kGt, std::string("POST"))));
}

TEST_F(BlockScanTest, Durations) {
  CheckFilter(Leaf(Make(Field::kDuration, CompareOp::kGt, int64_t{50'000'000})));
  CheckFilter(
      ConditionTree::And({Leaf(Make(Field::kDuration, CompareOp::kGe, int64_t{1'000'000})),
                          Leaf(Make(Field::kDuration, CompareOp::kLe, int64_t{1'100'000}))}));
  CheckFilter(Leaf(Make(Field::kDuration, CompareOp::kGe, 1.5e6)));       // a double operand
  CheckFilter(Leaf(Make(Field::kDuration, CompareOp::kEq, int64_t{0})));  // end before start
  CheckFilter(Leaf(Make(Field::kDuration, CompareOp::kGt, int64_t{1} << 62)));
}

TEST_F(BlockScanTest, KindStatusAndMessage) {
  CheckFilter(Leaf(Make(Field::kKind, CompareOp::kEq, int64_t{3})));
  CheckFilter(ConditionTree::And({Leaf(Make(Field::kStatus, CompareOp::kNe, int64_t{2})),
                                  Leaf(Make(Field::kKind, CompareOp::kEq, int64_t{2}))}));
  CheckFilter(Leaf(Make(Field::kStatusMessage, CompareOp::kRegex, std::string(".*deadline.*"))));
  CheckFilter(Leaf(Make(Field::kStatusMessage, CompareOp::kNe, std::string(""))));
}

TEST_F(BlockScanTest, StartTime) {
  const uint64_t middle = generated_->spans()[generated_->size() / 2].start_time_unix_nano;
  CheckFilter(Leaf(Make(Field::kStartTime, CompareOp::kGe, static_cast<int64_t>(middle))));
  CheckFilter(Leaf(Make(Field::kStartTime, CompareOp::kLt, int64_t{1000})));
}

TEST_F(BlockScanTest, SpanAttributes) {
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "http.status_code", CompareOp::kEq, int64_t{500})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "http.status_code", CompareOp::kGe, 404.0)));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "db.system", CompareOp::kEq, std::string("redis"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "app.amount", CompareOp::kGt, 900.0)));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "app.amount", CompareOp::kLt, int64_t{2})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "app.cache_hit", CompareOp::kEq, true)));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "app.cache_hit", CompareOp::kNe, true)));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "http.route", CompareOp::kNotExists, {})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "http.route", CompareOp::kExists, {})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "db.statement", CompareOp::kRegex,
                        std::string("SELECT .* id = 4.*"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "no.such.key", CompareOp::kEq, std::string("x"))));
  CheckFilter(
      Leaf(Attr(AttributeScope::kSpan, "enduser.id", CompareOp::kEq, SomeValue("enduser.id"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "thread.id", CompareOp::kNe, int64_t{7})));
}

TEST_F(BlockScanTest, EdgeCaseAttributes) {
  // Duplicate keys (the first counts), empty values, NaN, nested values, bytes.
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "dup", CompareOp::kEq, int64_t{1})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "dup", CompareOp::kEq, std::string("second"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "empty", CompareOp::kExists, {})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "nan", CompareOp::kNe, 1.0)));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "nan", CompareOp::kEq, 1.0)));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "nested", CompareOp::kExists, {})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "bytes", CompareOp::kEq, std::string("x"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "min", CompareOp::kLt, int64_t{0})));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "huge", CompareOp::kRegex, std::string("x+"))));
}

TEST_F(BlockScanTest, ResourceAndUnscopedAttributes) {
  const Resource& resource = generated_->resources()[3];
  const AnyValue* pod = FindAttribute(resource.attributes, "k8s.pod.name");
  ASSERT_NE(pod, nullptr);
  CheckFilter(Leaf(Attr(AttributeScope::kResource, "k8s.pod.name", CompareOp::kEq,
                        std::string(pod->string_value()))));
  CheckFilter(Leaf(Attr(AttributeScope::kResource, "telemetry.sdk.language", CompareOp::kRegex,
                        std::string("j.*"))));
  CheckFilter(Leaf(
      Attr(AttributeScope::kSpanOrResource, "service.name", CompareOp::kEq, std::string("cart"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpanOrResource, "enduser.id", CompareOp::kEq,
                        SomeValue("enduser.id"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpanOrResource, "host.name", CompareOp::kExists, {})));
}

TEST_F(BlockScanTest, EventAndLinkAttributes) {
  CheckFilter(Leaf(
      Attr(AttributeScope::kEvent, "exception.type", CompareOp::kEq, std::string("TimeoutError"))));
  CheckFilter(Leaf(Attr(AttributeScope::kEvent, "exception.type", CompareOp::kNotExists, {})));
  CheckFilter(Leaf(Attr(AttributeScope::kEvent, "exception.escaped", CompareOp::kEq, true)));
  CheckFilter(Leaf(Attr(AttributeScope::kLink, "link.reason", CompareOp::kExists, {})));
  CheckFilter(Leaf(Attr(AttributeScope::kLink, "link.reason", CompareOp::kNe, std::string("x"))));
}

TEST_F(BlockScanTest, AndOr) {
  CheckFilter(
      ConditionTree::And({Leaf(Make(Field::kServiceName, CompareOp::kEq, std::string("payment"))),
                          Leaf(Make(Field::kDuration, CompareOp::kGt, int64_t{40'000'000}))}));
  CheckFilter(ConditionTree::Or(
      {Leaf(Make(Field::kServiceName, CompareOp::kEq, std::string("cart"))),
       Leaf(Attr(AttributeScope::kSpan, "http.status_code", CompareOp::kGe, int64_t{500}))}));
  CheckFilter(ConditionTree::Or({}));  // matches nothing
  CheckFilter(ConditionTree::And(
      {ConditionTree::Or({Leaf(Make(Field::kKind, CompareOp::kEq, int64_t{3})),
                          Leaf(Make(Field::kKind, CompareOp::kEq, int64_t{4}))}),
       Leaf(Attr(AttributeScope::kSpan, "db.system", CompareOp::kEq, std::string("postgresql"))),
       Leaf(Make(Field::kStatus, CompareOp::kEq, int64_t{2}))}));
}

TEST_F(BlockScanTest, LargeTrace) {
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "bucket", CompareOp::kEq, std::string("odd"))));
  CheckFilter(Leaf(Attr(AttributeScope::kSpan, "i", CompareOp::kEq, int64_t{10'007})));
}

TEST_F(BlockScanTest, TimeRanges) {
  const uint64_t t = generated_->spans()[generated_->size() / 3].start_time_unix_nano;
  FetchRequest request;
  request.start_unix_nanos = t;
  request.end_unix_nanos = t + 2'000'000'000;
  request.limit = 1000;
  Check(request);
  request.filter = Leaf(Make(Field::kServiceName, CompareOp::kEq, std::string("cart")));
  Check(request);
}

TEST_F(BlockScanTest, BadRequests) {
  FetchRequest request;
  request.limit = 0;
  EXPECT_EQ(reader_->Scan(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.limit = 1;
  request.start_unix_nanos = 2;
  request.end_unix_nanos = 1;
  EXPECT_EQ(reader_->Scan(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.start_unix_nanos = 0;
  request.filter = Leaf(Make(Field::kSpanName, CompareOp::kRegex, std::string("(")));
  EXPECT_EQ(reader_->Scan(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BlockScan, OutsideTheTimeRangeReadsNothing) {
  // (The fixture's block holds a span from 0 to UINT64_MAX; this one has a narrower range.)
  testing::ScratchDir dir;
  SpanBatch spans;
  TraceGenerator generator(3);
  generator.Fill(spans, 20'000);
  const SpanBatch* batches[] = {&spans};
  ASSERT_TRUE(WriteBlock(PosixFileSystem(), dir.File("t.block"), batches).ok());
  absl::StatusOr<std::unique_ptr<BlockReader>> reader =
      BlockReader::Open(PosixFileSystem(), dir.File("t.block"));
  ASSERT_TRUE(reader.ok());
  const BlockReadStats before = (*reader)->stats();
  FetchRequest request;
  request.start_unix_nanos = (*reader)->info().max_time_unix_nanos + 1;
  absl::StatusOr<FetchResult> result = (*reader)->Scan(request);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->traces.empty());
  EXPECT_EQ(result->skipped_blocks, 1u);
  EXPECT_EQ(result->inspected_blocks, 0u);
  EXPECT_EQ(result->inspected_spans, 0u);
  const BlockReadStats after = (*reader)->stats();
  EXPECT_EQ(after.file_reads, before.file_reads);
  EXPECT_EQ(after.chunks_decoded, before.chunks_decoded);
  EXPECT_EQ(after.blocks_pruned, before.blocks_pruned + 1);
  // Just inside the range: the block is scanned.
  request.start_unix_nanos = (*reader)->info().max_time_unix_nanos;
  result = (*reader)->Scan(request);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->inspected_blocks, 1u);
  EXPECT_FALSE(result->traces.empty());
}

TEST_F(BlockScanTest, DictionariesAndStatisticsPrune) {
  const std::vector<ConditionTree> impossible = {
      Leaf(Make(Field::kServiceName, CompareOp::kEq, std::string("no-such-service"))),
      Leaf(Make(Field::kSpanName, CompareOp::kEq, std::string("no such operation"))),
      Leaf(Make(Field::kSpanName, CompareOp::kRegex, std::string("zzz.*"))),
      Leaf(Attr(AttributeScope::kSpan, "no.such.key", CompareOp::kEq, std::string("x"))),
      Leaf(Attr(AttributeScope::kResource, "no.such.key", CompareOp::kExists, {})),
      Leaf(Make(Field::kDuration, CompareOp::kLt, int64_t{0})),
      ConditionTree::Or({}),
  };
  for (const ConditionTree& filter : impossible) {
    const BlockReadStats before = reader_->stats();
    FetchRequest request;
    request.filter = filter;
    absl::StatusOr<FetchResult> result = reader_->Scan(request);
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(result->traces.empty());
    EXPECT_EQ(result->skipped_blocks, 1u);
    const BlockReadStats after = reader_->stats();
    EXPECT_EQ(after.file_reads, before.file_reads);
    EXPECT_EQ(after.chunks_decoded, before.chunks_decoded);
  }
  // Row-group statistics: the `bucket` key lives only in the row groups of the large trace.
  const BlockReadStats before = reader_->stats();
  FetchRequest request;
  request.filter = Leaf(Attr(AttributeScope::kSpan, "bucket", CompareOp::kEq, std::string("odd")));
  absl::StatusOr<FetchResult> result = reader_->Scan(request);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->traces.size(), 1u);
  const BlockReadStats after = reader_->stats();
  EXPECT_GT(after.row_groups_pruned - before.row_groups_pruned, 0u);
  EXPECT_EQ(after.row_groups_scanned - before.row_groups_scanned, 3u);
}

TEST_F(BlockScanTest, OnlyNamedColumnsAreRead) {
  // An attribute-equality scan reads the shape table, the shape column and the value column of
  // each row group (plus the trace table), not the other ~60 chunks.
  const BlockReadStats before = reader_->stats();
  FetchRequest request;
  request.filter =
      Leaf(Attr(AttributeScope::kSpan, "db.system", CompareOp::kEq, std::string("no-such-db")));
  absl::StatusOr<FetchResult> result = reader_->Scan(request);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->traces.empty());
  const BlockReadStats after = reader_->stats();
  const uint64_t scanned = after.row_groups_scanned - before.row_groups_scanned;
  EXPECT_GT(scanned, 0u);
  EXPECT_LE(after.chunks_decoded - before.chunks_decoded, 4 * scanned);
}

}  // namespace
}  // namespace weft::storage::embedded
