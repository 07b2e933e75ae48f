#include "storage/embedded/compaction/compactor.h"

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_test_util.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/span_identity.h"

namespace weft::storage::embedded {
namespace {

using testing::DiffSpans;
using testing::GroupByTrace;
using testing::ScratchDir;

// Input batches written as blocks, and what compacting them must give: per trace, the spans of
// every input in input order with exact duplicates dropped (the reference DropExactDuplicates).
class CompactionFixture {
 public:
  explicit CompactionFixture(std::string tenant = "acme") { options_.tenant = std::move(tenant); }

  // Writes `batch` as input block `name` (row groups of `row_group_spans` spans).
  void AddInput(std::unique_ptr<SpanBatch> batch, uint32_t row_group_spans = 8192,
                const std::string& tenant = "") {
    BlockWriterOptions options = options_;
    options.row_group_spans = row_group_spans;
    if (!tenant.empty()) options.tenant = tenant;
    const std::string path = dir_.File("in" + std::to_string(readers_.size()) + ".block");
    const SpanBatch* batches[] = {batch.get()};
    absl::StatusOr<BlockInfo> info = WriteBlock(PosixFileSystem(), path, batches, options);
    ASSERT_TRUE(info.ok()) << info.status();
    absl::StatusOr<std::unique_ptr<BlockReader>> reader =
        BlockReader::Open(PosixFileSystem(), path);
    ASSERT_TRUE(reader.ok()) << reader.status();
    readers_.push_back(std::move(*reader));
    batches_.push_back(std::move(batch));
  }

  std::vector<const BlockReader*> inputs() const {
    std::vector<const BlockReader*> out;
    for (const auto& r : readers_) out.push_back(r.get());
    return out;
  }

  absl::StatusOr<CompactionResult> Compact(uint32_t row_group_spans = 8192,
                                           const std::string& name = "out.block") {
    BlockWriterOptions options;  // tenant left empty: the compactor takes the inputs'
    options.row_group_spans = row_group_spans;
    const std::vector<const BlockReader*> in = inputs();
    return CompactBlocks(PosixFileSystem(), in, dir_.File(name), options);
  }

  // Per trace id, a batch of the expected spans in order.
  std::map<TraceId, std::unique_ptr<SpanBatch>> Expected(uint64_t* spans, uint64_t* duplicates,
                                                         uint64_t* joined) const {
    std::map<TraceId, std::unique_ptr<SpanBatch>> expected;
    std::map<TraceId, int> inputs_holding;
    *spans = *duplicates = *joined = 0;
    for (const auto& batch : batches_) {
      for (const auto& [id, indexes] : GroupByTrace(*batch)) {
        auto& slot = expected[id];
        if (slot == nullptr) slot = std::make_unique<SpanBatch>();
        slot->CopySpansFrom(*batch, indexes);
        *spans += indexes.size();
        if (++inputs_holding[id] == 2) ++*joined;
      }
    }
    for (auto& [id, batch] : expected) *duplicates += storage::DropExactDuplicates(*batch);
    return expected;
  }

  // Checks the output block against Expected(): counts, FindTrace of every trace, the cursor's
  // order, Verify.
  void ExpectOutput(const CompactionResult& result, const std::string& name = "out.block") {
    uint64_t spans, duplicates, joined;
    const auto expected = Expected(&spans, &duplicates, &joined);
    EXPECT_EQ(result.input_spans, spans);
    EXPECT_EQ(result.duplicates_dropped, duplicates);
    EXPECT_EQ(result.traces_joined, joined);
    EXPECT_EQ(result.block.spans, spans - duplicates);
    EXPECT_EQ(result.block.traces, expected.size());
    EXPECT_EQ(result.block.tenant, options_.tenant);
    EXPECT_EQ(result.block.path, dir_.File(name));

    absl::StatusOr<std::unique_ptr<BlockReader>> reader =
        BlockReader::Open(PosixFileSystem(), dir_.File(name));
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_TRUE((*reader)->Verify().ok()) << (*reader)->Verify();
    EXPECT_EQ((*reader)->info().tenant, options_.tenant);
    EXPECT_EQ((*reader)->info().spans, spans - duplicates);
    for (const auto& [id, want] : expected) {
      absl::StatusOr<std::unique_ptr<SpanBatch>> found = (*reader)->FindTrace(id);
      ASSERT_TRUE(found.ok()) << found.status();
      ExpectSame(*want, **found, id);
    }
    // The cursor walks the same traces in ascending id order.
    std::unique_ptr<BlockTraceCursor> cursor = (*reader)->NewTraceCursor();
    auto it = expected.begin();
    TraceId id;
    std::unique_ptr<SpanBatch> batch;
    while (true) {
      absl::StatusOr<bool> more = cursor->Next(&id, &batch);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) break;
      ASSERT_NE(it, expected.end());
      ASSERT_EQ(id, it->first);
      ExpectSame(*it->second, *batch, id);
      ++it;
    }
    EXPECT_EQ(it, expected.end());
  }

  static void ExpectSame(const SpanBatch& want, const SpanBatch& got, const TraceId& id) {
    ASSERT_EQ(got.size(), want.size()) << id.ToHex();
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(DiffSpans(want, want.spans()[i], got, got.spans()[i]), "")
          << "span " << i << " of " << id.ToHex();
    }
  }

  const ScratchDir& dir() const { return dir_; }
  const SpanBatch& batch(size_t i) const { return *batches_[i]; }

 private:
  ScratchDir dir_;
  BlockWriterOptions options_;
  std::vector<std::unique_ptr<SpanBatch>> batches_;
  std::vector<std::unique_ptr<BlockReader>> readers_;
};

// The spans of `source` at `indexes`, as a new batch.
std::unique_ptr<SpanBatch> Pick(const SpanBatch& source, const std::vector<uint32_t>& indexes) {
  auto out = std::make_unique<SpanBatch>();
  out->CopySpansFrom(source, indexes);
  return out;
}

std::vector<uint32_t> All(const SpanBatch& batch) {
  std::vector<uint32_t> all(batch.size());
  std::iota(all.begin(), all.end(), 0);
  return all;
}

TEST(CompactBlocks, MergesOverlappingBlocks) {
  // 600 generated traces: a quarter in each of three inputs alone, a quarter split span by span
  // across all three (late spans cut into other blocks by the head).
  SpanBatch generated;
  TraceGenerator generator(5);
  for (int i = 0; i < 600; ++i) generator.NextTrace(generated);
  std::vector<uint32_t> parts[3];
  std::map<TraceId, int> trace_number;
  for (uint32_t i = 0; i < generated.size(); ++i) {
    const Span& s = generated.spans()[i];
    const int k =
        trace_number.emplace(s.trace_id, static_cast<int>(trace_number.size())).first->second;
    const int mode = k % 4;
    parts[mode < 3 ? mode : static_cast<int>(i % 3)].push_back(i);
  }
  CompactionFixture f;
  for (const auto& part : parts) f.AddInput(Pick(generated, part), /*row_group_spans=*/700);
  absl::StatusOr<CompactionResult> result = f.Compact(/*row_group_spans=*/1000);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->traces_joined, 150u);
  EXPECT_EQ(result->duplicates_dropped, 0u);
  EXPECT_EQ(result->block.spans, generated.size());
  EXPECT_GT(result->block.row_groups, 1u);
  f.ExpectOutput(*result);
}

TEST(CompactBlocks, DropsExactDuplicatesAcrossAndWithinInputs) {
  SpanBatch generated;
  TraceGenerator generator(9);
  generator.Fill(generated, 3000);
  // Input 0: everything. Input 1: every third span again (a retried request). Input 2: a batch
  // holding every fifth span twice (duplicated within one block).
  std::vector<uint32_t> thirds, fifths;
  for (uint32_t i = 0; i < generated.size(); ++i) {
    if (i % 3 == 0) thirds.push_back(i);
    if (i % 5 == 0) {
      fifths.push_back(i);
      fifths.push_back(i);
    }
  }
  CompactionFixture f;
  f.AddInput(Pick(generated, All(generated)));
  f.AddInput(Pick(generated, thirds));
  f.AddInput(Pick(generated, fifths));
  absl::StatusOr<CompactionResult> result = f.Compact();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->duplicates_dropped, thirds.size() + fifths.size());
  EXPECT_EQ(result->block.spans, generated.size());
  f.ExpectOutput(*result);
}

TEST(CompactBlocks, KeepsSharedIdSpansThatDiffer) {
  // Zipkin: the client and the server side of a call share one span id.
  SpanBatch generated;
  TraceGenerator generator(13);
  generator.NextTrace(generated);
  auto server = Pick(generated, {0});
  auto client = Pick(generated, {0});
  Span& c = client->mutable_spans()[0];
  c.kind = SpanKind::kClient;
  c.start_time_unix_nano -= 1000;
  CompactionFixture f;
  f.AddInput(std::move(server));
  f.AddInput(std::move(client));
  f.AddInput(Pick(generated, {0}));  // the server span once more: an exact duplicate
  absl::StatusOr<CompactionResult> result = f.Compact();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->input_spans, 3u);
  EXPECT_EQ(result->duplicates_dropped, 1u);
  EXPECT_EQ(result->traces_joined, 1u);
  EXPECT_EQ(result->block.spans, 2u);
  f.ExpectOutput(*result);
}

TEST(CompactBlocks, JoinsLargeTraceCutIntoPieces) {
  // A 10k-span trace: its first 6,000 spans in one block (cut into row-group pieces there), the
  // rest in another, next to unrelated traces.
  std::unique_ptr<SpanBatch> large = testing::LargeTrace(10'000, 3);
  std::vector<uint32_t> head(6000), tail(4000);
  std::iota(head.begin(), head.end(), 0);
  std::iota(tail.begin(), tail.end(), 6000);
  SpanBatch other;
  TraceGenerator generator(17);
  generator.Fill(other, 2000);
  auto first = Pick(*large, head);
  first->CopySpansFrom(other, All(other));
  CompactionFixture f;
  f.AddInput(std::move(first), /*row_group_spans=*/2500);
  f.AddInput(Pick(*large, tail), /*row_group_spans=*/2500);
  absl::StatusOr<CompactionResult> result = f.Compact(/*row_group_spans=*/3000);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->traces_joined, 1u);
  EXPECT_EQ(result->block.spans, 10'000u + other.size());
  f.ExpectOutput(*result);
}

TEST(CompactBlocks, EdgeCasesSurviveEveryField) {
  std::unique_ptr<SpanBatch> edge = testing::EdgeCaseBatch();
  CompactionFixture f;
  f.AddInput(Pick(*edge, All(*edge)), /*row_group_spans=*/3);
  f.AddInput(Pick(*edge, All(*edge)));
  absl::StatusOr<CompactionResult> result = f.Compact(/*row_group_spans=*/2);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GE(result->duplicates_dropped, edge->size());
  f.ExpectOutput(*result);
}

TEST(CompactBlocks, OneInputAndEmptyInputs) {
  SpanBatch generated;
  TraceGenerator generator(19);
  generator.Fill(generated, 500);
  CompactionFixture f;
  f.AddInput(std::make_unique<SpanBatch>());  // an empty block
  f.AddInput(Pick(generated, All(generated)));
  absl::StatusOr<CompactionResult> result = f.Compact();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->traces_joined, 0u);
  f.ExpectOutput(*result);

  CompactionFixture empty;
  empty.AddInput(std::make_unique<SpanBatch>());
  result = empty.Compact();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->block.spans, 0u);
  empty.ExpectOutput(*result);
}

TEST(CompactBlocks, RejectsBadInputs) {
  SpanBatch generated;
  TraceGenerator generator(23);
  generator.Fill(generated, 100);
  CompactionFixture f;
  f.AddInput(Pick(generated, All(generated)));
  f.AddInput(Pick(generated, All(generated)), 8192, "globex");
  absl::StatusOr<CompactionResult> result = f.Compact();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  EXPECT_NE(result.status().message().find("globex"), std::string::npos) << result.status();
  EXPECT_FALSE(PosixFileSystem().Exists(f.dir().File("out.block")));

  result = CompactBlocks(PosixFileSystem(), {}, f.dir().File("out.block"), {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();

  const std::vector<const BlockReader*> inputs = f.inputs();
  result = CompactBlocks(PosixFileSystem(), std::span(inputs).first(1), inputs[0]->info().path, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
}

TEST(CompactBlocks, CancelledMergeLeavesNoOutput) {
  SpanBatch generated;
  TraceGenerator generator(31);
  generator.Fill(generated, 1000);
  CompactionFixture f;
  f.AddInput(Pick(generated, All(generated)));
  f.AddInput(Pick(generated, All(generated)));
  const std::atomic<bool> cancel{true};
  const std::vector<const BlockReader*> inputs = f.inputs();
  absl::StatusOr<CompactionResult> result =
      CompactBlocks(PosixFileSystem(), inputs, f.dir().File("out.block"), {}, &cancel);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled) << result.status();
  EXPECT_FALSE(PosixFileSystem().Exists(f.dir().File("out.block")));
  EXPECT_FALSE(PosixFileSystem().Exists(f.dir().File("out.block.tmp")));
}

TEST(CompactBlocks, CorruptInputLeavesNoOutput) {
  SpanBatch generated;
  TraceGenerator generator(29);
  generator.Fill(generated, 3000);
  CompactionFixture f;
  f.AddInput(Pick(generated, All(generated)), /*row_group_spans=*/1000);
  f.AddInput(Pick(generated, All(generated)));
  {
    // Flip a byte inside the row groups of the first input (opened already: found on read).
    std::fstream file(f.dir().File("in0.block"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(100);
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x40);
    file.seekp(100);
    file.write(&byte, 1);
  }
  absl::StatusOr<CompactionResult> result = f.Compact();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss) << result.status();
  EXPECT_FALSE(PosixFileSystem().Exists(f.dir().File("out.block")));
  EXPECT_FALSE(PosixFileSystem().Exists(f.dir().File("out.block.tmp")));
}

TEST(CompactBlocks, CompactingTheOutputAgainChangesNothing) {
  SpanBatch generated;
  TraceGenerator generator(31);
  generator.Fill(generated, 2000);
  CompactionFixture f;
  f.AddInput(Pick(generated, All(generated)));
  f.AddInput(Pick(generated, All(generated)));
  absl::StatusOr<CompactionResult> first = f.Compact(8192, "once.block");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<BlockReader>> once =
      BlockReader::Open(PosixFileSystem(), first->block.path);
  ASSERT_TRUE(once.ok()) << once.status();
  const BlockReader* inputs[] = {once->get()};
  absl::StatusOr<CompactionResult> second =
      CompactBlocks(PosixFileSystem(), inputs, f.dir().File("twice.block"), {});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->duplicates_dropped, 0u);
  EXPECT_EQ(second->block.spans, first->block.spans);
  EXPECT_EQ(second->block.bytes, first->block.bytes);
}

}  // namespace
}  // namespace weft::storage::embedded
