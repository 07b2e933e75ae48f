// Round trips through BlockWriter and BlockReader: every field of every span comes back exactly.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/random.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_test_util.h"
#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {
namespace {

using testing::ExpectSameSpans;
using testing::GroupByTrace;
using testing::ScratchDir;

std::unique_ptr<BlockReader> WriteAndOpen(const std::string& path,
                                          std::vector<const SpanBatch*> batches,
                                          const BlockWriterOptions& options) {
  absl::StatusOr<BlockInfo> info = WriteBlock(PosixFileSystem(), path, batches, options);
  EXPECT_TRUE(info.ok()) << info.status();
  absl::StatusOr<std::unique_ptr<BlockReader>> reader = BlockReader::Open(PosixFileSystem(), path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? std::move(*reader) : nullptr;
}

void ExpectEveryTraceRoundTrips(const SpanBatch& input, const BlockReader& reader) {
  for (const auto& [trace_id, indexes] : GroupByTrace(input)) {
    absl::StatusOr<std::unique_ptr<SpanBatch>> found = reader.FindTrace(trace_id);
    ASSERT_TRUE(found.ok()) << found.status();
    ExpectSameSpans(input, indexes, **found);
  }
}

TEST(BlockRoundTrip, GeneratedTraces) {
  ScratchDir dir;
  SpanBatch input;
  TraceGenerator generator(7);
  for (int i = 0; i < 3000; ++i) generator.NextTrace(input);
  BlockWriterOptions options;
  options.row_group_spans = 2048;
  options.tenant = "acme";
  auto reader = WriteAndOpen(dir.File("b.block"), {&input}, options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->info().spans, input.size());
  EXPECT_EQ(reader->info().traces, 3000u);
  EXPECT_EQ(reader->info().tenant, "acme");
  EXPECT_GE(reader->info().row_groups, input.size() / 2048);
  uint64_t min_start = UINT64_MAX, max_end = 0;
  for (const Span& s : input.spans()) {
    min_start = std::min(min_start, s.start_time_unix_nano);
    max_end = std::max(max_end, s.end_time_unix_nano);
  }
  EXPECT_EQ(reader->info().min_time_unix_nanos, min_start);
  EXPECT_EQ(reader->info().max_time_unix_nanos, max_end);
  ExpectEveryTraceRoundTrips(input, *reader);
  EXPECT_TRUE(reader->Verify().ok());
}

TEST(BlockRoundTrip, EdgeCases) {
  ScratchDir dir;
  std::unique_ptr<SpanBatch> input = testing::EdgeCaseBatch();
  auto reader = WriteAndOpen(dir.File("edge.block"), {input.get()}, {});
  ASSERT_NE(reader, nullptr);
  ExpectEveryTraceRoundTrips(*input, *reader);
  EXPECT_TRUE(reader->Verify().ok());
}

TEST(BlockRoundTrip, EdgeCasesInTinyRowGroups) {
  // One span per row group: every trace is cut into pieces, parents cross row groups.
  ScratchDir dir;
  std::unique_ptr<SpanBatch> input = testing::EdgeCaseBatch();
  BlockWriterOptions options;
  options.row_group_spans = 1;
  auto reader = WriteAndOpen(dir.File("tiny.block"), {input.get()}, options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->info().row_groups, input->size());
  ExpectEveryTraceRoundTrips(*input, *reader);
}

TEST(BlockRoundTrip, LargeTraceAcrossRowGroups) {
  ScratchDir dir;
  std::unique_ptr<SpanBatch> large = testing::LargeTrace(10'008, 3);
  SpanBatch others;
  TraceGenerator generator(11);
  generator.Fill(others, 5000);
  BlockWriterOptions options;
  options.row_group_spans = 4096;
  auto reader = WriteAndOpen(dir.File("large.block"), {large.get(), &others}, options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->info().spans, large->size() + others.size());
  EXPECT_GE(reader->info().row_groups, 4u);
  ExpectEveryTraceRoundTrips(*large, *reader);
  ExpectEveryTraceRoundTrips(others, *reader);
  EXPECT_TRUE(reader->Verify().ok());
}

TEST(BlockRoundTrip, TraceSpreadOverBatches) {
  // WriteBlock joins a trace's spans from several batches, batch by batch.
  ScratchDir dir;
  SpanBatch a, b;
  TraceGenerator generator(5);
  generator.Fill(a, 500);
  const uint32_t n = static_cast<uint32_t>(a.size());
  std::vector<uint32_t> second_half;
  for (uint32_t i = n / 2; i < n; ++i) second_half.push_back(i);
  b.CopySpansFrom(a, second_half);
  SpanBatch first;
  std::vector<uint32_t> first_half;
  for (uint32_t i = 0; i < n / 2; ++i) first_half.push_back(i);
  first.CopySpansFrom(a, first_half);
  auto reader = WriteAndOpen(dir.File("spread.block"), {&first, &b}, {});
  ASSERT_NE(reader, nullptr);
  ExpectEveryTraceRoundTrips(a, *reader);
}

TEST(BlockRoundTrip, ServicesAndOperations) {
  ScratchDir dir;
  SpanBatch input;
  TraceGenerator generator(9);
  generator.Fill(input, 20'000);
  std::unique_ptr<SpanBatch> edge = testing::EdgeCaseBatch();
  auto reader = WriteAndOpen(dir.File("ops.block"), {&input, edge.get()}, {});
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> services;
  std::vector<std::pair<std::string, SpanKind>> checkout_ops;
  for (const SpanBatch* batch :
       {static_cast<const SpanBatch*>(&input), static_cast<const SpanBatch*>(edge.get())}) {
    for (const Span& span : batch->spans()) {
      const std::string service(ServiceName(batch->resource_of(span)));
      if (!service.empty()) services.push_back(service);
      if (service == "checkout") checkout_ops.emplace_back(std::string(span.name), span.kind);
    }
  }
  std::sort(services.begin(), services.end());
  services.erase(std::unique(services.begin(), services.end()), services.end());
  EXPECT_EQ(reader->Services(), services);
  std::sort(checkout_ops.begin(), checkout_ops.end());
  checkout_ops.erase(std::unique(checkout_ops.begin(), checkout_ops.end()), checkout_ops.end());
  std::vector<storage::OperationName> expected;
  for (const auto& [name, kind] : checkout_ops) expected.push_back({name, kind});
  EXPECT_EQ(reader->Operations("checkout"), expected);
  EXPECT_TRUE(reader->Operations("no such service").empty());
}

TEST(BlockWriter, RejectsTracesOutOfOrderAndMixedTraces) {
  ScratchDir dir;
  SpanBatch input;
  TraceGenerator generator(1);
  generator.NextTrace(input);
  generator.NextTrace(input);
  auto groups = GroupByTrace(input);
  std::vector<std::pair<TraceId, std::vector<uint32_t>>> sorted(groups.begin(), groups.end());
  std::sort(sorted.begin(), sorted.end());
  {
    auto writer = BlockWriter::Create(PosixFileSystem(), dir.File("order.block"));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->AddTrace(input, sorted[1].second).ok());
    EXPECT_EQ((*writer)->AddTrace(input, sorted[0].second).code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE((*writer)->Finish().ok());
  }
  EXPECT_FALSE(PosixFileSystem().Exists(dir.File("order.block")));
  EXPECT_FALSE(PosixFileSystem().Exists(dir.File("order.block.tmp")));
  {
    auto writer = BlockWriter::Create(PosixFileSystem(), dir.File("mixed.block"));
    ASSERT_TRUE(writer.ok());
    const std::vector<uint32_t> mixed = {sorted[0].second[0], sorted[1].second[0]};
    EXPECT_EQ((*writer)->AddTrace(input, mixed).code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(BlockWriter, BlockAppearsOnlyWhenFinished) {
  ScratchDir dir;
  SpanBatch input;
  TraceGenerator generator(2);
  generator.NextTrace(input);
  auto writer = BlockWriter::Create(PosixFileSystem(), dir.File("x.block"));
  ASSERT_TRUE(writer.ok());
  std::vector<uint32_t> all(input.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  ASSERT_TRUE((*writer)->AddTrace(input, all).ok());
  EXPECT_FALSE(PosixFileSystem().Exists(dir.File("x.block")));
  absl::StatusOr<BlockInfo> info = (*writer)->Finish();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(PosixFileSystem().Exists(dir.File("x.block")));
  EXPECT_FALSE(PosixFileSystem().Exists(dir.File("x.block.tmp")));
  EXPECT_EQ(*PosixFileSystem().FileSize(dir.File("x.block")), info->bytes);
}

TEST(BlockRoundTrip, EmptyBlock) {
  ScratchDir dir;
  auto reader = WriteAndOpen(dir.File("empty.block"), {}, {});
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->info().spans, 0u);
  absl::StatusOr<std::unique_ptr<SpanBatch>> found = reader->FindTrace(TraceId::Random());
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE((*found)->empty());
  absl::StatusOr<storage::FetchResult> scan = reader->Scan({});
  ASSERT_TRUE(scan.ok());
  EXPECT_TRUE(scan->traces.empty());
  EXPECT_TRUE(reader->Verify().ok());
}

}  // namespace
}  // namespace weft::storage::embedded

namespace weft::storage::embedded {
namespace {

TEST(BlockTraceCursor, WalksEveryTraceInOrder) {
  testing::ScratchDir dir;
  std::unique_ptr<SpanBatch> large = testing::LargeTrace(10'008, 21);
  std::unique_ptr<SpanBatch> edge = testing::EdgeCaseBatch();
  SpanBatch generated;
  TraceGenerator generator(31);
  generator.Fill(generated, 8000);
  BlockWriterOptions options;
  options.row_group_spans = 3000;
  auto reader =
      WriteAndOpen(dir.File("cursor.block"), {&generated, large.get(), edge.get()}, options);
  ASSERT_NE(reader, nullptr);
  std::map<TraceId, std::pair<const SpanBatch*, std::vector<uint32_t>>> expected;
  for (const SpanBatch* batch :
       {static_cast<const SpanBatch*>(&generated), static_cast<const SpanBatch*>(large.get()),
        static_cast<const SpanBatch*>(edge.get())}) {
    for (const auto& [id, indexes] : GroupByTrace(*batch)) expected[id] = {batch, indexes};
  }
  std::unique_ptr<BlockTraceCursor> cursor = reader->NewTraceCursor();
  auto it = expected.begin();
  TraceId id;
  std::unique_ptr<SpanBatch> spans;
  while (true) {
    absl::StatusOr<bool> more = cursor->Next(&id, &spans);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ASSERT_NE(it, expected.end());
    ASSERT_EQ(id, it->first);
    ExpectSameSpans(*it->second.first, it->second.second, *spans);
    ++it;
  }
  EXPECT_EQ(it, expected.end());
}

// Regression: every trace the cursor returned used to copy-table the block's whole span-name and
// key dictionaries (two vectors of their size per trace), so walking a block whose names or keys
// are high-cardinality ("GET /users/12345") cost traces x dictionary: quadratic in block size.
// Counted as work (interner slots initialized), not wall time.
TEST(BlockTraceCursor, WalkIsNotQuadraticInDistinctSpanNamesAndKeys) {
  constexpr uint32_t kTraces = 40'000;
  testing::ScratchDir dir;
  SpanBatch input;
  Arena& arena = input.arena();
  const uint32_t scope = input.AddScope(input.AddResource(Resource{}), InstrumentationScope{});
  RandomGenerator rng(17);
  std::map<TraceId, uint32_t> number_of;
  for (uint32_t i = 0; i < kTraces; ++i) {
    Span span;
    span.trace_id = TraceId::Random(rng);
    span.span_id = SpanId::Random(rng);
    span.name = arena.CopyString("GET /users/" + std::to_string(i));
    span.start_time_unix_nano = 1'000'000 + i;
    span.end_time_unix_nano = span.start_time_unix_nano + 10;
    span.scope_index = scope;
    auto* attribute = static_cast<KeyValue*>(arena.Allocate(sizeof(KeyValue), alignof(KeyValue)));
    new (attribute) KeyValue{arena.CopyString("app.k" + std::to_string(i)), AnyValue::Int(i)};
    span.attributes = {attribute, 1};
    input.AddSpan(span);
    number_of[span.trace_id] = i;
  }
  auto reader = WriteAndOpen(dir.File("names.block"), {&input}, {});
  ASSERT_NE(reader, nullptr);

  std::unique_ptr<BlockTraceCursor> cursor = reader->NewTraceCursor();
  TraceId id;
  std::unique_ptr<SpanBatch> spans;
  uint32_t traces = 0;
  while (true) {
    absl::StatusOr<bool> more = cursor->Next(&id, &spans);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ++traces;
    ASSERT_EQ(spans->size(), 1u);
    const Span& span = spans->spans()[0];
    const std::string n = std::to_string(number_of.at(id));
    ASSERT_EQ(span.name, "GET /users/" + n);
    ASSERT_EQ(span.attributes.size(), 1u);
    ASSERT_EQ(span.attributes[0].key, "app.k" + n);
  }
  EXPECT_EQ(traces, kTraces);
  // The two interners' tables are sized once per cursor and reused; the old code initialized
  // 80,000 slots per trace (3.2 billion in all).
  const uint64_t walk_slots = reader->stats().interner_slots;
  EXPECT_LE(walk_slots, 1'000u);

  // FindTrace pays per trace too, not per dictionary entry.
  int lookups = 0;
  for (const auto& [trace_id, number] : number_of) {
    if (number % 400 != 0) continue;
    absl::StatusOr<std::unique_ptr<SpanBatch>> found = reader->FindTrace(trace_id);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_EQ((*found)->size(), 1u);
    EXPECT_EQ((*found)->spans()[0].name, "GET /users/" + std::to_string(number));
    ++lookups;
  }
  EXPECT_EQ(lookups, 100);
  EXPECT_LE(reader->stats().interner_slots - walk_slots, lookups * 64u);
}

}  // namespace
}  // namespace weft::storage::embedded
