#include "common/hex.h"

#include <array>

namespace weft {
namespace {

// 256-entry tables turn decoding into one load per character; -1 marks a non-hex character.
constexpr std::array<int8_t, 256> MakeTable(bool upper_too) {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
  if (upper_too) {
    for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<int8_t>(c - 'A' + 10);
  }
  return t;
}
constexpr std::array<int8_t, 256> kLowerTable = MakeTable(false);
constexpr std::array<int8_t, 256> kAnyTable = MakeTable(true);
constexpr char kDigits[] = "0123456789abcdef";

}  // namespace

void HexEncode(const uint8_t* bytes, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
}

bool HexDecode(std::string_view hex, uint8_t* out, size_t n, HexCase hex_case) {
  if (hex.size() != 2 * n) return false;
  const auto& table = hex_case == HexCase::kLowerOnly ? kLowerTable : kAnyTable;
  int bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const int hi = table[static_cast<uint8_t>(hex[2 * i])];
    const int lo = table[static_cast<uint8_t>(hex[2 * i + 1])];
    bad |= hi | lo;  // any -1 sets the sign bit
    out[i] = static_cast<uint8_t>((hi << 4) | (lo & 0xf));
  }
  return bad >= 0;
}

}  // namespace weft
