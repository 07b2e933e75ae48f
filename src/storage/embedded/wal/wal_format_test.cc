#include "storage/embedded/wal/wal_format.h"

#include <string>

#include "common/crc32c.h"
#include "common/varint.h"
#include "gtest/gtest.h"

namespace weft::storage::embedded {
namespace {

using Result = RecordReader::Result;

std::string Segment(const std::vector<std::string>& records) {
  std::string s = EncodeSegmentHeader(7);
  for (const auto& r : records) s += r;
  return s;
}

std::string Incompressible(size_t n) {
  std::string s;
  uint64_t x = 88172645463325252ULL;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s.push_back(static_cast<char>(x));
  }
  return s;
}

TEST(WalFormatTest, SegmentFileNames) {
  EXPECT_EQ(SegmentFileName(0), "00000000.wal");
  EXPECT_EQ(SegmentFileName(42), "00000042.wal");
  EXPECT_EQ(SegmentFileName(123456789), "123456789.wal");
  EXPECT_EQ(ParseSegmentFileName("00000042.wal"), 42u);
  EXPECT_EQ(ParseSegmentFileName("123456789.wal"), 123456789u);
  EXPECT_EQ(ParseSegmentFileName("18446744073709551615.wal"), UINT64_MAX);
  for (const char* bad : {"42.wal", "0000004x.wal", "00000042.wal.tmp", "00000042", ".wal",
                          "18446744073709551616.wal", "000000000000000000001.wal", "lock"}) {
    EXPECT_EQ(ParseSegmentFileName(bad), std::nullopt) << bad;
  }
}

TEST(WalFormatTest, SegmentHeader) {
  const std::string h = EncodeSegmentHeader(9);
  ASSERT_EQ(h.size(), kSegmentHeaderSize);
  EXPECT_EQ(h.substr(0, 8), "weft.wal");
  EXPECT_EQ(DecodeFixed32(h.data() + 8), kWalFormatVersion);
  EXPECT_EQ(DecodeFixed64(h.data() + 16), 9u);
  EXPECT_TRUE(CheckSegmentHeader(h, 9).ok());
  EXPECT_TRUE(absl::IsDataLoss(CheckSegmentHeader(h, 10)));

  std::string bad_magic = h;
  bad_magic[0] = 'W';
  EXPECT_TRUE(absl::IsDataLoss(CheckSegmentHeader(bad_magic, 9)));
  std::string flipped = h;
  flipped[17] ^= 1;
  EXPECT_TRUE(absl::IsDataLoss(CheckSegmentHeader(flipped, 9)));

  // A newer version with a valid checksum is refused, not treated as corruption.
  std::string future = h;
  EncodeFixed32(future.data() + 8, kWalFormatVersion + 1);
  EncodeFixed32(future.data() + 28,
                crc32c::Mask(crc32c::Value(std::string_view(future.data(), 28))));
  EXPECT_TRUE(absl::IsFailedPrecondition(CheckSegmentHeader(future, 9)));
}

TEST(WalFormatTest, RecordLayout) {
  const std::string r = FrameRecord("acme", "hello", {});
  ASSERT_EQ(r.size(), kRecordHeaderSize + 4 + 5);
  EXPECT_EQ(DecodeFixed32(r.data() + 4), 5u);  // stored
  EXPECT_EQ(DecodeFixed32(r.data() + 8), 5u);  // raw
  EXPECT_EQ(r[12], 4);
  EXPECT_EQ(r[13], 0);
  EXPECT_EQ(r[14], kRecordTypeData);
  EXPECT_EQ(r[15], 0);
  EXPECT_EQ(r.substr(16), "acmehello");
  EXPECT_EQ(crc32c::Unmask(DecodeFixed32(r.data())), crc32c::Value(std::string_view(r).substr(4)));
}

TEST(WalFormatTest, FramingRoundTrip) {
  const std::string big_text(100000, 'a');
  const std::string noise = Incompressible(5000);
  const CompressionOptions zstd{.min_bytes = 1024, .level = 1};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},
      {"t", ""},
      {"", "p"},
      {"tenant-a", "payload"},
      {std::string(kMaxTenantBytes, 'x'), "max tenant"},
      {"big", big_text},
      {"noise", noise}};
  std::vector<std::string> framed;
  framed.reserve(cases.size());
  for (const auto& [t, p] : cases) framed.push_back(FrameRecord(t, p, zstd));
  // Compressible and large: compressed; incompressible: stored raw.
  EXPECT_EQ(framed[5][15], kRecordFlagZstd);
  EXPECT_LT(framed[5].size(), big_text.size() / 20);
  EXPECT_EQ(framed[6][15], 0);

  const std::string seg = Segment(framed);
  RecordReader reader(seg);
  WalRecordView v;
  uint64_t offset = kSegmentHeaderSize;
  for (size_t i = 0; i < cases.size(); ++i) {
    ASSERT_EQ(reader.Next(&v), Result::kRecord) << i << " " << reader.error();
    EXPECT_EQ(v.offset, offset);
    EXPECT_EQ(v.tenant, cases[i].first);
    EXPECT_EQ(v.payload, cases[i].second);
    offset += framed[i].size();
  }
  EXPECT_EQ(reader.Next(&v), Result::kEnd);
  EXPECT_EQ(reader.offset(), seg.size());
}

TEST(WalFormatTest, EveryFlippedBitIsDetected) {
  const std::string rec = FrameRecord("tenant", "some payload bytes", {});
  for (size_t bit = 0; bit < rec.size() * 8; ++bit) {
    std::string seg = Segment({rec});
    seg[kSegmentHeaderSize + bit / 8] ^= static_cast<char>(1 << (bit % 8));
    RecordReader reader(seg);
    WalRecordView v;
    const Result r = reader.Next(&v);
    EXPECT_TRUE(r == Result::kCorrupt || r == Result::kTruncated) << "bit " << bit;
    EXPECT_EQ(reader.offset(), kSegmentHeaderSize);
    EXPECT_FALSE(reader.error().empty());
    EXPECT_EQ(reader.Next(&v), r);  // stays stuck
  }
}

TEST(WalFormatTest, FlippedBitInCompressedRecordIsDetected) {
  const std::string rec =
      FrameRecord("t", std::string(4000, 'z'), CompressionOptions{.min_bytes = 1, .level = 1});
  ASSERT_EQ(rec[15], kRecordFlagZstd);
  for (size_t byte = 0; byte < rec.size(); ++byte) {
    std::string seg = Segment({rec});
    seg[kSegmentHeaderSize + byte] ^= 0x10;
    RecordReader reader(seg);
    WalRecordView v;
    EXPECT_NE(reader.Next(&v), Result::kRecord) << byte;
  }
}

TEST(WalFormatTest, TornAndZeroFilledTails) {
  const std::string a = FrameRecord("t", "first", {});
  const std::string b = FrameRecord("t", "second", {});
  const std::string full = Segment({a, b});
  for (size_t cut = kSegmentHeaderSize + a.size() + 1; cut < full.size(); ++cut) {
    RecordReader reader(std::string_view(full).substr(0, cut));
    WalRecordView v;
    ASSERT_EQ(reader.Next(&v), Result::kRecord);
    EXPECT_EQ(reader.Next(&v), Result::kTruncated) << cut;
    EXPECT_EQ(reader.offset(), kSegmentHeaderSize + a.size());
  }
  // A crash can leave zeros where data was expected (the size was updated, the data not).
  const std::string zeros = Segment({a}) + std::string(64, '\0');
  RecordReader reader(zeros);
  WalRecordView v;
  ASSERT_EQ(reader.Next(&v), Result::kRecord);
  EXPECT_EQ(reader.Next(&v), Result::kCorrupt);
}

TEST(WalFormatTest, ImplausibleLengthsAreCorrupt) {
  std::string rec = FrameRecord("t", "x", {});
  EncodeFixed32(rec.data() + 4, 0xffffffffu);
  EncodeFixed32(rec.data() + 8, 0xffffffffu);
  const std::string seg = Segment({rec});
  RecordReader reader(seg);
  WalRecordView v;
  EXPECT_EQ(reader.Next(&v), Result::kCorrupt);
}

}  // namespace
}  // namespace weft::storage::embedded
