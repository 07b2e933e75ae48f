// EmbeddedStore: reads from head and blocks, replay after a crash (with and without a power cut),
// no duplicates after a crash between a block's write and its WAL segments' removal, a corrupt
// block set aside while the rest is served, disk full answered with Unavailable and recovered
// from, a full head refusing writes, and the background thread cutting idle traces.
#include "storage/embedded/store/embedded_store.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/fault_injecting_file_system.h"
#include "gtest/gtest.h"
#include "storage/embedded/store/data_dir.h"
#include "storage/embedded/store/store_test_util.h"

namespace weft::storage::embedded {
namespace {

using testing::CollectIds;
using testing::FreshDir;
using testing::Generated;
using testing::SpanIdsByTrace;
using testing::TestOptions;
using testing::WriteSync;

constexpr std::string_view kTenant = "single-tenant";

std::unique_ptr<EmbeddedStore> OpenStore(EmbeddedStoreOptions options) {
  absl::StatusOr<std::unique_ptr<EmbeddedStore>> store = EmbeddedStore::Open(std::move(options));
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// Writes `batch`, remembering its span ids in `expected` when acknowledged.
absl::Status WriteRemembering(SpanStore& store, std::unique_ptr<SpanBatch> batch,
                              SpanIdsByTrace& expected) {
  SpanIdsByTrace ids;
  CollectIds(*batch, ids);
  absl::Status status = WriteSync(store, kTenant, std::move(batch));
  if (status.ok()) {
    for (auto& [trace, spans] : ids) expected[trace].insert(spans.begin(), spans.end());
  }
  return status;
}

// Every expected trace is found with exactly its spans, each once.
void ExpectAllFound(SpanStore& store, const SpanIdsByTrace& expected) {
  for (const auto& [trace, spans] : expected) {
    absl::StatusOr<std::unique_ptr<SpanBatch>> found =
        store.GetTrace(kTenant, *TraceId::FromHex(trace));
    ASSERT_TRUE(found.ok()) << found.status();
    SpanIdsByTrace got;
    CollectIds(**found, got);
    EXPECT_EQ(got[trace], spans) << "trace " << trace;
  }
}

size_t WalSegments(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(WalDir(dir))) {
    n += entry.path().extension() == ".wal";
  }
  return n;
}

TEST(EmbeddedStoreTest, ReadsFromTheHeadThenFromBlocks) {
  const std::string dir = FreshDir("head-then-blocks");
  auto store = OpenStore(TestOptions(dir));
  SpanIdsByTrace expected;
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(WriteRemembering(*store, Generated(i + 1, 500), expected).ok());
  EXPECT_EQ(store->stats().head.spans, 2500u);
  ExpectAllFound(*store, expected);

  ASSERT_TRUE(store->Flush().ok());
  const EmbeddedStoreStats stats = store->stats();
  EXPECT_EQ(stats.head.spans, 0u);
  EXPECT_EQ(stats.blocks, 1u);
  EXPECT_EQ(stats.cuts, 1u);
  EXPECT_LE(WalSegments(dir), 1u) << "segments whose spans are in blocks are deleted";
  ExpectAllFound(*store, expected);

  absl::StatusOr<std::vector<std::string>> services = store->Services(kTenant);
  ASSERT_TRUE(services.ok());
  EXPECT_EQ(services->size(), 6u);
}

TEST(EmbeddedStoreTest, OneProcessPerDirectory) {
  const std::string dir = FreshDir("locked");
  auto first = OpenStore(TestOptions(dir));
  absl::StatusOr<std::unique_ptr<EmbeddedStore>> second = EmbeddedStore::Open(TestOptions(dir));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("another process"), std::string::npos);
  first.reset();
  EXPECT_TRUE(EmbeddedStore::Open(TestOptions(dir)).ok()) << "released on close";
}

TEST(EmbeddedStoreTest, CleanCloseLeavesBlocksAndNoWalToReplay) {
  const std::string dir = FreshDir("clean-close");
  SpanIdsByTrace expected;
  {
    auto store = OpenStore(TestOptions(dir));
    ASSERT_TRUE(WriteRemembering(*store, Generated(7, 1000), expected).ok());
    ASSERT_TRUE(store->Close().ok());
    EXPECT_FALSE(WriteSync(*store, kTenant, Generated(8, 10)).ok()) << "closed";
  }
  auto store = OpenStore(TestOptions(dir));
  EXPECT_EQ(store->stats().replay.records, 0u);
  EXPECT_EQ(store->stats().blocks, 1u);
  ExpectAllFound(*store, expected);
}

// A crash: the process dies with spans in the head. Here: every file creation fails from now
// on, so the close cannot cut a block and the WAL keeps everything; `power_cut` also drops what
// was never synced.
void CrashAndRecover(bool power_cut) {
  const std::string dir = FreshDir(power_cut ? "power-cut" : "crash");
  SpanIdsByTrace expected;
  {
    FaultInjectingFileSystem faulty(PosixFileSystem());
    EmbeddedStoreOptions options = TestOptions(dir);
    options.fs = &faulty;
    options.wal_segment_bytes = 64 << 10;  // several segments
    auto store = OpenStore(options);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(WriteRemembering(*store, Generated(100 + i, 300), expected).ok());
    }
    ASSERT_TRUE(store->CutDue().ok());  // nothing is due yet: no block
    faulty.FailNext(FaultOp::kCreate, 1'000'000, Fault::kIoError);
    EXPECT_FALSE(store->Close().ok());
    if (power_cut) {
      ASSERT_TRUE(faulty.DropUnsyncedData().ok());
    }
  }
  auto store = OpenStore(TestOptions(dir));
  EXPECT_EQ(store->stats().replay.records, 20u);
  EXPECT_EQ(store->stats().head.spans, 6000u);
  ExpectAllFound(*store, expected);
}

TEST(EmbeddedStoreTest, ReplaysTheWalAfterACrash) { CrashAndRecover(false); }
TEST(EmbeddedStoreTest, AcknowledgedSpansSurviveAPowerCut) { CrashAndRecover(true); }

TEST(EmbeddedStoreTest, NoDuplicatesAfterACrashBetweenBlockAndWalRemoval) {
  const std::string dir = FreshDir("block-and-wal");
  const std::string saved = dir + "-saved-wal";
  std::filesystem::remove_all(saved);
  SpanIdsByTrace expected;
  {
    auto store = OpenStore(TestOptions(dir));
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(WriteRemembering(*store, Generated(200 + i, 400), expected).ok());
    }
    // The WAL as it was just before the block was written and the segments deleted.
    std::filesystem::copy(WalDir(dir), saved);
    ASSERT_TRUE(store->Close().ok());
  }
  std::filesystem::remove_all(WalDir(dir));
  std::filesystem::copy(saved, WalDir(dir));
  auto store = OpenStore(TestOptions(dir));
  EXPECT_EQ(store->stats().replay.records, 3u) << "the spans are in a block and replayed";
  ExpectAllFound(*store, expected);  // each span once
  ASSERT_TRUE(store->Flush().ok());
  ExpectAllFound(*store, expected);

  FetchRequest request;
  request.tenant = std::string(kTenant);
  request.whole_traces = true;
  request.limit = 5;
  absl::StatusOr<FetchResult> result = store->Fetch(request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->traces.size(), 5u);
  for (const TraceMatch& match : result->traces) {
    SpanIdsByTrace got;
    CollectIds(*match.spans, got);
    const std::string id = match.summary.trace_id.ToHex();
    EXPECT_EQ(got[id], expected[id]) << "whole trace, each span once";
  }
}

TEST(EmbeddedStoreTest, CorruptBlockIsSetAsideAndTheRestServed) {
  const std::string dir = FreshDir("corrupt");
  SpanIdsByTrace first, second;
  std::string first_block;
  {
    auto store = OpenStore(TestOptions(dir));
    ASSERT_TRUE(WriteRemembering(*store, Generated(300, 3000), first).ok());
    ASSERT_TRUE(store->Flush().ok());
    ASSERT_TRUE(WriteRemembering(*store, Generated(301, 3000), second).ok());
    ASSERT_TRUE(store->Close().ok());
    absl::StatusOr<std::vector<BlockFileRef>> files = ListBlockFiles(PosixFileSystem(), dir);
    ASSERT_TRUE(files.ok());
    ASSERT_EQ(files->size(), 2u);
    first_block = (*files)[0].path;
  }
  {  // One bit in the middle of the first block (a column chunk).
    std::fstream file(first_block, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(0, std::ios::end);
    const std::streamoff middle = file.tellg() / 2;
    file.seekg(middle);
    char byte = 0;
    file.read(&byte, 1);
    byte ^= 0x10;
    file.seekp(middle);
    file.write(&byte, 1);
  }
  MetricsRegistry metrics;
  std::vector<std::string> log;
  EmbeddedStoreOptions options = TestOptions(dir);
  options.metrics = &metrics;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto store = OpenStore(options);
  ExpectAllFound(*store, second);
  for (const auto& [trace, spans] : first) {  // served or not, never a crash or an error
    ASSERT_TRUE(store->GetTrace(kTenant, *TraceId::FromHex(trace)).ok());
  }
  EXPECT_EQ(store->stats().blocks, 1u);
  EXPECT_FALSE(std::filesystem::exists(first_block));
  EXPECT_TRUE(std::filesystem::exists(QuarantineDir(dir) + "/single-tenant/" +
                                      std::filesystem::path(first_block).filename().string()));
  EXPECT_NE(metrics.RenderPrometheus().find("weft_store_blocks_quarantined_total 1"),
            std::string::npos);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("corrupt"), std::string::npos) << log.back();
}

TEST(EmbeddedStoreTest, DiskFullIsUnavailableAndRecoversWhenSpaceReturns) {
  const std::string dir = FreshDir("disk-full");
  FaultInjectingFileSystem faulty(PosixFileSystem());
  EmbeddedStoreOptions options = TestOptions(dir);
  options.fs = &faulty;
  auto store = OpenStore(options);
  SpanIdsByTrace expected;
  ASSERT_TRUE(WriteRemembering(*store, Generated(400, 500), expected).ok());

  faulty.SetAppendByteLimit(faulty.counters().bytes_appended + 100);
  const absl::Status full = WriteRemembering(*store, Generated(401, 500), expected);
  EXPECT_TRUE(absl::IsUnavailable(full)) << full;
  EXPECT_NE(full.message().find("disk full"), std::string::npos) << full;
  EXPECT_FALSE(store->Flush().ok()) << "no room for a block either";

  faulty.SetAppendByteLimit(std::nullopt);
  ASSERT_TRUE(WriteRemembering(*store, Generated(402, 500), expected).ok());
  ASSERT_TRUE(store->Flush().ok());
  ExpectAllFound(*store, expected);
  ASSERT_TRUE(store->Close().ok());
  auto reopened = OpenStore(TestOptions(dir));
  ExpectAllFound(*reopened, expected);
}

TEST(EmbeddedStoreTest, AFullHeadThatCannotBeCutRefusesWrites) {
  const std::string dir = FreshDir("head-full");
  FaultInjectingFileSystem faulty(PosixFileSystem());
  EmbeddedStoreOptions options = TestOptions(dir);
  options.fs = &faulty;
  options.head.max_bytes = 256 << 10;
  auto store = OpenStore(options);
  SpanIdsByTrace expected;
  ASSERT_TRUE(WriteRemembering(*store, Generated(499, 10), expected).ok());  // the WAL segment
  faulty.FailNext(FaultOp::kCreate, 1'000'000, Fault::kIoError);  // blocks cannot be written
  absl::Status status;
  for (int i = 0; i < 100 && status.ok(); ++i) {
    status = WriteRemembering(*store, Generated(500 + i, 200), expected);
  }
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_LE(store->stats().head.bytes, 3 * options.head.max_bytes);
  faulty.FailNext(FaultOp::kCreate, 0, Fault::kIoError);
  ASSERT_TRUE(store->CutDue().ok());
  EXPECT_TRUE(WriteRemembering(*store, Generated(700, 200), expected).ok());
  ExpectAllFound(*store, expected);
}

TEST(EmbeddedStoreTest, CompactionMergesSmallBlocksAndDropsDuplicates) {
  const std::string dir = FreshDir("compaction");
  EmbeddedStoreOptions options = TestOptions(dir);
  options.compaction.min_inputs = 2;
  auto store = OpenStore(options);
  SpanIdsByTrace expected;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(WriteRemembering(*store, Generated(900 + i, 500), expected).ok());
    ASSERT_TRUE(store->Flush().ok());
  }
  // A client's retry of the first batch, cut into a block of its own.
  ASSERT_TRUE(WriteSync(*store, kTenant, Generated(900, 500)).ok());
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_EQ(store->stats().blocks, 5u);

  ASSERT_TRUE(store->Compact().ok());
  const EmbeddedStoreStats stats = store->stats();
  EXPECT_EQ(stats.blocks, 1u);
  EXPECT_EQ(stats.compactions, 1u);
  EXPECT_EQ(stats.duplicates_dropped, 500u);
  absl::StatusOr<std::vector<BlockFileRef>> files = ListBlockFiles(PosixFileSystem(), dir);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1u) << "the inputs are deleted";
  ExpectAllFound(*store, expected);
  EXPECT_TRUE(store->Compact().ok());
  EXPECT_EQ(store->stats().compactions, 1u) << "nothing left worth merging";
}

TEST(EmbeddedStoreTest, RetentionDeletesOldBlocksAndSaysWhy) {
  const std::string dir = FreshDir("retention");
  FakeClock clock;
  constexpr uint64_t kDay = 24ULL * 3600 * 1'000'000'000;
  std::vector<std::string> log;
  EmbeddedStoreOptions options = TestOptions(dir);
  options.clock = &clock;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto store = OpenStore(options);
  SpanIdsByTrace old_ids, new_ids;
  ASSERT_TRUE(
      WriteRemembering(*store, Generated(1000, 300, clock.NowUnixNanos() - 8 * kDay), old_ids)
          .ok());
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(
      WriteRemembering(*store, Generated(1001, 300, clock.NowUnixNanos() - kDay), new_ids).ok());
  ASSERT_TRUE(store->Flush().ok());

  ASSERT_TRUE(store->ApplyRetention().ok());
  EXPECT_EQ(store->stats().blocks, 1u);
  EXPECT_EQ(store->stats().blocks_deleted, 1u);
  ExpectAllFound(*store, new_ids);
  ASSERT_TRUE(store->GetTrace(kTenant, *TraceId::FromHex(old_ids.begin()->first)).ok());
  EXPECT_TRUE((*store->GetTrace(kTenant, *TraceId::FromHex(old_ids.begin()->first)))->empty());
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("retention: deleting"), std::string::npos) << log.back();
  EXPECT_NE(log.back().find("older than 168h"), std::string::npos) << log.back();
}

TEST(EmbeddedStoreTest, BackgroundThreadCutsIdleTraces) {
  const std::string dir = FreshDir("background");
  EmbeddedStoreOptions options = TestOptions(dir);
  options.background = true;
  options.head.idle_nanos = 50'000'000;
  options.maintenance_interval_nanos = 20'000'000;
  auto store = OpenStore(options);
  SpanIdsByTrace expected;
  ASSERT_TRUE(WriteRemembering(*store, Generated(800, 1000), expected).ok());
  for (int i = 0; i < 500 && store->stats().blocks == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store->stats().blocks, 1u);
  EXPECT_EQ(store->stats().head.spans, 0u);
  ExpectAllFound(*store, expected);
}

}  // namespace
}  // namespace weft::storage::embedded
