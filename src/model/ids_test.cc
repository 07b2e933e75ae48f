#include "model/ids.h"

#include <cstdio>
#include <set>
#include <unordered_set>

#include "gtest/gtest.h"

namespace weft {
namespace {

TEST(IdsTest, DefaultIsAllZeroAndInvalid) {
  EXPECT_FALSE(TraceId().IsValid());
  EXPECT_FALSE(SpanId().IsValid());
  EXPECT_EQ(TraceId().ToHex(), std::string(32, '0'));
}

TEST(IdsTest, HexRoundTripIsLowercaseOut) {
  auto id = TraceId::FromHex("4BF92F3577B34DA6A3CE929D0E0E4736");
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(id->IsValid());
  EXPECT_EQ(id->ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  auto span = SpanId::FromHex("00f067aa0ba902b7");
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->ToHex(), "00f067aa0ba902b7");
}

TEST(IdsTest, HexRejectsWrongLengthAndNonHex) {
  EXPECT_FALSE(TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e473").has_value());    // 31
  EXPECT_FALSE(TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e47366").has_value());  // 33
  EXPECT_FALSE(SpanId::FromHex("00f067aa0ba902bz").has_value());
  EXPECT_FALSE(SpanId::FromHex("").has_value());
  EXPECT_FALSE(SpanId::FromHex("00F067AA0BA902B7", HexCase::kLowerOnly).has_value());
}

TEST(IdsTest, AllZeroHexParsesButIsInvalid) {
  auto id = SpanId::FromHex("0000000000000000");
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(id->IsValid());
}

TEST(IdsTest, FromBytesNeedsExactLength) {
  const std::string sixteen(16, '\x01');
  ASSERT_TRUE(TraceId::FromBytes(sixteen).has_value());
  EXPECT_EQ(TraceId::FromBytes(sixteen)->AsStringView(), sixteen);
  EXPECT_FALSE(TraceId::FromBytes(std::string(15, '\x01')).has_value());
  EXPECT_FALSE(SpanId::FromBytes(sixteen).has_value());
  EXPECT_TRUE(SpanId::FromBytes(std::string(8, '\x02')).has_value());
}

TEST(IdsTest, RandomIdsAreValidAndDistinct) {
  std::unordered_set<TraceId, IdHash> traces;
  std::set<SpanId> spans;
  for (int i = 0; i < 10000; ++i) {
    TraceId t = TraceId::Random();
    SpanId s = SpanId::Random();
    EXPECT_TRUE(t.IsValid());
    EXPECT_TRUE(s.IsValid());
    traces.insert(t);
    spans.insert(s);
  }
  EXPECT_EQ(traces.size(), 10000u);
  EXPECT_EQ(spans.size(), 10000u);
}

// W3C random flag: the right-most 7 bytes of a generated trace id must be uniformly random.
TEST(IdsTest, RandomTraceIdLowBytesAreUniform) {
  RandomGenerator rng(99);
  int counts[7][16] = {};
  constexpr int kDraws = 32000;
  for (int i = 0; i < kDraws; ++i) {
    const TraceId t = TraceId::Random(rng);
    for (int b = 0; b < 7; ++b) counts[b][t.bytes()[9 + b] >> 4]++;
  }
  for (int b = 0; b < 7; ++b) {
    for (int nibble = 0; nibble < 16; ++nibble) {
      EXPECT_NEAR(counts[b][nibble], kDraws / 16, kDraws / 16 / 5) << "byte " << 9 + b;
    }
  }
}

TEST(IdsTest, OrderingAndHashing) {
  auto a = *TraceId::FromHex("00000000000000000000000000000001");
  auto b = *TraceId::FromHex("00000000000000000000000000000002");
  EXPECT_LT(a, b);
  EXPECT_NE(IdHash()(a), IdHash()(b));
  EXPECT_EQ(a.High64(), 0u);
  EXPECT_EQ(TraceId::FromHex("ff000000000000000000000000000000")->High64(), 0xff00000000000000ULL);
}

}  // namespace
}  // namespace weft

namespace weft {
namespace {

// Sequential and mostly-zero ids (what test clients and some SDKs send) must still spread over
// a hash table's buckets: a weak hash made a 100k-span chain take 37 s to assemble.
TEST(IdHashTest, SequentialIdsSpreadOverLowBits) {
  std::set<size_t> trace_buckets, span_buckets;
  for (uint64_t i = 1; i <= 4096; ++i) {
    char hex[33];
    std::snprintf(hex, sizeof(hex), "%032llx", static_cast<unsigned long long>(i));
    trace_buckets.insert(IdHash()(*TraceId::FromHex(hex)) & 4095);
    std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(i << 40));
    span_buckets.insert(IdHash()(*SpanId::FromHex(hex)) & 4095);
  }
  // A random function fills about 63% of 4096 buckets with 4096 keys.
  EXPECT_GT(trace_buckets.size(), 2400u);
  EXPECT_GT(span_buckets.size(), 2400u);
}

}  // namespace
}  // namespace weft
