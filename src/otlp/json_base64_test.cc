#include "otlp/json_base64.h"

#include <string>

#include "common/arena.h"
#include "gtest/gtest.h"

namespace weft::otlp {
namespace {

std::string Encode(std::string_view bytes) {
  std::string out;
  AppendBase64(bytes, out);
  return out;
}

std::optional<std::string> Decode(std::string_view text) {
  Arena arena;
  const std::optional<std::string_view> bytes = DecodeBase64(text, arena);
  if (!bytes) return std::nullopt;
  return std::string(*bytes);
}

TEST(JsonBase64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(Encode(""), "");
  EXPECT_EQ(Encode("f"), "Zg==");
  EXPECT_EQ(Encode("fo"), "Zm8=");
  EXPECT_EQ(Encode("foo"), "Zm9v");
  EXPECT_EQ(Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Encode("\xfb\xff"), "+/8=");
}

TEST(JsonBase64Test, DecodesWithOrWithoutPaddingAndEitherAlphabet) {
  EXPECT_EQ(Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Decode("Zm9vYg"), "foob");
  EXPECT_EQ(Decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(Decode("+/8="), "\xfb\xff");
  EXPECT_EQ(Decode("-_8"), "\xfb\xff");
  EXPECT_EQ(Decode(""), "");
}

TEST(JsonBase64Test, RejectsInvalidText) {
  for (std::string_view bad :
       {"Z", "Zm9vY", "Zm9v!", "Zm 9v", "Zg=", "Z===", "=", "Zg==Zg==", "Zm9v\n"}) {
    EXPECT_EQ(Decode(bad), std::nullopt) << bad;
  }
}

TEST(JsonBase64Test, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    EXPECT_EQ(Decode(Encode(all.substr(0, n))), all.substr(0, n));
  }
}

}  // namespace
}  // namespace weft::otlp
