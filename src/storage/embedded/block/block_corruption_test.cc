// Damaged blocks: a flipped bit anywhere is detected — when the block is opened, or when the
// chunk holding it is read — as DataLoss naming the block; a truncated file never opens. Nothing
// crashes and no read returns different data silently.
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/random.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_test_util.h"
#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class BlockCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TraceGenerator generator(99);
    generator.Fill(spans_, 3000);
    const SpanBatch* batches[] = {&spans_};
    BlockWriterOptions options;
    options.row_group_spans = 700;
    ASSERT_TRUE(WriteBlock(PosixFileSystem(), dir_.File("good.block"), batches, options).ok());
    good_ = ReadAll(dir_.File("good.block"));
    ASSERT_GT(good_.size(), 1000u);
    groups_ = testing::GroupByTrace(spans_);
  }

  // Opens `bytes` as a block and reads everything; expects either the exact original data or a
  // DataLoss error, and returns whether any error was reported.
  bool ReadsDetectDamage(const std::string& bytes, std::string* message) {
    const std::string path = dir_.File("bad.block");
    WriteAll(path, bytes);
    absl::StatusOr<std::unique_ptr<BlockReader>> reader =
        BlockReader::Open(PosixFileSystem(), path);
    if (!reader.ok()) {
      EXPECT_EQ(reader.status().code(), absl::StatusCode::kDataLoss) << reader.status();
      *message = std::string(reader.status().message());
      return true;
    }
    bool detected = false;
    for (const auto& [trace_id, indexes] : groups_) {
      absl::StatusOr<std::unique_ptr<SpanBatch>> trace = (*reader)->FindTrace(trace_id);
      if (!trace.ok()) {
        EXPECT_EQ(trace.status().code(), absl::StatusCode::kDataLoss) << trace.status();
        *message = std::string(trace.status().message());
        detected = true;
        continue;
      }
      testing::ExpectSameSpans(spans_, indexes, **trace);
    }
    absl::Status verify = (*reader)->Verify();
    if (!verify.ok()) {
      EXPECT_EQ(verify.code(), absl::StatusCode::kDataLoss) << verify;
      if (message->empty()) *message = std::string(verify.message());
      detected = true;
    }
    storage::FetchRequest request;
    request.limit = 1000;
    absl::StatusOr<storage::FetchResult> scan = (*reader)->Scan(request);
    if (!scan.ok()) {
      EXPECT_EQ(scan.status().code(), absl::StatusCode::kDataLoss) << scan.status();
    }
    return detected;
  }

  testing::ScratchDir dir_;
  SpanBatch spans_;
  std::string good_;
  absl::flat_hash_map<TraceId, std::vector<uint32_t>, IdHash> groups_;
};

TEST_F(BlockCorruptionTest, IntactBlockReadsBack) {
  std::string message;
  EXPECT_FALSE(ReadsDetectDamage(good_, &message)) << message;
}

TEST_F(BlockCorruptionTest, EveryFlippedBitIsDetected) {
  // Every byte of the header and footer, and a spread of positions through the chunks, the meta
  // section and the bloom filter; a different bit each time.
  std::vector<size_t> positions;
  for (size_t i = 0; i < block::kBlockHeaderSize; ++i) positions.push_back(i);
  for (size_t i = good_.size() - block::kBlockFooterSize; i < good_.size(); ++i) {
    positions.push_back(i);
  }
  RandomGenerator rng(5);
  for (int i = 0; i < 400; ++i) positions.push_back(rng.Next() % good_.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    std::string bad = good_;
    bad[positions[i]] = static_cast<char>(bad[positions[i]] ^ (1 << (i % 8)));
    std::string message;
    EXPECT_TRUE(ReadsDetectDamage(bad, &message)) << "flip at byte " << positions[i];
    EXPECT_NE(message.find("bad.block"), std::string::npos) << message;
  }
}

TEST_F(BlockCorruptionTest, DamagedChunkIsNamed) {
  // A byte in the middle of the first row group lies in some column chunk: the error names it.
  std::string bad = good_;
  bad[block::kBlockHeaderSize + 40] ^= 0x10;
  std::string message;
  EXPECT_TRUE(ReadsDetectDamage(bad, &message));
  EXPECT_NE(message.find("row group 0, column "), std::string::npos) << message;
  EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << message;
}

TEST_F(BlockCorruptionTest, TruncatedFilesNeverOpen) {
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 200 && n < good_.size(); ++n) lengths.push_back(n);
  for (size_t n = good_.size() - 200; n < good_.size(); ++n) lengths.push_back(n);
  for (size_t n = 0; n < good_.size(); n += good_.size() / 97 + 1) lengths.push_back(n);
  for (size_t n : lengths) {
    WriteAll(dir_.File("short.block"), good_.substr(0, n));
    absl::StatusOr<std::unique_ptr<BlockReader>> reader =
        BlockReader::Open(PosixFileSystem(), dir_.File("short.block"));
    ASSERT_FALSE(reader.ok()) << "opened a block cut to " << n << " bytes";
    EXPECT_EQ(reader.status().code(), absl::StatusCode::kDataLoss) << reader.status();
  }
}

TEST_F(BlockCorruptionTest, AppendedGarbageIsDetected) {
  std::string message;
  EXPECT_TRUE(ReadsDetectDamage(good_ + "garbage", &message));
}

TEST_F(BlockCorruptionTest, NewerVersionIsFailedPrecondition) {
  // A block written by a later format version (footer and header agree): not corruption.
  std::string newer = good_;
  newer[8] = 2;  // header version
  const size_t footer = newer.size() - block::kBlockFooterSize;
  newer[footer + 60] = 2;  // footer version, then its checksum
  const std::string checksum_input = newer.substr(footer, 64);
  const uint64_t sum = block::Checksum(checksum_input);
  for (int i = 0; i < 8; ++i) newer[footer + 64 + i] = static_cast<char>(sum >> (8 * i));
  WriteAll(dir_.File("newer.block"), newer);
  absl::StatusOr<std::unique_ptr<BlockReader>> reader =
      BlockReader::Open(PosixFileSystem(), dir_.File("newer.block"));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition) << reader.status();
}

TEST(BlockOpen, MissingFileIsNotFound) {
  testing::ScratchDir dir;
  EXPECT_EQ(BlockReader::Open(PosixFileSystem(), dir.File("none.block")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace weft::storage::embedded
