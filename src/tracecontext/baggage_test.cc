#include "tracecontext/baggage.h"

#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::tracecontext {
namespace {

using Entry = Baggage::Entry;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// n members "k<i>=v<i>" joined with commas, keys starting at `first`.
std::string Members(int n, int first = 0) {
  std::string out;
  for (int i = first; i < first + n; ++i) {
    if (!out.empty()) out += ",";
    out += "k" + std::to_string(i) + "=v" + std::to_string(i);
  }
  return out;
}

struct ParseCase {
  const char* rule;
  std::vector<std::string> fields;
  std::vector<Entry> expected;
};

TEST(BaggageTest, ParseFollowsEveryRule) {
  const std::string r = kReplacement;
  const std::string key256(256, 'k');
  const ParseCase cases[] = {
      {"single member", {"userId=alice"}, {{"userId", "alice", ""}}},
      {"members keep their order", {"b=2,a=1"}, {{"b", "2", ""}, {"a", "1", ""}}},
      {"several fields share one list", {"a=1", "b=2"}, {{"a", "1", ""}, {"b", "2", ""}}},
      {"OWS around keys, values and members is trimmed",
       {" \ta = 1 \t, b\t=\t2 "},
       {{"a", "1", ""}, {"b", "2", ""}}},
      {"empty members are skipped", {",, a=1 ,,, ,b=2,"}, {{"a", "1", ""}, {"b", "2", ""}}},
      {"empty value is allowed", {"a="}, {{"a", "", ""}}},
      {"keys are case-sensitive tokens",
       {"UserID=1,userid=2"},
       {{"UserID", "1", ""}, {"userid", "2", ""}}},
      {"key may use every tchar",
       {"!#$%&'*+-.^_`|~09AZaz=1"},
       {{"!#$%&'*+-.^_`|~09AZaz", "1", ""}}},
      {"key of 256 characters", {key256 + "=v"}, {{key256, "v", ""}}},
      {"value may contain '=' and '/' and '?'", {"a=x=y/z?"}, {{"a", "x=y/z?", ""}}},
      {"percent-decoding of a space", {"a=hello%20world"}, {{"a", "hello world", ""}}},
      {"percent-decoding of delimiters", {"a=%2C%3B%22%5C%25"}, {{"a", ",;\"\\%", ""}}},
      {"percent-decoding accepts lowercase hex", {"a=caf%c3%a9"}, {{"a", "caf\xc3\xa9", ""}}},
      {"valid UTF-8 is kept",
       {"a=%E2%9C%93%F0%9F%98%80"},
       {{"a", "\xE2\x9C\x93\xF0\x9F\x98\x80", ""}}},
      {"percent-encoded NUL is data", {"a=x%00y"}, {{"a", std::string("x\0y", 3), ""}}},
      {"invalid UTF-8 byte becomes U+FFFD", {"a=x%FFy"}, {{"a", "x" + r + "y", ""}}},
      {"lone continuation byte becomes U+FFFD", {"a=%80"}, {{"a", r, ""}}},
      {"truncated 2-byte sequence becomes U+FFFD", {"a=%C3"}, {{"a", r, ""}}},
      {"truncated 3-byte sequence is one U+FFFD", {"a=%E2%9Cx"}, {{"a", r + "x", ""}}},
      {"overlong encoding: one U+FFFD per byte", {"a=%C0%AF"}, {{"a", r + r, ""}}},
      {"UTF-16 surrogate: one U+FFFD per byte", {"a=%ED%A0%80"}, {{"a", r + r + r, ""}}},
      {"above U+10FFFF: one U+FFFD per byte", {"a=%F4%90%80%80"}, {{"a", r + r + r + r, ""}}},
      {"percent sequence cut short at the end stays literal", {"a=x%4"}, {{"a", "x%4", ""}}},
      {"lone percent stays literal", {"a=%"}, {{"a", "%", ""}}},
      {"percent with non-hex digits stays literal", {"a=%zz"}, {{"a", "%zz", ""}}},
      {"percent with one hex digit stays literal", {"a=%4g1"}, {{"a", "%4g1", ""}}},
      {"'+' is not a space", {"a=1+1"}, {{"a", "1+1", ""}}},
      {"properties are kept", {"a=1;p1;p2=x"}, {{"a", "1", "p1;p2=x"}}},
      {"properties are normalised", {"a=1 ; p1 ;\tp2 = x "}, {{"a", "1", "p1;p2=x"}}},
      {"empty properties are skipped", {"a=1;;p1;"}, {{"a", "1", "p1"}}},
      {"properties with an empty value", {"a=1;p="}, {{"a", "1", "p="}}},
      {"invalid members are skipped, others kept",
       {"a=1,nokey,b=2"},
       {{"a", "1", ""}, {"b", "2", ""}}},
      {"member without '=' is skipped", {"a"}, {}},
      {"empty key is skipped", {"=1"}, {}},
      {"key with a space is skipped", {"a b=1"}, {}},
      {"key with a separator is skipped", {"a(b)=1,c/d=2,e:f=3"}, {}},
      {"key with a non-ASCII byte is skipped", {"caf\xc3\xa9=1"}, {}},
      {"value with an inner space is skipped", {"a=x y"}, {}},
      {"value with a double quote is skipped", {"a=\"x\""}, {}},
      {"value with a backslash is skipped", {"a=x\\y"}, {}},
      {"value with a raw non-ASCII byte is skipped", {"a=caf\xc3\xa9"}, {}},
      {"value with a control character is skipped", {"a=x\x01"}, {}},
      {"invalid property key skips the member", {"a=1;p q,b=2"}, {{"b", "2", ""}}},
      {"invalid property value skips the member", {"a=1;p=x y,b=2"}, {{"b", "2", ""}}},
      {"repeated key: last value wins, first position kept",
       {"a=1,b=2,a=3"},
       {{"a", "3", ""}, {"b", "2", ""}}},
      {"repeated key across fields", {"a=1", "a=2;p"}, {{"a", "2", "p"}}},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.rule);
    const std::vector<std::string_view> views(c.fields.begin(), c.fields.end());
    const Baggage b = Baggage::Parse(views);
    EXPECT_EQ(b.entries(), c.expected);
  }
}

TEST(BaggageTest, LimitsDropWholeMembers) {
  const std::string big_value(1000, 'x');  // Member "k<i>=" + 1000: 1003 bytes.
  std::string eight_big;
  for (int i = 0; i < 8; ++i) eight_big += "b" + std::to_string(i) + "=" + big_value + ",";
  struct Case {
    const char* rule;
    std::vector<std::string> fields;
    size_t members;
    std::vector<std::string> present;
    std::vector<std::string> absent;
  };
  const std::string max_member = "k=" + std::string(8190, 'v');  // Exactly 8192 bytes.
  const Case cases[] = {
      {"64 members are kept", {Members(64)}, 64, {"k0", "k63"}, {}},
      {"the 65th member is dropped", {Members(70)}, 64, {"k63"}, {"k64", "k69"}},
      {"the member limit spans fields", {Members(40), Members(40, 40)}, 64, {"k63"}, {"k64"}},
      {"invalid members do not count", {"bad," + Members(64)}, 64, {"k63"}, {}},
      {"a member of exactly 8192 bytes is kept", {max_member}, 1, {"k"}, {}},
      {"a member of 8193 bytes is dropped, the next kept",
       {max_member + "v,small=1"},
       1,
       {"small"},
       {"k"}},
      {"bytes count across fields; overflowing member dropped whole",
       {eight_big, "c=" + big_value, "d=1"},
       9,
       {"b7", "d"},
       {"c"}},
      {"bytes count the re-encoded form",  // Each "%FF" becomes U+FFFD: 9 bytes re-encoded.
       {"a=" + Repeat("%FF", 910), "b=" + Repeat("%FF", 2)},
       1,
       {"a"},
       {"b"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    const std::vector<std::string_view> views(c.fields.begin(), c.fields.end());
    const Baggage b = Baggage::Parse(views);
    EXPECT_EQ(b.size(), c.members);
    for (const std::string& key : c.present) EXPECT_TRUE(b.Get(key)) << key;
    for (const std::string& key : c.absent) EXPECT_FALSE(b.Get(key)) << key;
    const std::string serialized = b.Serialize();
    EXPECT_LE(serialized.size(), Baggage::kMaxBytes);
    EXPECT_EQ(Baggage::Parse(serialized), b);  // Nothing more is lost on the way out.
  }
}

TEST(BaggageTest, ScanStopsAtTheScanBudget) {
  struct Case {
    const char* rule;
    std::string input;
    bool member_seen;
  };
  const size_t budget = Baggage::kMaxScanBytes;
  const Case cases[] = {
      {"member just inside the budget is kept", std::string(budget - 4, ',') + "a=1", true},
      {"member cut by the budget is dropped, not cut", std::string(budget - 2, ',') + "a=1", false},
      {"member beyond the budget is not examined", std::string(budget, ' ') + ",a=1", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    const Baggage b = Baggage::Parse(c.input);
    EXPECT_EQ(b.Get("a").has_value(), c.member_seen);
    if (c.member_seen) {
      EXPECT_EQ(*b.Get("a"), "1");
    }
  }
}

TEST(BaggageTest, HostileInputIsBoundedInTimeAndMemory) {
  const auto deadline = std::chrono::milliseconds(200);  // Sanity bound; speed is benchmarked.
  struct Case {
    const char* rule;
    std::string input;
    size_t members;
  };
  const Case cases[] = {
      {"1 MB of commas", std::string(1 << 20, ','), 0},
      {"1 MB of semicolons", std::string(1 << 20, ';'), 0},
      {"1 MB of '='", std::string(1 << 20, '='), 0},
      {"1 MB of '%'", "a=" + std::string(1 << 20, '%'), 0},
      {"1 MB of commas then a member", std::string(1 << 20, ',') + "a=1", 0},
      {"10,000 members", Members(10000), 64},
      {"10,000 invalid members", Repeat("bad member,", 10000), 0},
      {"63 keys, then one key repeated 10,000 times", Members(63) + Repeat(",k0=v", 10000), 63},
      {"1 MB key", std::string(1 << 20, 'k') + "=v", 0},
      {"1 MB of invalid UTF-8", "a=" + Repeat("%FF", 1 << 18), 0},
      {"1 MB of properties", "a=1" + Repeat(";p", 1 << 19), 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    const auto start = std::chrono::steady_clock::now();
    const Baggage b = Baggage::Parse(c.input);
    EXPECT_LT(std::chrono::steady_clock::now() - start, deadline);
    EXPECT_EQ(b.size(), c.members);
    EXPECT_LE(b.Serialize().size(), Baggage::kMaxBytes);
  }
}

TEST(BaggageTest, SerializePercentEncodesOutsideBaggageOctets) {
  struct Case {
    const char* rule;
    std::string value;
    std::string encoded;
  };
  const Case cases[] = {
      {"plain value unchanged", "alice", "alice"},
      {"space", "a b", "a%20b"},
      {"delimiters and percent", ",;\"\\%", "%2C%3B%22%5C%25"},
      {"allowed punctuation unchanged", "!#$&'()*+-./:<=>?@[]^_`{|}~",
       "!#$&'()*+-./:<=>?@[]^_`{|}~"},
      {"UTF-8", "caf\xc3\xa9", "caf%C3%A9"},
      {"control characters", std::string("\0\t\x7f", 3), "%00%09%7F"},
      {"literal percent from a cut sequence", "%zz", "%25zz"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    Baggage b;
    ASSERT_TRUE(b.Set("k", c.value).ok());
    EXPECT_EQ(b.Serialize(), "k=" + c.encoded);
    EXPECT_EQ(Baggage::Parse(b.Serialize()), b);
  }
}

TEST(BaggageTest, SetValidatesAndDeleteRemoves) {
  Baggage b;
  EXPECT_TRUE(b.Set("a", "1").ok());
  EXPECT_TRUE(b.Set("b", "2", " p1 ; p2 = x ").ok());
  EXPECT_TRUE(b.Set("a", "3").ok());  // Replaces in place.
  EXPECT_FALSE(b.Set("bad key", "1").ok());
  EXPECT_FALSE(b.Set("", "1").ok());
  EXPECT_FALSE(b.Set("c", "1", "p q").ok());
  EXPECT_TRUE(b.Set("u", "x\xff").ok());  // Invalid UTF-8 is repaired, not refused.
  EXPECT_EQ(*b.Get("u"), std::string("x") + kReplacement);
  EXPECT_EQ(b.Serialize(), "a=3,b=2;p1;p2=x,u=x%EF%BF%BD");
  EXPECT_TRUE(b.Delete("a"));
  EXPECT_FALSE(b.Delete("a"));
  EXPECT_EQ(b.Serialize(), "b=2;p1;p2=x,u=x%EF%BF%BD");
}

TEST(BaggageTest, SerializeAppliesTheLimitsToProgrammaticBaggage) {
  Baggage b;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(b.Set("k" + std::to_string(i), "v").ok());
  EXPECT_EQ(Baggage::Parse(b.Serialize()).size(), Baggage::kMaxMembers);
  Baggage big;
  ASSERT_TRUE(big.Set("huge", std::string(9000, 'x')).ok());
  ASSERT_TRUE(big.Set("small", "1").ok());
  EXPECT_EQ(big.Serialize(), "small=1");
}

}  // namespace
}  // namespace weft::tracecontext
