// A corrupt block under a running `weft serve --storage embedded`: two sets of traces are written
// in two runs (stopped cleanly, so each run leaves its own block), one bit is flipped in the middle
// of one block, and the server is started again. Every trace of the intact block must still be
// served exactly; the server must not crash; the corrupt block must be reported (a log line
// naming it, weft_store_blocks_quarantined_total) and moved to DIR/quarantine/<tenant>/; what is
// served of a trace in the corrupt block is never wrong (a subset of its spans, or nothing).
// Thread rule: one test thread.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/file_system.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "model/span_batch.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/store/data_dir.h"
#include "subprocess.h"
#include "trace_roundtrip.h"

namespace weft::faults {
namespace {

using storage::embedded::BlockFileRef;
using weft::testing::HttpRequest;
using weft::testing::ServerProcess;

constexpr char kTenant[] = "single-tenant";  // what the server uses when no tenant is sent
constexpr int kTracesPerSet = 120;

uint64_t NowUnixNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string Lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class CorruptBlockTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> StartServer() {
    return std::make_unique<ServerProcess>(
        WEFT_BINARY, std::vector<std::string>{"--storage", "embedded", "--data-dir", dir_.path(),
                                              "--head-idle", "200ms"});
  }

  // Starts the server, writes `traces` new traces in one request, stops it cleanly.
  void WriteSetInOneRun(uint64_t seed, TraceKeys& set) {
    std::unique_ptr<ServerProcess> server = StartServer();
    ASSERT_TRUE(server->ready()) << server->output();
    TraceGeneratorOptions options;
    options.start_time_unix_nano = NowUnixNanos();
    TraceGenerator generator(seed, options);
    SpanBatch batch;
    for (int i = 0; i < kTracesPerSet; ++i) generator.NextTrace(batch);
    std::string body;
    ASSERT_EQ(PostTraces(server->port("otlp-http"), batch, &body), 200) << body;
    set = KeysByTrace(batch);
    ASSERT_EQ(server->Stop(), 0) << server->output();
  }

  std::vector<BlockFileRef> Blocks(bool quarantined = false) {
    absl::StatusOr<std::vector<BlockFileRef>> blocks =
        storage::embedded::ListBlockFiles(PosixFileSystem(), dir_.path(), quarantined);
    EXPECT_TRUE(blocks.ok()) << blocks.status();
    return blocks.ok() ? *blocks : std::vector<BlockFileRef>{};
  }

  // The trace ids each block holds, read from the files.
  std::map<std::string, std::vector<TraceId>> TracesByBlock() {
    std::map<std::string, std::vector<TraceId>> out;
    for (const BlockFileRef& ref : Blocks()) {
      auto reader = storage::embedded::BlockReader::Open(PosixFileSystem(), ref.path);
      EXPECT_TRUE(reader.ok()) << reader.status();
      if (!reader.ok()) continue;
      auto cursor = (*reader)->NewTraceCursor();
      TraceId id;
      std::unique_ptr<SpanBatch> spans;
      for (;;) {
        absl::StatusOr<bool> more = cursor->Next(&id, &spans);
        EXPECT_TRUE(more.ok()) << more.status();
        if (!more.ok() || !*more) break;
        out[ref.path].push_back(id);
      }
    }
    return out;
  }

  ScratchDir dir_{"corrupt_block"};
};

TEST_F(CorruptBlockTest, IntactBlocksAreServedAndTheCorruptOneIsQuarantined) {
  TraceKeys set_a;
  TraceKeys set_b;
  WriteSetInOneRun(/*seed=*/1, set_a);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_FALSE(Blocks().empty()) << "a clean stop left no block under " << dir_.path();
  WriteSetInOneRun(/*seed=*/2, set_b);
  ASSERT_FALSE(HasFatalFailure());
  const std::map<std::string, std::vector<TraceId>> by_block = TracesByBlock();
  ASSERT_GE(by_block.size(), 2u) << "expected one block per run";

  // Corrupt the block holding the first trace of set A: one bit in the middle of the file.
  TraceKeys all = set_a;
  all.insert(set_b.begin(), set_b.end());
  std::string corrupt_path;
  for (const auto& [path, ids] : by_block) {
    if (std::find(ids.begin(), ids.end(), set_a.begin()->first) != ids.end()) corrupt_path = path;
  }
  ASSERT_FALSE(corrupt_path.empty());
  const uint64_t size = std::filesystem::file_size(corrupt_path);
  {
    std::fstream file(corrupt_path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(size / 2));
    char byte = 0;
    file.get(byte);
    file.seekp(static_cast<std::streamoff>(size / 2));
    file.put(static_cast<char>(byte ^ 0x10));
  }
  const std::string corrupt_name = std::filesystem::path(corrupt_path).filename().string();
  const absl::flat_hash_set<TraceId, IdHash> in_corrupt_block(by_block.at(corrupt_path).begin(),
                                                              by_block.at(corrupt_path).end());

  std::unique_ptr<ServerProcess> server = StartServer();
  ASSERT_TRUE(server->ready()) << server->output();
  int intact_served = 0;
  int corrupt_served = 0;
  for (const auto& [id, expected] : all) {
    const FetchedTrace got = FetchTrace(server->port("tempo"), id);
    if (!in_corrupt_block.contains(id)) {
      EXPECT_EQ(got.status, 200) << "trace " << id.ToHex() << " of an intact block: " << got.error;
      EXPECT_EQ(DiffKeys(expected, got.keys), "") << "trace " << id.ToHex();
      intact_served += got.status == 200;
      continue;
    }
    // Never wrong data: all of it (read before the bad chunk was touched), part, or nothing.
    ASSERT_NE(got.status, 0) << "the server died on trace " << id.ToHex() << ":\n"
                             << server->output();
    if (got.status == 200) {
      EXPECT_TRUE(IsSubset(expected, got.keys)) << "trace " << id.ToHex() << " served altered";
      ++corrupt_served;
    }
  }
  std::printf("intact traces served: %d; traces of the corrupt block served: %d of %zu\n",
              intact_served, corrupt_served, in_corrupt_block.size());

  // Quarantine: counted, and the file moved (the move may trail the query that found it).
  const std::string quarantined =
      storage::embedded::QuarantineDir(dir_.path()) + "/" + kTenant + "/" + corrupt_name;
  for (int i = 0; i < 50 && !std::filesystem::exists(quarantined); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(std::filesystem::exists(quarantined)) << quarantined;
  EXPECT_FALSE(std::filesystem::exists(corrupt_path)) << corrupt_path;
  const testing::HttpResult metrics = HttpRequest(server->port("http"), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_GE(MetricSum(metrics.body, "weft_store_blocks_quarantined_total"), 1) << metrics.body;
  EXPECT_EQ(server->Stop(), 0) << server->output();

  bool reported = false;
  std::istringstream lines(server->output());
  for (std::string line; std::getline(lines, line);) {
    reported |= Lowercase(line).find("corrupt") != std::string::npos &&
                line.find(corrupt_name) != std::string::npos;
  }
  EXPECT_TRUE(reported) << "no log line with \"corrupt\" and " << corrupt_name << ":\n"
                        << server->output();

  // The next start serves the intact traces again and leaves the quarantined block alone.
  server = StartServer();
  ASSERT_TRUE(server->ready()) << server->output();
  for (const auto& [id, expected] : all) {
    if (in_corrupt_block.contains(id)) continue;
    const FetchedTrace got = FetchTrace(server->port("tempo"), id);
    EXPECT_EQ(DiffKeys(expected, got.keys), "") << "after restart, trace " << id.ToHex();
  }
  EXPECT_EQ(server->Stop(), 0) << server->output();
  EXPECT_TRUE(std::filesystem::exists(quarantined));
  EXPECT_EQ(Blocks(/*quarantined=*/true).size(), 1u);
}

}  // namespace
}  // namespace weft::faults
