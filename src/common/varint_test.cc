#include "common/varint.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace weft {
namespace {

const std::vector<uint64_t>& Samples() {
  static const std::vector<uint64_t> samples = [] {
    std::vector<uint64_t> v = {
        0, 1, 127, 128, 255, 300, 16383, 16384, UINT32_MAX, uint64_t{UINT32_MAX} + 1, UINT64_MAX};
    for (int shift = 0; shift < 64; ++shift) {
      v.push_back(uint64_t{1} << shift);
      v.push_back((uint64_t{1} << shift) - 1);
    }
    return v;
  }();
  return samples;
}

TEST(VarintTest, RoundTripsAndLengthMatches) {
  for (uint64_t value : Samples()) {
    std::string buf;
    PutVarint64(buf, value);
    EXPECT_EQ(buf.size(), VarintLength(value)) << value;
    uint64_t decoded = 0;
    const char* end = buf.data() + buf.size();
    EXPECT_EQ(DecodeVarint64(buf.data(), end, &decoded), end) << value;
    EXPECT_EQ(decoded, value);
  }
}

TEST(VarintTest, KnownEncodings) {
  std::string buf;
  PutVarint64(buf, 300);
  EXPECT_EQ(buf, std::string("\xac\x02", 2));
  EXPECT_EQ(VarintLength(0), 1u);
  EXPECT_EQ(VarintLength(UINT64_MAX), 10u);
}

TEST(VarintTest, EveryTruncationFailsWithoutReadingPastEnd) {
  for (uint64_t value : Samples()) {
    std::string buf;
    PutVarint64(buf, value);
    for (size_t len = 0; len < buf.size(); ++len) {
      // A heap copy of exactly `len` bytes lets ASan catch any read past the end.
      std::vector<char> truncated(buf.begin(), buf.begin() + len);
      uint64_t decoded = 12345;
      EXPECT_EQ(DecodeVarint64(truncated.data(), truncated.data() + len, &decoded), nullptr);
      EXPECT_EQ(decoded, 12345u) << "value written on failure";
    }
  }
}

TEST(VarintTest, ElevenBytesIsAnError) {
  const std::string buf(10, '\x80');
  uint64_t v;
  EXPECT_EQ(DecodeVarint64(buf.data(), buf.data() + buf.size(), &v), nullptr);
  const std::string eleven = std::string(10, '\x80') + '\x01';
  EXPECT_EQ(DecodeVarint64(eleven.data(), eleven.data() + eleven.size(), &v), nullptr);
}

TEST(VarintTest, TenthByteHighBitsAreDroppedLikeProtobuf) {
  const std::string buf = std::string(9, '\xff') + '\x7f';
  uint64_t v = 0;
  EXPECT_NE(DecodeVarint64(buf.data(), buf.data() + buf.size(), &v), nullptr);
  EXPECT_EQ(v, UINT64_MAX);
}

TEST(VarintTest, NonCanonicalPaddingDecodes) {
  const std::string buf("\x81\x80\x80\x00", 4);  // 1, padded to four bytes
  uint64_t v = 0;
  EXPECT_EQ(DecodeVarint64(buf.data(), buf.data() + 4, &v), buf.data() + 4);
  EXPECT_EQ(v, 1u);
}

TEST(VarintTest, Varint32RejectsWideValues) {
  std::string buf;
  PutVarint64(buf, uint64_t{UINT32_MAX} + 1);
  uint32_t v = 0;
  EXPECT_EQ(DecodeVarint32(buf.data(), buf.data() + buf.size(), &v), nullptr);
  buf.clear();
  PutVarint64(buf, UINT32_MAX);
  EXPECT_NE(DecodeVarint32(buf.data(), buf.data() + buf.size(), &v), nullptr);
  EXPECT_EQ(v, UINT32_MAX);
}

TEST(VarintTest, GetConsumesOnlyOnSuccess) {
  std::string buf;
  PutVarint64(buf, 300);
  PutVarint64(buf, 5);
  std::string_view input = buf;
  uint64_t a = 0;
  uint32_t b = 0;
  ASSERT_TRUE(GetVarint64(input, &a));
  ASSERT_TRUE(GetVarint32(input, &b));
  EXPECT_EQ(a, 300u);
  EXPECT_EQ(b, 5u);
  EXPECT_TRUE(input.empty());
  std::string_view truncated("\x80", 1);
  EXPECT_FALSE(GetVarint64(truncated, &a));
  EXPECT_EQ(truncated.size(), 1u);
}

TEST(VarintTest, ZigZag) {
  EXPECT_EQ(ZigZagEncode64(0), 0u);
  EXPECT_EQ(ZigZagEncode64(-1), 1u);
  EXPECT_EQ(ZigZagEncode64(1), 2u);
  EXPECT_EQ(ZigZagEncode64(-2), 3u);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{123456789},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigZagDecode64(ZigZagEncode64(v)), v);
  }
}

TEST(VarintTest, FixedIsLittleEndian) {
  std::string buf;
  PutFixed32(buf, 0x01020304);
  PutFixed64(buf, 0x0102030405060708ULL);
  EXPECT_EQ(buf.substr(0, 4), std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(DecodeFixed32(buf.data()), 0x01020304u);
  EXPECT_EQ(DecodeFixed64(buf.data() + 4), 0x0102030405060708ULL);
}

}  // namespace
}  // namespace weft
