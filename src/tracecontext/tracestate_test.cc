#include "tracecontext/tracestate.h"

#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::tracecontext {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

// "k0=v0,k1=v1,...": n valid members.
std::string Members(int n, std::string_view prefix = "k") {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    out += std::string(prefix) + std::to_string(i) + "=v" + std::to_string(i);
  }
  return out;
}

std::vector<std::string> Keys(const TraceState& ts) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < ts.size(); ++i) keys.emplace_back(ts.member(i).key);
  return keys;
}

struct ParseCase {
  const char* rule;
  std::vector<std::string> fields;
  bool valid;
  std::string canonical;  // Expected members_text() when valid.
};

TEST(TraceStateTest, ParseFollowsEveryRule) {
  const std::string key256 = "a" + std::string(255, 'z');
  const std::string value256 = std::string(255, 'v') + "w";
  const ParseCase cases[] = {
      {"single member", {"congo=t61rcWkgMzE"}, true, "congo=t61rcWkgMzE"},
      {"two members keep their order",
       {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
       true,
       "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
      {"several header fields are joined in order", {"rojo=1", "congo=2"}, true, "rojo=1,congo=2"},
      {"empty header is valid and empty", {""}, true, ""},
      {"no header fields at all", {}, true, ""},
      {"empty members are skipped", {",,rojo=1,,,congo=2,"}, true, "rojo=1,congo=2"},
      {"whitespace-only members are skipped", {" , \t ,rojo=1, ,"}, true, "rojo=1"},
      {"empty header field among others", {"rojo=1", "", "congo=2"}, true, "rojo=1,congo=2"},
      {"OWS around members is ignored", {" \trojo=1 \t, congo=2\t"}, true, "rojo=1,congo=2"},
      {"key may start with a digit", {"1vendor=x"}, true, "1vendor=x"},
      {"key may contain _ - * / @", {"a_-*/@b=x"}, true, "a_-*/@b=x"},
      {"multi-tenant key tenant@system", {"fw529a3039@dt=x"}, true, "fw529a3039@dt=x"},
      {"key of 256 characters", {key256 + "=x"}, true, key256 + "=x"},
      {"value of 256 characters", {"k=" + value256}, true, "k=" + value256},
      {"value may contain inner spaces and punctuation",
       {"k=a b!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~"},
       true,
       "k=a b!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~"},
      {"32 members are allowed", {Members(32)}, true, Members(32)},
      {"32 members across two fields",
       {Members(16, "a"), Members(16, "b")},
       true,
       Members(16, "a") + "," + Members(16, "b")},
      {"33 members discard everything", {Members(33)}, false, ""},
      {"33rd member in a second field discards everything", {Members(32), "late=1"}, false, ""},
      {"empty members do not count toward 32", {Members(32) + ",,,, ,"}, true, Members(32)},
      {"key of 257 characters", {key256 + "z=x"}, false, ""},
      {"key starting with an uppercase letter", {"Rojo=1"}, false, ""},
      {"key with an uppercase letter", {"roJo=1"}, false, ""},
      {"key starting with _", {"_rojo=1"}, false, ""},
      {"key starting with @", {"@rojo=1"}, false, ""},
      {"key with a dot", {"ro.jo=1"}, false, ""},
      {"empty key", {"=1"}, false, ""},
      {"no '=' in member", {"rojo"}, false, ""},
      {"space before '='", {"rojo =1"}, false, ""},
      {"empty value", {"rojo="}, false, ""},
      {"value of 257 characters", {"k=" + value256 + "x"}, false, ""},
      {"value with '='", {"k=a=b"}, false, ""},
      {"value with a tab", {"k=a\tb"}, false, ""},
      {"value with a control character", {std::string("k=a\x01") + "b"}, false, ""},
      {"value with DEL", {"k=a\x7f"}, false, ""},
      {"value with a non-ASCII byte", {"k=caf\xc3\xa9"}, false, ""},
      {"duplicate keys are invalid", {"rojo=1,congo=2,rojo=3"}, false, ""},
      {"duplicate keys across fields are invalid", {"rojo=1", "rojo=2"}, false, ""},
      {"one bad member discards the good ones", {"rojo=1,BAD=2,congo=3"}, false, ""},
      {"a bad later field discards the good earlier one", {"rojo=1", "x"}, false, ""},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.rule);
    std::vector<std::string_view> views(c.fields.begin(), c.fields.end());
    TraceStateParser parser;
    for (const std::string_view f : views) parser.AddField(f);
    EXPECT_EQ(parser.ok(), c.valid);
    const TraceState ts = TraceState::Parse(views);
    EXPECT_EQ(ts.members_text(), c.valid ? c.canonical : "");
    if (views.size() == 1) {
      EXPECT_EQ(TraceState::Parse(views[0]), ts);
    }
  }
}

TEST(TraceStateTest, GetReturnsValuesAndMembersInOrder) {
  const TraceState ts = TraceState::Parse("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE");
  EXPECT_THAT(ts.Get("rojo"), Optional(std::string_view("00f067aa0ba902b7")));
  EXPECT_THAT(ts.Get("congo"), Optional(std::string_view("t61rcWkgMzE")));
  EXPECT_EQ(ts.Get("missing"), std::nullopt);
  EXPECT_EQ(ts.Get("roj"), std::nullopt);
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts.member(1).key, "congo");
  EXPECT_EQ(ts.member(1).value, "t61rcWkgMzE");
}

struct MutationCase {
  const char* rule;
  std::string initial;
  std::string key;
  std::string value;
  bool ok;
  std::string expected;
};

TEST(TraceStateTest, SetMovesTheKeyToTheLeft) {
  const std::string max_value(256, 'v');
  const MutationCase cases[] = {
      {"added key goes to the left", "a=1,b=2", "c", "3", true, "c=3,a=1,b=2"},
      {"changed key moves to the left", "a=1,b=2,c=3", "c", "9", true, "c=9,a=1,b=2"},
      {"changing the left-most key keeps it left", "a=1,b=2", "a", "5", true, "a=5,b=2"},
      {"set on empty state", "", "a", "1", true, "a=1"},
      {"beyond 32 the right-most is dropped", Members(32), "new", "x", true,
       "new=x," + Members(31)},
      {"updating at 32 members drops nothing", Members(32), "k31", "x", true,
       "k31=x," + Members(31)},
      {"invalid key rejected, state unchanged", "a=1", "Bad", "1", false, "a=1"},
      {"key with '=' rejected", "a=1", "a=b", "1", false, "a=1"},
      {"empty value rejected", "a=1", "b", "", false, "a=1"},
      {"value ending in a space rejected", "a=1", "b", "x ", false, "a=1"},
      {"value with ',' rejected", "a=1", "b", "x,y", false, "a=1"},
      {"value of 257 characters rejected", "a=1", "b", max_value + "v", false, "a=1"},
      {"value of 256 characters accepted", "a=1", "b", max_value, true, "b=" + max_value + ",a=1"},
  };
  for (const MutationCase& c : cases) {
    SCOPED_TRACE(c.rule);
    TraceState ts = TraceState::Parse(c.initial);
    EXPECT_EQ(ts.Set(c.key, c.value).ok(), c.ok);
    EXPECT_EQ(ts.members_text(), c.expected);
  }
}

TEST(TraceStateTest, DeleteRemovesOnlyThatKey) {
  TraceState ts = TraceState::Parse("a=1,b=2,c=3");
  EXPECT_TRUE(ts.Delete("b"));
  EXPECT_EQ(ts.members_text(), "a=1,c=3");
  EXPECT_FALSE(ts.Delete("b"));
  EXPECT_TRUE(ts.Delete("a"));
  EXPECT_TRUE(ts.Delete("c"));
  EXPECT_TRUE(ts.empty());
  EXPECT_EQ(ts.Serialize(), "");
  EXPECT_TRUE(ts.Set("d", "4").ok());
  EXPECT_EQ(ts.Serialize(), "d=4");
}

TEST(TraceStateTest, SerializeKeepsAtMost512CharactersDroppingWholeEntries) {
  // Member i has exactly `size` characters: key "k<i>" (padded with 'x' when the value alone
  // cannot reach the size) + '=' + value.
  auto key_of = [](int i, size_t size) {
    std::string key = "k" + std::to_string(i);
    if (size > key.size() + 1 + TraceState::kMaxValueLength) {
      key.resize(size - 1 - TraceState::kMaxValueLength, 'x');
    }
    return key;
  };
  auto member = [&key_of](int i, size_t size) {
    const std::string key = key_of(i, size);
    return key + "=" + std::string(size - key.size() - 1, static_cast<char>('a' + i % 26));
  };
  struct Case {
    const char* rule;
    std::vector<size_t> sizes;
    std::vector<int> kept;  // Indices of the members that survive.
  };
  const Case cases[] = {
      {"fits: everything kept", {100, 100, 100}, {0, 1, 2}},
      {"exactly 512 (510 + 2 commas) kept", {170, 170, 170}, {0, 1, 2}},
      {"over 512 drops the right-most", {100, 100, 100, 100, 110}, {0, 1, 2, 3}},
      {"entries over 128 go first, right-most first", {200, 50, 200, 50, 100}, {0, 1, 3, 4}},
      {"only as many large entries as needed", {129, 129, 129, 129, 50}, {0, 1, 2, 4}},
      {"an entry of exactly 128 is not large", {128, 128, 128, 128, 129, 10}, {0, 1, 2}},
      {"after large entries, drop from the right", {120, 120, 120, 120, 120, 300}, {0, 1, 2, 3}},
      {"a single member of 513 is dropped", {513}, {}},
      {"32 members of 100: the first 5 fit", std::vector<size_t>(32, 100), {0, 1, 2, 3, 4}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    std::string header;
    for (size_t i = 0; i < c.sizes.size(); ++i) {
      if (i > 0) header += ",";
      header += member(static_cast<int>(i), c.sizes[i]);
    }
    const TraceState ts = TraceState::Parse(header);
    ASSERT_EQ(ts.size(), c.sizes.size());
    const std::string out = ts.Serialize();
    EXPECT_LE(out.size(), TraceState::kMaxSerializedLength);
    std::vector<std::string> expected_keys;
    for (const int i : c.kept) expected_keys.push_back(key_of(i, c.sizes[i]));
    const TraceState reparsed = TraceState::Parse(out);
    EXPECT_EQ(Keys(reparsed), expected_keys);
    for (const std::string& key : expected_keys) EXPECT_EQ(reparsed.Get(key), ts.Get(key));
  }
}

TEST(TraceStateTest, HostileInputIsBoundedInTimeAndMemory) {
  const auto deadline = std::chrono::milliseconds(200);  // Sanity bound; speed is benchmarked.
  struct Case {
    const char* rule;
    std::string input;
    bool valid;
    size_t members;
  };
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "k" + std::to_string(i) + "=v,";
  const size_t cap = TraceState::kMaxInputLength;
  const Case cases[] = {
      {"input up to the cap is scanned: commas then a member", std::string(cap - 3, ',') + "a=1",
       true, 1},
      {"input up to the cap: spaces and tabs",
       std::string(cap / 2, ' ') + std::string(cap / 2, '\t'), true, 0},
      {"input over the cap discards the tracestate", std::string(cap - 2, ',') + "a=1", false, 0},
      {"exactly the cap is scanned", std::string(cap, ','), true, 0},
      {"1 MB of commas is discarded without scanning", std::string(1 << 20, ','), false, 0},
      {"1 MB of spaces and tabs", std::string(1 << 19, ' ') + std::string(1 << 19, '\t'), false, 0},
      {"10,000 members discard everything", many, false, 0},
      {"one 1 MB value", "k=" + std::string(1 << 20, 'v'), false, 0},
      {"one 1 MB key", std::string(1 << 20, 'k') + "=v", false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    const auto start = std::chrono::steady_clock::now();
    TraceStateParser parser;
    parser.AddField(c.input);
    EXPECT_EQ(parser.ok(), c.valid);
    const TraceState ts = std::move(parser).Finish();
    EXPECT_LT(std::chrono::steady_clock::now() - start, deadline);
    EXPECT_EQ(ts.size(), c.members);
    EXPECT_LE(ts.members_text().size(), 32u * 513u);
  }
}

TEST(TraceStateTest, InputCapCountsAllFieldsTogether) {
  const std::string half(TraceState::kMaxInputLength / 2, ',');
  TraceStateParser parser;
  parser.AddField(half + "a=1");
  EXPECT_TRUE(parser.ok());
  parser.AddField(half);
  EXPECT_FALSE(parser.ok());
  EXPECT_TRUE(std::move(parser).Finish().empty());
}

TEST(TraceStateTest, KeyAndValueValidators) {
  EXPECT_TRUE(TraceState::IsValidKey("a"));
  EXPECT_TRUE(TraceState::IsValidKey("0"));
  EXPECT_FALSE(TraceState::IsValidKey(""));
  EXPECT_FALSE(TraceState::IsValidKey("-a"));
  EXPECT_TRUE(TraceState::IsValidValue(" x"));  // Leading space is allowed by the grammar.
  EXPECT_FALSE(TraceState::IsValidValue("x "));
  EXPECT_THAT(Keys(TraceState::Parse("b=1,a=2")), ElementsAre("b", "a"));
}

}  // namespace
}  // namespace weft::tracecontext
