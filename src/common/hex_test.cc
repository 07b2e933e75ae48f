#include "common/hex.h"

#include <string>

#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(HexTest, EncodeIsLowercase) {
  const uint8_t bytes[] = {0x00, 0xab, 0xCD, 0xff};
  char out[8];
  HexEncode(bytes, 4, out);
  EXPECT_EQ(std::string(out, 8), "00abcdff");
}

TEST(HexTest, DecodeRoundTrips) {
  uint8_t out[4];
  ASSERT_TRUE(HexDecode("00abcdff", out, 4, HexCase::kLowerOnly));
  EXPECT_EQ(out[1], 0xab);
  EXPECT_EQ(out[3], 0xff);
}

TEST(HexTest, UppercaseOnlyWhenAllowed) {
  uint8_t out[2];
  EXPECT_FALSE(HexDecode("ABcd", out, 2, HexCase::kLowerOnly));
  ASSERT_TRUE(HexDecode("ABcd", out, 2, HexCase::kAny));
  EXPECT_EQ(out[0], 0xab);
}

TEST(HexTest, RejectsWrongLengthAndNonHex) {
  uint8_t out[2];
  EXPECT_FALSE(HexDecode("abc", out, 2, HexCase::kAny));
  EXPECT_FALSE(HexDecode("abcdef", out, 2, HexCase::kAny));
  EXPECT_FALSE(HexDecode("abcg", out, 2, HexCase::kAny));
  EXPECT_FALSE(HexDecode(std::string_view("ab\0d", 4), out, 2, HexCase::kAny));
  EXPECT_FALSE(
      HexDecode("ab\xff"
                "d",
                out, 2, HexCase::kAny));
}

TEST(HexTest, DigitValue) {
  EXPECT_EQ(HexDigitValue('7', HexCase::kLowerOnly), 7);
  EXPECT_EQ(HexDigitValue('F', HexCase::kLowerOnly), -1);
  EXPECT_EQ(HexDigitValue('F', HexCase::kAny), 15);
  EXPECT_EQ(HexDigitValue('g', HexCase::kAny), -1);
}

}  // namespace
}  // namespace weft
