#include "common/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/utf8.h"

namespace weft {
namespace {

// What each byte needs inside a JSON string: kCopy bytes are copied in runs.
enum ByteClass : uint8_t { kCopy = 0, kEscape = 1, kNonAscii = 2 };

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kEscape;
  for (char c : {'"', '\\', '<', '>', '&'}) t[static_cast<uint8_t>(c)] = kEscape;
  for (int c = 0x80; c < 0x100; ++c) t[c] = kNonAscii;
  return t;
}
constexpr std::array<uint8_t, 256> kByteClass = MakeByteClasses();
constexpr char kHexDigits[] = "0123456789abcdef";

void AppendUnicodeEscape(unsigned code, JsonOutputBuffer& out) {
  const char escape[6] = {'\\',
                          'u',
                          kHexDigits[(code >> 12) & 0xf],
                          kHexDigits[(code >> 8) & 0xf],
                          kHexDigits[(code >> 4) & 0xf],
                          kHexDigits[code & 0xf]};
  out.Put(escape, sizeof(escape));
}

// Length of the valid UTF-8 sequence that starts with the non-ASCII byte s[i], or 0 if it is
// not valid (RFC 3629: no overlongs, surrogates or code points past U+10FFFF).
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = byte(i);
  const size_t left = s.size() - i;
  const auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    const uint8_t c1 = byte(i + 1);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    const uint8_t c1 = byte(i + 1);
    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) return 0;
    return 4;
  }
  return 0;
}

uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// True if any of the 8 bytes in `x` is not kCopy: below 0x20, one of " \\ < > &, or non-ASCII.
// (Word-at-a-time tests: exact as a yes/no answer for the whole word.)
bool AnyByteNeedsWork(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  // (v - 1) & ~v sets the top bit of each zero byte of v.
  const auto zero_bytes = [](uint64_t v) { return (v - kOnes) & ~v; };
  const uint64_t hits = x | (x - kOnes * 0x20) | zero_bytes(x ^ (kOnes * '"')) |
                        zero_bytes(x ^ (kOnes * '\\')) | zero_bytes(x ^ (kOnes * '<')) |
                        zero_bytes(x ^ (kOnes * '>')) | zero_bytes(x ^ (kOnes * '&'));
  // A top bit is set by a non-ASCII byte (x itself), by a byte below 0x20 (x - 0x20 borrows) or
  // by a byte equal to one of the five. Borrows can set top bits falsely only above a true hit,
  // and a non-ASCII byte hits anyway, so the answer for the word is exact.
  return (hits & kHigh) != 0;
}

// Escapes `s` into `out`. At the first invalid UTF-8 sequence the rest of `s` is repaired by
// AppendSanitizedUtf8 (one U+FFFD per maximal invalid subpart) and escaped from the copy.
void AppendEscaped(std::string_view s, JsonOutputBuffer& out) {
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const size_t run_start = i;
    while (i + 8 <= n && !AnyByteNeedsWork(Load8(s.data() + i))) i += 8;
    while (i < n && kByteClass[static_cast<uint8_t>(s[i])] == kCopy) ++i;
    out.Put(s.data() + run_start, i - run_start);
    if (i == n) break;
    const char c = s[i];
    if (kByteClass[static_cast<uint8_t>(c)] == kNonAscii) {
      const size_t length = Utf8SequenceLength(s, i);
      if (length == 0) {
        std::string repaired;
        AppendSanitizedUtf8(s.substr(i), repaired);
        AppendEscaped(repaired, out);  // valid now: recurses at most once
        return;
      }
      // U+2028 and U+2029 (E2 80 A8/A9) end a line in older JavaScript parsers.
      if (length == 3 && static_cast<uint8_t>(c) == 0xE2 &&
          static_cast<uint8_t>(s[i + 1]) == 0x80 &&
          (static_cast<uint8_t>(s[i + 2]) & 0xFE) == 0xA8) {
        AppendUnicodeEscape(static_cast<uint8_t>(s[i + 2]) == 0xA8 ? 0x2028 : 0x2029, out);
      } else {
        out.Put(s.data() + i, length);
      }
      i += length;
      continue;
    }
    switch (c) {
      case '"':
        out.Put("\\\"", 2);
        break;
      case '\\':
        out.Put("\\\\", 2);
        break;
      case '\n':
        out.Put("\\n", 2);
        break;
      case '\r':
        out.Put("\\r", 2);
        break;
      case '\t':
        out.Put("\\t", 2);
        break;
      case '\b':
        out.Put("\\b", 2);
        break;
      case '\f':
        out.Put("\\f", 2);
        break;
      default:  // other control characters and < > &
        AppendUnicodeEscape(static_cast<uint8_t>(c), out);
    }
    ++i;
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string& out) {
  JsonOutputBuffer buffer(out);
  buffer.Put('"');
  AppendEscaped(s, buffer);
  buffer.Put('"');
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  if (need_comma_) buffer_.Put(',');
  buffer_.Put('"');
  AppendEscaped(key, buffer_);
  buffer_.Put("\":", 2);
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  buffer_.Put('"');
  AppendEscaped(value, buffer_);
  buffer_.Put('"');
  return *this;
}

JsonWriter& JsonWriter::StringField(std::string_view key, std::string_view value) {
  if (need_comma_) buffer_.Put(',');
  buffer_.Put('"');
  AppendEscaped(key, buffer_);
  buffer_.Put("\":\"", 3);
  AppendEscaped(value, buffer_);
  buffer_.Put('"');
  need_comma_ = true;
  return *this;
}

template <typename T>
JsonWriter& JsonWriter::Integer(T value, bool quoted) {
  constexpr size_t kMaxText = 24;  // ',' '"' 20 digits with sign '"'
  char* const start = buffer_.Reserve(kMaxText);
  char* p = start;
  if (need_comma_) *p++ = ',';
  if (quoted) *p++ = '"';
  p = std::to_chars(p, start + kMaxText, value).ptr;
  if (quoted) *p++ = '"';
  buffer_.Commit(static_cast<size_t>(p - start));
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) { return Integer(value, false); }
JsonWriter& JsonWriter::Uint(uint64_t value) { return Integer(value, false); }
JsonWriter& JsonWriter::IntString(int64_t value) { return Integer(value, true); }
JsonWriter& JsonWriter::UintString(uint64_t value) { return Integer(value, true); }

JsonWriter& JsonWriter::Double(double value) {
  if (std::isnan(value)) return String("NaN");
  if (std::isinf(value)) return String(value > 0 ? "Infinity" : "-Infinity");
  Separate();
  char buf[40];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  const std::string_view text(buf, result.ptr - buf);
  buffer_.Put(text);
  if (text.find_first_of(".e") == std::string_view::npos) buffer_.Put(".0", 2);
  return *this;
}

}  // namespace weft
