#include "tracecontext/traceparent.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace weft::tracecontext {
namespace {

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParentId[] = "00f067aa0ba902b7";

std::string Header(std::string_view version, std::string_view flags) {
  return std::string(version) + "-" + kTraceId + "-" + kParentId + "-" + std::string(flags);
}

struct Case {
  const char* rule;
  std::string input;
  TraceParentError error;
  uint8_t flags = 0;  // Expected when error == kNone.
};

TEST(TraceParentTest, ParseFollowsEveryRule) {
  using E = TraceParentError;
  const std::string good = Header("00", "01");
  const Case cases[] = {
      {"version 00, sampled", good, E::kNone, 0x01},
      {"version 00, not sampled", Header("00", "00"), E::kNone, 0x00},
      {"random flag 0x02 is kept", Header("00", "02"), E::kNone, 0x02},
      {"sampled and random kept together", Header("00", "03"), E::kNone, 0x03},
      {"unknown flag bits are dropped", Header("00", "ff"), E::kNone, 0x03},
      {"unknown flag bits only", Header("00", "fc"), E::kNone, 0x00},
      {"leading and trailing spaces tolerated", "  " + good + "  ", E::kNone, 0x01},
      {"leading and trailing tabs tolerated", "\t" + good + "\t ", E::kNone, 0x01},
      {"empty header", "", E::kWrongLength},
      {"whitespace only", " \t ", E::kWrongLength},
      {"shorter than 55", good.substr(0, 54), E::kWrongLength},
      {"version 00 with anything after flags is invalid", good + "-", E::kWrongLength},
      {"version 00 with trailing data is invalid", good + "-what", E::kWrongLength},
      {"version 00 with a trailing letter is invalid", good + "x", E::kWrongLength},
      {"version ff is invalid", Header("ff", "01"), E::kForbiddenVersion},
      {"version must be lowercase hex", Header("0A", "01"), E::kBadVersion},
      {"version must be hex", Header("0x", "01"), E::kBadVersion},
      {"higher version of exactly 55 is accepted", Header("01", "01"), E::kNone, 0x01},
      {"higher version: extra fields after '-' are ignored", Header("cc", "01") + "-extra-stuff",
       E::kNone, 0x01},
      {"higher version: flags must end the string or be followed by '-'", Header("cc", "01") + "x",
       E::kBadSuffix},
      {"higher version shorter than 55 is invalid", Header("cc", "01").substr(0, 54),
       E::kWrongLength},
      {"higher version: unknown flag bits dropped", Header("fe", "09"), E::kNone, 0x01},
      {"higher version still needs lowercase ids",
       "01-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", E::kBadTraceId},
      {"trace-id uppercase hex is invalid",
       "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", E::kBadTraceId},
      {"trace-id with a non-hex char", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
       E::kBadTraceId},
      {"trace-id with a non-ASCII byte",
       "00-4bf92f3577b34da6a3ce929d0e0e47\xc3\xa9-00f067aa0ba902b7-01", E::kBadTraceId},
      {"all-zero trace-id is invalid", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
       E::kZeroTraceId},
      {"parent-id uppercase hex is invalid",
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", E::kBadParentId},
      {"parent-id with a space", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902 7-01",
       E::kBadParentId},
      {"all-zero parent-id is invalid", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
       E::kZeroParentId},
      {"flags must be lowercase hex", Header("00", "0A"), E::kBadFlags},
      {"flags must be hex", Header("00", "0g"), E::kBadFlags},
      {"missing delimiter after version", "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       E::kBadDelimiter},
      {"missing delimiter after trace-id",
       "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01", E::kBadDelimiter},
      {"missing delimiter after parent-id",
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01", E::kBadDelimiter},
      {"fields shifted by one", "00-4bf92f3577b34da6a3ce929d0e0e47361-0f067aa0ba902b7-01",
       E::kBadDelimiter},
      {"two headers folded with a comma", good + "," + good, E::kWrongLength},
      {"inner whitespace is not trimmed",
       "00- 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", E::kWrongLength},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    const TraceParentResult r = ParseTraceParent(c.input);
    EXPECT_EQ(TraceParentErrorName(r.error), TraceParentErrorName(c.error));
    if (c.error != TraceParentError::kNone) continue;
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value.flags, c.flags);
    // The fields decode to the bytes of kTraceId / kParentId.
    EXPECT_EQ(r.value.trace_id[0], 0x4b);
    EXPECT_EQ(r.value.trace_id[15], 0x36);
    EXPECT_EQ(r.value.parent_id[0], 0x00);
    EXPECT_EQ(r.value.parent_id[7], 0xb7);
  }
}

TEST(TraceParentTest, DecodesEveryByte) {
  const TraceParentResult r =
      ParseTraceParent("00-0123456789abcdeffedcba9876543210-a0b1c2d3e4f5a6b7-01");
  ASSERT_TRUE(r.ok());
  const std::array<uint8_t, 16> trace_id = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                            0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  const std::array<uint8_t, 8> parent_id = {0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5, 0xa6, 0xb7};
  EXPECT_EQ(r.value.trace_id, trace_id);
  EXPECT_EQ(r.value.parent_id, parent_id);
  EXPECT_TRUE(r.value.sampled());
  EXPECT_FALSE(r.value.random());
}

TEST(TraceParentTest, EveryCharacterOutsideLowercaseHexIsRejectedInEachField) {
  const std::string good = Header("00", "01");
  // Positions of one character in each hex field: version, trace-id, parent-id, flags.
  const size_t positions[] = {1, 3, 20, 34, 36, 51, 54};
  for (const size_t pos : positions) {
    for (int c = 0; c < 256; ++c) {
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      std::string input = good;
      input[pos] = static_cast<char>(c);
      const TraceParentResult r = ParseTraceParent(input);
      // Changing a digit may only make an id all-zero here if it was the sole non-zero one,
      // which never happens for these ids.
      EXPECT_EQ(r.ok(), hex) << "pos " << pos << " char " << c;
    }
  }
}

TEST(TraceParentTest, FormatWritesVersion00AndKnownFlagsOnly) {
  TraceParent tp;
  for (size_t i = 0; i < tp.trace_id.size(); ++i) tp.trace_id[i] = static_cast<uint8_t>(i * 17);
  for (size_t i = 0; i < tp.parent_id.size(); ++i) tp.parent_id[i] = static_cast<uint8_t>(255 - i);
  struct FlagCase {
    const char* rule;
    uint8_t flags;
    const char* suffix;
  };
  const FlagCase cases[] = {
      {"no flags", 0x00, "-00"},
      {"sampled", 0x01, "-01"},
      {"random", 0x02, "-02"},
      {"sampled and random", 0x03, "-03"},
      {"other bits are emitted as zero", 0xfd, "-01"},
  };
  for (const FlagCase& c : cases) {
    SCOPED_TRACE(c.rule);
    tp.flags = c.flags;
    EXPECT_EQ(TraceParentToString(tp),
              std::string("00-00112233445566778899aabbccddeeff-fffefdfcfbfaf9f8") + c.suffix);
  }
}

TEST(TraceParentTest, FormatIntoCallerBufferAndRoundTrip) {
  const std::string input = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03";
  const TraceParentResult r = ParseTraceParent(input);
  ASSERT_TRUE(r.ok());
  char buffer[kTraceParentLength];
  FormatTraceParent(r.value, buffer);
  EXPECT_EQ(std::string_view(buffer, sizeof(buffer)), input);
}

TEST(TraceParentTest, HigherVersionIsReEmittedAsVersion00) {
  const TraceParentResult r = ParseTraceParent(Header("42", "01") + "-future-field");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(TraceParentToString(r.value), Header("00", "01"));
}

TEST(TraceParentTest, ErrorNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int e = 0; e <= static_cast<int>(TraceParentError::kBadSuffix); ++e) {
    names.insert(TraceParentErrorName(static_cast<TraceParentError>(e)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(TraceParentError::kBadSuffix) + 1);
  EXPECT_EQ(TraceParentErrorName(TraceParentError::kZeroTraceId), "zero_trace_id");
}

}  // namespace
}  // namespace weft::tracecontext
