#include "http/gzip.h"

#include <chrono>
#include <string>

#include "gtest/gtest.h"
#include "http/testing/gzip_bomb.h"

namespace weft::http {
namespace {

TEST(GzipTest, RoundTrips) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "span " + std::to_string(i) + "; ";
  const std::string compressed = Gzip(text);
  ASSERT_LT(compressed.size(), text.size());
  auto inflated = GunzipBounded(compressed, text.size());
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, text);
}

TEST(GzipTest, EmptyPayloadRoundTrips) {
  auto inflated = GunzipBounded(Gzip(""), 10);
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, "");
}

TEST(GzipTest, ExactlyAtTheLimitIsAccepted) {
  const std::string text(100000, 'x');
  auto inflated = GunzipBounded(Gzip(text), text.size());
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(inflated->size(), text.size());
}

TEST(GzipTest, OneByteOverTheLimitIsResourceExhausted) {
  const std::string text(100001, 'x');
  auto inflated = GunzipBounded(Gzip(text), text.size() - 1);
  EXPECT_EQ(inflated.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(inflated.status().message().find("exceeds"), std::string::npos);
}

TEST(GzipTest, ConcatenatedMembersAreInflatedInOrder) {
  const std::string both = Gzip("hello, ") + Gzip("world");
  auto inflated = GunzipBounded(both, 100);
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, "hello, world");
}

TEST(GzipTest, TrailingGarbageIsRejected) {
  auto inflated = GunzipBounded(Gzip("hello") + "garbage", 100);
  EXPECT_EQ(inflated.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GzipTest, TruncatedStreamIsRejected) {
  const std::string compressed = Gzip(std::string(5000, 'a') + "tail");
  for (size_t cut :
       {size_t{0}, size_t{5}, size_t{12}, compressed.size() / 2, compressed.size() - 1}) {
    auto inflated = GunzipBounded(std::string_view(compressed).substr(0, cut), 1 << 20);
    EXPECT_EQ(inflated.status().code(), absl::StatusCode::kInvalidArgument) << "cut at " << cut;
  }
}

TEST(GzipTest, CorruptDataAndBadChecksumAreRejected) {
  std::string compressed = Gzip(std::string(5000, 'a'));
  std::string bad_crc = compressed;
  bad_crc[bad_crc.size() - 6] ^= 0x55;
  EXPECT_EQ(GunzipBounded(bad_crc, 1 << 20).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GunzipBounded("not gzip at all", 1 << 20).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Raw zlib (RFC 1950) is not gzip.
  EXPECT_EQ(GunzipBounded(std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8), 100).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GzipTest, BombHelperIsValidGzip) {
  const std::string bomb = testing::MakeGzipBomb(3);
  auto inflated = GunzipBounded(bomb, 3 << 20);
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(inflated->size(), size_t{3} << 20);
  EXPECT_EQ(inflated->find_first_not_of('\0'), std::string::npos);
}

// CVE-2024-36129 shape: a ~10 MB body that would inflate to 10 GiB. Refused after producing at most
// the limit, quickly, and the growth callback never saw more than the limit (+1 probe byte).
TEST(GzipTest, BombIsRefusedFastWithBoundedOutput) {
  const std::string bomb = testing::MakeGzipBomb(10 * 1024);
  ASSERT_LT(bomb.size(), size_t{11} << 20);
  constexpr size_t kLimit = 8 << 20;
  size_t granted = 0;
  const auto start = std::chrono::steady_clock::now();
  auto inflated = GunzipBounded(bomb, kLimit, [&](size_t more) {
    granted += more;
    return absl::OkStatus();
  });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(inflated.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LE(granted, kLimit + 1);
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

// A 100 KB body inflating to 100 MiB (deflate's ratio tops out near 1032:1).
TEST(GzipTest, SmallBombIsRefused) {
  const std::string bomb = testing::MakeGzipBomb(100);
  ASSERT_LT(bomb.size(), 120'000u);
  EXPECT_EQ(GunzipBounded(bomb, 1 << 20).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(GzipTest, GrowthCallbackCanStopInflation) {
  const std::string compressed = Gzip(std::string(1 << 20, 'z'));
  int calls = 0;
  auto inflated = GunzipBounded(compressed, 2 << 20, [&](size_t) {
    return ++calls > 2 ? absl::UnavailableError("budget exhausted") : absl::OkStatus();
  });
  EXPECT_EQ(inflated.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 3);
}

TEST(GzipTest, OutputGrowsProgressivelyNotToTheLimit) {
  size_t granted = 0;
  auto inflated = GunzipBounded(Gzip("tiny"), size_t{1} << 30, [&](size_t more) {
    granted += more;
    return absl::OkStatus();
  });
  ASSERT_TRUE(inflated.ok());
  EXPECT_LE(granted, 64u * 1024);
}

}  // namespace
}  // namespace weft::http
