#include "common/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "simdjson.h"

namespace weft {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, out);
  return out;
}

// Parses `json` with simdjson and returns the string it holds.
std::string ParsedString(const std::string& json) {
  simdjson::dom::parser parser;
  std::string_view s;
  EXPECT_EQ(parser.parse(json).get_string().get(s), simdjson::SUCCESS) << json;
  return std::string(s);
}

TEST(JsonWriterTest, CommasAreAutomatic) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.StringField("a", "x").IntField("b", -3).Key("c").BeginArray();
  w.Int(1).BeginObject().EndObject().BeginArray().EndArray().Null().Bool(false);
  w.EndArray();
  w.Key("d").BeginObject().BoolField("e", true).EndObject();
  w.EndObject();
  EXPECT_EQ(w.out(), R"({"a":"x","b":-3,"c":[1,{},[],null,false],"d":{"e":true}})");
}

TEST(JsonWriterTest, AppendsToExistingText) {
  std::string out = "prefix:";
  JsonWriter(out).BeginArray().Uint(7).EndArray();
  EXPECT_EQ(out, "prefix:[7]");
}

TEST(JsonWriterTest, ConsecutiveTopLevelValuesAreCommaSeparated) {
  std::string out;
  JsonWriter w(out);
  w.Int(1).Int(2);
  EXPECT_EQ(w.out(), "1,2");
}

TEST(JsonWriterTest, OutputReachesTheStringOnFlushOutOrDestruction) {
  std::string out;
  {
    JsonWriter w(out);
    w.BeginArray().Int(1);
    w.Flush();
    EXPECT_EQ(out, "[1");
    w.Int(2);
    EXPECT_EQ(w.out(), "[1,2");
    w.EndArray();
  }
  EXPECT_EQ(out, "[1,2]");
}

TEST(JsonWriterTest, LongOutputCrossesTheBufferBoundary) {
  std::string out;
  std::string expected = "[";
  const std::string long_text(5000, 'x');
  {
    JsonWriter w(out);
    w.BeginArray();
    for (int i = 0; i < 1000; ++i) {
      w.Int(i);
      expected += (i == 0 ? "" : ",") + std::to_string(i);
    }
    w.String(long_text).UintString(UINT64_MAX);
    w.EndArray();
  }
  expected += ",\"" + long_text + "\",\"18446744073709551615\"]";
  EXPECT_EQ(out, expected);
}

TEST(JsonWriterTest, EscapesQuotesBackslashAndControlCharacters) {
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(Quoted(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Quoted("\x7f"), "\"\x7f\"");  // DEL needs no escape
}

TEST(JsonWriterTest, EscapesHtmlSpecialCharactersAgainstXss) {
  const std::string json = Quoted("</script><img src=x onerror=alert(1)>&amp;");
  EXPECT_EQ(json.find('<'), std::string::npos);
  EXPECT_EQ(json.find('>'), std::string::npos);
  EXPECT_EQ(json.find('&'), std::string::npos);
  EXPECT_EQ(json, R"("\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e\u0026amp;")");
  EXPECT_EQ(ParsedString(json), "</script><img src=x onerror=alert(1)>&amp;");
}

TEST(JsonWriterTest, EscapesJavaScriptLineSeparators) {
  EXPECT_EQ(Quoted("a\u2028b\u2029c"), R"("a\u2028b\u2029c")");
}

TEST(JsonWriterTest, KeepsValidUtf8) {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  EXPECT_EQ(Quoted(text), "\"" + text + "\"");
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(Quoted("a\xff"
                   "b"),
            "\"a\xef\xbf\xbd"
            "b\"");
  // A truncated sequence, an overlong encoding and an encoded surrogate.
  for (std::string_view bad : {"\xe2\x82", "\xc0\xaf", "\xed\xa0\x80"}) {
    const std::string json = Quoted(bad);
    simdjson::dom::parser parser;
    std::string_view s;
    ASSERT_EQ(parser.parse(json).get_string().get(s), simdjson::SUCCESS) << json;
    EXPECT_NE(s.find("\xef\xbf\xbd"), std::string_view::npos);
  }
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  std::string out;
  JsonWriter(out).BeginObject().IntField("<k\"ey>", 1).EndObject();
  EXPECT_EQ(out, R"({"\u003ck\"ey\u003e":1})");
}

TEST(JsonWriterTest, Integers) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray()
      .Int(std::numeric_limits<int64_t>::min())
      .Uint(std::numeric_limits<uint64_t>::max())
      .IntString(-42)
      .UintString(18446744073709551615ull)
      .EndArray();
  EXPECT_EQ(w.out(), R"([-9223372036854775808,18446744073709551615,"-42","18446744073709551615"])");
}

TEST(JsonWriterTest, DoublesRoundTripAndStayDoubles) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray().Double(1.5).Double(1.0).Double(-0.0).Double(1e300).Double(0.1).Double(
      9223372036854775808.0);
  w.EndArray();
  EXPECT_EQ(w.out(), "[1.5,1.0,-0.0,1e+300,0.1,9223372036854775808.0]");
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  ASSERT_EQ(parser.parse(out).get_array().get(array), simdjson::SUCCESS);
  for (simdjson::dom::element e : array) EXPECT_TRUE(e.is_double());
  EXPECT_TRUE(std::signbit(array.at(2).get_double().value()));
}

TEST(JsonWriterTest, NonFiniteDoublesAreProtobufJsonStrings) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray()
      .Double(std::numeric_limits<double>::quiet_NaN())
      .Double(std::numeric_limits<double>::infinity())
      .Double(-std::numeric_limits<double>::infinity())
      .EndArray();
  EXPECT_EQ(w.out(), R"(["NaN","Infinity","-Infinity"])");
}

TEST(JsonWriterTest, RawValue) {
  std::string out;
  JsonWriter(out).BeginArray().Int(1).RawValue(R"({"pre":"encoded"})").EndArray();
  EXPECT_EQ(out, R"([1,{"pre":"encoded"}])");
}

// The escaping a byte needs, written the slow, obvious way.
std::string ReferenceEscape(char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
  }
  if (static_cast<unsigned char>(c) < 0x20 || c == '<' || c == '>' || c == '&') {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
    return buf;
  }
  return std::string(1, c);
}

// Every ASCII byte at every position of a word-sized scan (the writer tests 8 bytes at a time).
TEST(JsonWriterTest, EveryAsciiByteAtEveryPositionIsEscapedExactly) {
  for (int c = 0; c < 128; ++c) {
    for (size_t pos = 0; pos < 20; ++pos) {
      std::string text(20, 'a');
      text[pos] = static_cast<char>(c);
      const std::string expected = "\"" + std::string(pos, 'a') +
                                   ReferenceEscape(static_cast<char>(c)) +
                                   std::string(19 - pos, 'a') + "\"";
      ASSERT_EQ(Quoted(text), expected) << "byte " << c << " at " << pos;
    }
  }
}

TEST(JsonWriterTest, EveryByteValueProducesParseableJson) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string json = Quoted(all);
  const std::string back = ParsedString(json);
  EXPECT_EQ(back.substr(0, 128), all.substr(0, 128));  // ASCII survives exactly
}

}  // namespace
}  // namespace weft
