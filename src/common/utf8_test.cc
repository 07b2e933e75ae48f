#include "common/utf8.h"

#include "common/arena.h"
#include "gtest/gtest.h"

namespace weft {
namespace {

struct Case {
  const char* rule;
  std::string input;
  bool valid;
  std::string repaired;
};

TEST(Utf8Test, ValidationAndRepair) {
  const std::string fffd = "\xEF\xBF\xBD";
  const Case cases[] = {
      {"ascii", "hello", true, "hello"},
      {"two-byte", "caf\xC3\xA9", true, "caf\xC3\xA9"},
      {"four-byte emoji", "\xF0\x9F\x98\x80", true, "\xF0\x9F\x98\x80"},
      {"lone continuation byte", "a\x80z", false, "a" + fffd + "z"},
      {"overlong encoding of '/'", "\xC0\xAF", false, fffd + fffd},
      {"surrogate half", "\xED\xA0\x80", false, fffd + fffd + fffd},
      {"past U+10FFFF", "\xF4\x90\x80\x80", false, fffd + fffd + fffd + fffd},
      {"truncated sequence at end", "ab\xE2\x82", false, "ab" + fffd},
      {"invalid byte 0xFF", "\xFF", false, fffd},
      {"embedded NUL is valid", std::string("a\0b", 3), true, std::string("a\0b", 3)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    EXPECT_EQ(IsValidUtf8(c.input), c.valid);
    std::string out;
    AppendSanitizedUtf8(c.input, out);
    EXPECT_EQ(out, c.repaired);
    EXPECT_TRUE(IsValidUtf8(out));
  }
}

TEST(Utf8Test, SanitizeReturnsInputWhenValid) {
  Arena arena;
  std::string_view valid = "fine";
  EXPECT_EQ(SanitizeUtf8(valid, arena).data(), valid.data());
  EXPECT_EQ(SanitizeUtf8("bad\xFF", arena), "bad\xEF\xBF\xBD");
}

}  // namespace
}  // namespace weft
