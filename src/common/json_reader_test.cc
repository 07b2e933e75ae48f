#include "common/json_reader.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"

namespace weft::json {
namespace {

// Parses `text` and returns what `read` returns for its root (a status, or the value's string).
template <typename Fn>
absl::Status ParseAndVisit(std::string_view text, Fn read, size_t max_depth = 64) {
  return ParseUntrustedJson(text, max_depth, [&](Element root) { return read(root); });
}

TEST(JsonPathTest, RendersFieldsAndIndexes) {
  const JsonPath root;
  EXPECT_EQ(root.ToString(), "");
  const JsonPath a = root.Field("resourceSpans");
  const JsonPath b = a.Index(0);
  const JsonPath c = b.Field("spans");
  const JsonPath d = c.Index(3);
  EXPECT_EQ(d.Field("kind").ToString(), "resourceSpans[0].spans[3].kind");
  EXPECT_EQ(root.Index(2).Field("id").ToString(), "[2].id");
  EXPECT_EQ(FieldError(d.Field("kind"), "expected integer").message(),
            "resourceSpans[0].spans[3].kind: expected integer");
  EXPECT_EQ(FieldError(root, "expected object").message(), "expected object");
}

TEST(JsonPathTest, LongNamesAreCutAtACharacterBoundary) {
  const JsonPath root;
  const std::string long_name = std::string(63, 'k') + "\xc3\xa9" + std::string(100, 'x');
  EXPECT_EQ(root.Field("tags").Field(long_name).ToString(), "tags." + std::string(63, 'k') + "...");
}

TEST(ParseUntrustedJsonTest, MalformedTextIsInvalidArgument) {
  for (std::string_view text : {"", "{", "[1,2", R"({"a":})", "nul", "{\"a\":1}x", "\"\\x\""}) {
    const absl::Status status = ParseAndVisit(text, [](Element) { return absl::OkStatus(); });
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ParseUntrustedJsonTest, DeepNestingFailsWithoutRecursion) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const absl::Status status = ParseAndVisit(deep, [](Element) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("nested deeper than 64"), std::string::npos) << status;
}

TEST(ParseUntrustedJsonTest, ReturnsWhatTheVisitorReturns) {
  const absl::Status status =
      ParseAndVisit("[1]", [](Element) { return absl::NotFoundError("visited"); });
  EXPECT_EQ(status, absl::NotFoundError("visited"));
}

TEST(ParseUntrustedJsonTest, InvalidUtf8InStringsBecomesReplacementCharacter) {
  std::string got;
  const absl::Status status = ParseAndVisit(
      "[\"a\xff\xfe"
      "b\"]",
      [&](Element root) {
        got = std::string(root.at(0).get_string().value());
        return absl::OkStatus();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(got,
            "a\xef\xbf\xbd\xef\xbf\xbd"
            "b");
}

TEST(ParseUntrustedJsonTest, LoneSurrogateEscapesBecomeReplacementCharacter) {
  std::string got;
  const auto read = [&](Element root) {
    got = std::string(root.at(0).get_string().value());
    return absl::OkStatus();
  };
  ASSERT_TRUE(ParseAndVisit(R"(["a\ud800b"])", read).ok());
  EXPECT_EQ(got,
            "a\xef\xbf\xbd"
            "b");
  ASSERT_TRUE(ParseAndVisit(R"(["\udc00"])", read).ok());
  EXPECT_EQ(got, "\xef\xbf\xbd");
  ASSERT_TRUE(ParseAndVisit(R"(["\ud800\ud800\udc00"])", read).ok());  // lone, then a pair
  EXPECT_EQ(got, "\xef\xbf\xbd\xf0\x90\x80\x80");
  ASSERT_TRUE(ParseAndVisit(R"(["\uD83D\uDE00"])", read).ok());  // a valid pair is untouched
  EXPECT_EQ(got, "\xf0\x9f\x98\x80");
}

TEST(RepairJsonTextTest, LeavesEscapedBackslashesAndTextOutsideStringsAlone) {
  EXPECT_EQ(RepairJsonText(R"(["\\ud800"])"), R"(["\\ud800"])");  // a backslash, then "ud800"
  EXPECT_EQ(RepairJsonText(R"(["\"\ud800"])"), R"(["\"\ufffd"])");
  EXPECT_EQ(RepairJsonText(R"({"k":1})"), R"({"k":1})");
  EXPECT_EQ(RepairJsonText("\"\\u"), "\"\\u");  // truncated escape: left for the parser
}

TEST(ParseUntrustedJsonTest, NestedParseOnTheSameThreadWorks) {
  const absl::Status status = ParseAndVisit("[1]", [](Element outer) {
    return ParseUntrustedJson("[2]", 8, [&](Element inner) {
      EXPECT_EQ(int64_t(inner.at(0)), 2);
      EXPECT_EQ(int64_t(outer.at(0)), 1);  // the outer document is still intact
      return absl::OkStatus();
    });
  });
  EXPECT_TRUE(status.ok()) << status;
}

TEST(ParseUntrustedJsonTest, LargeDocumentsUseTheirOwnParser) {
  std::string big = "[\"" + std::string(kReusedParserMaxBytes + 10, 'x') + "\"]";
  size_t size = 0;
  ASSERT_TRUE(ParseAndVisit(big, [&](Element root) {
                size = root.at(0).get_string().value().size();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(size, kReusedParserMaxBytes + 10);
}

// Reads the single element of a one-element array with `reader`.
template <typename T>
absl::StatusOr<T> ReadOne(std::string_view text,
                          absl::StatusOr<T> (*reader)(Element, const JsonPath&)) {
  absl::StatusOr<T> out = absl::UnknownError("not visited");
  const absl::Status status = ParseAndVisit(text, [&](Element root) {
    const JsonPath path;
    out = reader(root.at(0).value(), path.Field("f"));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

TEST(JsonReadersTest, Uint64AcceptsNumbersAndDecimalStrings) {
  EXPECT_EQ(*ReadOne<uint64_t>("[42]", ReadUint64), 42u);
  EXPECT_EQ(*ReadOne<uint64_t>(R"(["1700000000000000000"])", ReadUint64), 1700000000000000000u);
  EXPECT_EQ(*ReadOne<uint64_t>("[18446744073709551615]", ReadUint64), UINT64_MAX);
  EXPECT_EQ(*ReadOne<uint64_t>(R"(["18446744073709551615"])", ReadUint64), UINT64_MAX);
  EXPECT_EQ(*ReadOne<uint64_t>("[1e3]", ReadUint64), 1000u);
  EXPECT_EQ(*ReadOne<uint64_t>("[5.0]", ReadUint64), 5u);
}

TEST(JsonReadersTest, Uint64RejectsOverflowNegativesFractionsAndJunk) {
  EXPECT_EQ(ReadOne<uint64_t>(R"(["18446744073709551616"])", ReadUint64).status().message(),
            "f: integer out of range");
  // As a JSON number, uint64 overflow is rejected by the parser itself.
  EXPECT_EQ(ReadOne<uint64_t>("[18446744073709551616]", ReadUint64).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadOne<uint64_t>("[-1]", ReadUint64).status().message(), "f: integer out of range");
  EXPECT_EQ(ReadOne<uint64_t>(R"(["-1"])", ReadUint64).status().message(), "f: expected integer");
  EXPECT_EQ(ReadOne<uint64_t>("[1.5]", ReadUint64).status().message(), "f: expected integer");
  EXPECT_EQ(ReadOne<uint64_t>("[1e20]", ReadUint64).status().message(), "f: integer out of range");
  for (std::string_view junk : {R"([""])", R"(["12a"])", R"([" 1"])", "[true]", "[{}]", "[[]]"}) {
    EXPECT_EQ(ReadOne<uint64_t>(junk, ReadUint64).status().message(), "f: expected integer")
        << junk;
  }
}

TEST(JsonReadersTest, SignedAndNarrowIntegers) {
  EXPECT_EQ(*ReadOne<int64_t>(R"(["-9223372036854775808"])", ReadInt64), INT64_MIN);
  EXPECT_EQ(*ReadOne<int64_t>("[-9223372036854775808]", ReadInt64), INT64_MIN);
  EXPECT_EQ(ReadOne<int64_t>("[9223372036854775808]", ReadInt64).status().message(),
            "f: integer out of range");
  EXPECT_EQ(*ReadOne<uint32_t>("[4294967295]", ReadUint32), 4294967295u);
  EXPECT_EQ(ReadOne<uint32_t>("[4294967296]", ReadUint32).status().message(),
            "f: integer out of range");
  EXPECT_EQ(*ReadOne<int32_t>(R"(["-5"])", ReadInt32), -5);
  EXPECT_EQ(ReadOne<int32_t>("[2147483648]", ReadInt32).status().message(),
            "f: integer out of range");
}

TEST(JsonReadersTest, Doubles) {
  EXPECT_EQ(*ReadOne<double>("[1.5]", ReadDouble), 1.5);
  EXPECT_EQ(*ReadOne<double>("[3]", ReadDouble), 3.0);
  EXPECT_EQ(*ReadOne<double>(R"(["2.25"])", ReadDouble), 2.25);
  EXPECT_TRUE(std::isnan(*ReadOne<double>(R"(["NaN"])", ReadDouble)));
  EXPECT_EQ(*ReadOne<double>(R"(["-Infinity"])", ReadDouble), -INFINITY);
  EXPECT_EQ(ReadOne<double>(R"(["x"])", ReadDouble).status().message(), "f: expected number");
  EXPECT_EQ(ReadOne<double>("[null]", ReadDouble).status().message(), "f: expected number");
}

TEST(JsonReadersTest, TypeErrorsNameTheExpectedType) {
  EXPECT_EQ(ReadOne<std::string_view>("[1]", ReadString).status().message(), "f: expected string");
  EXPECT_EQ(ReadOne<bool>(R"(["true"])", ReadBool).status().message(), "f: expected boolean");
  EXPECT_TRUE(*ReadOne<bool>("[true]", ReadBool));
}

}  // namespace
}  // namespace weft::json
