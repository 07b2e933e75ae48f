// BlockWriter under a failing disk (common/fault_injecting_file_system.h): a failed write, sync or
// directory sync leaves no block and no temporary file behind; a finished block survives a power
// cut.
#include <memory>
#include <string>

#include "common/fault_injecting_file_system.h"
#include "common/file_system.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_test_util.h"
#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {
namespace {

class BlockWriterFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TraceGenerator generator(12);
    generator.Fill(spans_, 20'000);
  }

  absl::StatusOr<BlockInfo> Write(FileSystem& fs, const std::string& name) {
    const SpanBatch* batches[] = {&spans_};
    BlockWriterOptions options;
    options.row_group_spans = 2048;
    return WriteBlock(fs, dir_.File(name), batches, options);
  }

  testing::ScratchDir dir_;
  SpanBatch spans_;
};

TEST_F(BlockWriterFaultsTest, DiskFullLeavesNothingBehind) {
  FaultInjectingFileSystem fs(PosixFileSystem());
  for (uint64_t cap : {0ull, 16ull, 5000ull, 100'000ull, 250'000ull}) {
    fs.SetAppendByteLimit(fs.counters().bytes_appended + cap);
    absl::StatusOr<BlockInfo> info = Write(fs, "full.block");
    if (info.ok()) continue;  // the cap was above the block's size
    EXPECT_EQ(info.status().code(), absl::StatusCode::kResourceExhausted) << info.status();
    EXPECT_FALSE(fs.Exists(dir_.File("full.block")));
    EXPECT_FALSE(fs.Exists(dir_.File("full.block.tmp")));
  }
  fs.SetAppendByteLimit(std::nullopt);  // space returns
  absl::StatusOr<BlockInfo> info = Write(fs, "full.block");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(BlockReader::Open(fs, dir_.File("full.block")).ok());
}

TEST_F(BlockWriterFaultsTest, FailedSyncsLeaveNoBlock) {
  FaultInjectingFileSystem fs(PosixFileSystem());
  for (FaultOp op : {FaultOp::kSync, FaultOp::kSyncDir, FaultOp::kCreate, FaultOp::kAppend}) {
    fs.FailNext(op, 1, Fault::kIoError);
    absl::StatusOr<BlockInfo> info = Write(fs, "io.block");
    EXPECT_FALSE(info.ok());
    EXPECT_FALSE(fs.Exists(dir_.File("io.block.tmp")));
    EXPECT_FALSE(fs.Exists(dir_.File("io.block")));
  }
}

TEST_F(BlockWriterFaultsTest, FinishedBlockSurvivesPowerCut) {
  FaultInjectingFileSystem fs(PosixFileSystem());
  ASSERT_TRUE(Write(fs, "durable.block").ok());
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  absl::StatusOr<std::unique_ptr<BlockReader>> reader =
      BlockReader::Open(PosixFileSystem(), dir_.File("durable.block"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->Verify().ok());
  EXPECT_EQ((*reader)->info().spans, spans_.size());
}

}  // namespace
}  // namespace weft::storage::embedded
