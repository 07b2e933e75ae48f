// Replay and recovery rules (docs/format/wal.md, "Recovery"), on segments written by a real Wal.
#include "storage/embedded/wal/wal_reader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/crc32c.h"
#include "common/varint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/embedded/wal/wal.h"
#include "storage/embedded/wal/wal_format.h"
#include "storage/embedded/wal/wal_test_util.h"

namespace weft::storage::embedded {
namespace {

using testing::DoneLog;
using ::testing::ElementsAre;
using testing::ReplayAll;
using testing::ScratchDir;

class WalReaderTest : public ::testing::Test {
 protected:
  // Appends `records` ("tenant|payload") through a Wal and closes it.
  void Write(const std::vector<std::pair<std::string, std::string>>& records,
             uint64_t segment_bytes = uint64_t{64} << 20) {
    WalOptions o;
    o.dir = dir_.path();
    o.segment_bytes = segment_bytes;
    auto wal = Wal::Open(o);
    ASSERT_TRUE(wal.ok()) << wal.status();
    DoneLog log(records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      (*wal)->Append(records[i].first, records[i].second, log.Done(i));
    }
    log.WaitFor(records.size());
    for (size_t i = 0; i < records.size(); ++i) ASSERT_TRUE(log.result(i).ok());
    ASSERT_TRUE((*wal)->Close().ok());
  }
  std::string Seg(uint64_t id) const { return dir_.File(SegmentFileName(id)); }
  void Put(const std::string& path, const std::string& bytes) {
    auto f = fs_.NewWritableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(bytes).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }

  FileSystem& fs_ = PosixFileSystem();
  ScratchDir dir_;
};

TEST_F(WalReaderTest, ReplayAfterCleanClose) {
  Write({{"a", "one"}, {"b", "two"}, {"", ""}, {"a", std::string(10000, 'x')}});
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->records, ElementsAre("a|one", "b|two", "|", "a|" + std::string(10000, 'x')));
  EXPECT_EQ(r->stats.segments, 1u);
  EXPECT_EQ(r->stats.records, 4u);
  EXPECT_EQ(r->stats.payload_bytes, 3u + 3u + 10000u);
  EXPECT_EQ(r->stats.file_bytes, *fs_.FileSize(Seg(1)));
  EXPECT_EQ(r->stats.truncated_bytes, 0u);
  EXPECT_EQ(r->stats.last_segment, 1u);
  EXPECT_TRUE(r->stats.problems.empty());
}

TEST_F(WalReaderTest, EmptyAndMissingDirectory) {
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stats.segments, 0u);
  EXPECT_TRUE(absl::IsNotFound(ReplayAll(fs_, dir_.File("nope")).status()));
}

TEST_F(WalReaderTest, TornTailAtEveryOffsetOfTheLastRecordIsCut) {
  Write({{"t", "first record"}, {"t", "second record"}, {"tenant", "the last record"}});
  const std::string full = *fs_.ReadFile(Seg(1));
  const uint64_t last_start =
      full.size() - FrameRecord("tenant", "the last record", WalOptions().compression).size();
  for (uint64_t cut = last_start; cut < full.size(); ++cut) {
    Put(Seg(1), full.substr(0, cut));
    auto r = ReplayAll(fs_, dir_.path());
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_THAT(r->records, ElementsAre("t|first record", "t|second record")) << cut;
    EXPECT_EQ(r->stats.truncated_bytes, cut - last_start);
    EXPECT_EQ(*fs_.FileSize(Seg(1)), last_start) << "the tail is cut off the file";
    if (cut > last_start) {
      ASSERT_EQ(r->stats.problems.size(), 1u);
      EXPECT_TRUE(r->stats.problems[0].repaired);
      EXPECT_EQ(r->stats.problems[0].offset, last_start);
      EXPECT_EQ(r->stats.problems[0].segment, 1u);
    }
    // The next replay is clean.
    auto again = ReplayAll(fs_, dir_.path());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->records.size(), 2u);
    EXPECT_TRUE(again->stats.problems.empty());
  }
}

TEST_F(WalReaderTest, TornSegmentHeaderRemovesTheNewestFile) {
  Write({{"t", "kept"}});
  for (uint64_t cut = 0; cut < kSegmentHeaderSize; ++cut) {
    Put(Seg(2), EncodeSegmentHeader(2).substr(0, cut));
    auto r = ReplayAll(fs_, dir_.path());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(r->records, ElementsAre("t|kept"));
    EXPECT_EQ(r->stats.truncated_bytes, cut);
    ASSERT_EQ(r->stats.problems.size(), 1u);
    EXPECT_EQ(r->stats.problems[0].segment, 2u);
    EXPECT_FALSE(fs_.Exists(Seg(2)));
  }
}

TEST_F(WalReaderTest, FlippedBitInTheNewestSegmentIsCutAndReported) {
  Write({{"t", "one"}, {"t", "two"}, {"t", "three"}});
  std::string bytes = *fs_.ReadFile(Seg(1));
  const uint64_t second = kSegmentHeaderSize + FrameRecord("t", "one", {}).size();
  bytes[second + kRecordHeaderSize + 2] ^= 0x04;  // in the payload of "two"
  Put(Seg(1), bytes);
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|one"));
  ASSERT_EQ(r->stats.problems.size(), 1u);
  EXPECT_EQ(r->stats.problems[0].offset, second);
  EXPECT_EQ(r->stats.problems[0].reason, "record checksum mismatch");
  EXPECT_EQ(*fs_.FileSize(Seg(1)), second);
}

TEST_F(WalReaderTest, CorruptionInAnOlderSegmentSkipsToTheNextSegment) {
  // Small segments: one record each.
  Write({{"t", std::string(100, 'a')}, {"t", std::string(100, 'b')}, {"t", std::string(100, 'c')}},
        /*segment_bytes=*/100);
  ASSERT_TRUE(fs_.Exists(Seg(3)));
  std::string middle = *fs_.ReadFile(Seg(2));
  middle[kSegmentHeaderSize + 30] ^= 0x01;
  Put(Seg(2), middle);
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|" + std::string(100, 'a'), "t|" + std::string(100, 'c')));
  ASSERT_EQ(r->stats.problems.size(), 1u);
  EXPECT_EQ(r->stats.problems[0].segment, 2u);
  EXPECT_FALSE(r->stats.problems[0].repaired);
  EXPECT_EQ(r->stats.skipped_bytes, middle.size() - kSegmentHeaderSize);
  EXPECT_EQ(r->stats.truncated_bytes, 0u);
  EXPECT_EQ(*fs_.ReadFile(Seg(2)), middle) << "older segments are left as found";
}

TEST_F(WalReaderTest, BadHeaderOfAnOlderSegmentSkipsIt) {
  Write({{"t", "a"}, {"t", "b"}}, /*segment_bytes=*/40);
  std::string first = *fs_.ReadFile(Seg(1));
  first[3] = 'X';
  Put(Seg(1), first);
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|b"));
  ASSERT_EQ(r->stats.problems.size(), 1u);
  EXPECT_EQ(r->stats.problems[0].reason, "bad segment magic");
}

TEST_F(WalReaderTest, ReadOnlyModeReportsWithoutTouching) {
  Write({{"t", "a"}, {"t", "b"}});
  std::string bytes = *fs_.ReadFile(Seg(1));
  bytes.resize(bytes.size() - 1);
  Put(Seg(1), bytes);
  auto r = ReplayAll(fs_, dir_.path(), /*repair=*/false);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|a"));
  ASSERT_EQ(r->stats.problems.size(), 1u);
  EXPECT_FALSE(r->stats.problems[0].repaired);
  EXPECT_EQ(*fs_.ReadFile(Seg(1)), bytes);
}

TEST_F(WalReaderTest, NewerFormatVersionIsRefusedUntouched) {
  Write({{"t", "a"}});
  std::string bytes = *fs_.ReadFile(Seg(1));
  EncodeFixed32(bytes.data() + 8, kWalFormatVersion + 1);
  EncodeFixed32(bytes.data() + 28, crc32c::Mask(crc32c::Value(std::string_view(bytes.data(), 28))));
  bytes += "garbage after";
  Put(Seg(1), bytes);
  auto r = ReplayAll(fs_, dir_.path());
  EXPECT_TRUE(absl::IsFailedPrecondition(r.status())) << r.status();
  EXPECT_EQ(*fs_.ReadFile(Seg(1)), bytes);
}

TEST_F(WalReaderTest, CallbackErrorStopsTheRead) {
  Write({{"t", "a"}, {"t", "b"}});
  int seen = 0;
  auto r = ReadWal(fs_, dir_.path(), {}, [&](const WalRecord&) {
    ++seen;
    return absl::AbortedError("enough");
  });
  EXPECT_TRUE(absl::IsAborted(r.status()));
  EXPECT_EQ(seen, 1);
}

TEST_F(WalReaderTest, OtherFilesAreIgnoredAndSegmentsSortNumerically) {
  Write({{"t", "a"}});
  Put(dir_.File("README"), "not a segment");
  // Id 100000000 has nine digits; it must come after 00000001.
  Put(dir_.File(SegmentFileName(100000000)),
      EncodeSegmentHeader(100000000) + FrameRecord("t", "later", {}));
  EXPECT_THAT(*ListWalSegments(fs_, dir_.path()), ElementsAre(1u, 100000000u));
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|a", "t|later"));
}

}  // namespace
}  // namespace weft::storage::embedded
