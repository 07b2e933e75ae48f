// Lowercase hex encoding and case-sensitive or case-insensitive decoding of fixed-size byte
// strings. Used for trace and span ids everywhere (model, tracecontext, JSON codecs).
// Thread-safe: pure functions over caller-owned memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace weft {

enum class HexCase : uint8_t {
  kLowerOnly,  // W3C traceparent: only 0-9a-f are valid.
  kAny,        // OTLP/JSON and user input: A-F accepted too.
};

// Writes 2*n lowercase hex characters of `bytes` to `out`. REQUIRES: out has room for 2*n chars.
void HexEncode(const uint8_t* bytes, size_t n, char* out);

// Decodes exactly 2*n hex characters from `hex` into `out[0..n)`. Returns false, leaving `out`
// unspecified, if `hex.size() != 2*n` or any character is not hex under `hex_case`.
bool HexDecode(std::string_view hex, uint8_t* out, size_t n, HexCase hex_case);

// Value of one hex digit, or -1. kLowerOnly rejects 'A'-'F'.
inline int HexDigitValue(char c, HexCase hex_case) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex_case == HexCase::kAny && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace weft
