#include "tracecontext/carrier.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace weft::tracecontext {
namespace {

// ASCII case-insensitive equality of header names (RFC 7230 tokens). Debian's absl has its own
// string_view type, so absl::EqualsIgnoreCase does not take std::string_view; and since every
// propagator call compares a few names, they are compared eight bytes at a time.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// `x` with 'A'-'Z' turned into 'a'-'z'. REQUIRES: every byte < 0x80, so no sum below carries.
uint64_t AsciiLower8(uint64_t x) {
  const uint64_t ge_a = x + kOnes * (0x80 - 'A');
  const uint64_t gt_z = x + kOnes * (0x80 - 'Z' - 1);
  const uint64_t upper = ge_a & ~gt_z & kHighBits;
  return x | (upper >> 2);  // 0x80 >> 2 == 0x20, the case bit.
}

bool EqualsIgnoreCaseBytes(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    const auto x = static_cast<unsigned char>(a[i] | 0x20);  // Only sound for letters:
    if (x != static_cast<unsigned char>(b[i] | 0x20) || x < 'a' || x > 'z') return false;
  }
  return true;
}

bool EqualsIgnoreCase8(const char* a, const char* b) {
  const uint64_t x = Load8(a);
  const uint64_t y = Load8(b);
  if (x == y) return true;
  if (((x | y) & kHighBits) != 0) return EqualsIgnoreCaseBytes(a, b, 8);
  return AsciiLower8(x) == AsciiLower8(y);
}

bool EqualsIgnoreCaseSameSize(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n < 8) return EqualsIgnoreCaseBytes(a.data(), b.data(), n);
  for (size_t i = 0; i + 8 < n; i += 8) {
    if (!EqualsIgnoreCase8(a.data() + i, b.data() + i)) return false;
  }
  return EqualsIgnoreCase8(a.data() + n - 8, b.data() + n - 8);  // May overlap the last chunk.
}

// Most names differ in length, so that test stays inline.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualsIgnoreCaseSameSize(a, b);
}

}  // namespace

void HeaderMapCarrier::Get(std::string_view name,
                           absl::FunctionRef<void(std::string_view value)> on_value) const {
  for (const Header& header : headers_) {
    if (EqualsIgnoreCase(header.first, name)) on_value(header.second);
  }
}

void HeaderMapCarrier::Set(std::string_view name, std::string_view value) {
  auto matches = [name](const Header& header) { return EqualsIgnoreCase(header.first, name); };
  const auto first = std::find_if(headers_.begin(), headers_.end(), matches);
  if (first == headers_.end()) {
    headers_.emplace_back(std::string(name), std::string(value));
    return;
  }
  first->second.assign(value.data(), value.size());
  headers_.erase(std::remove_if(first + 1, headers_.end(), matches), headers_.end());
}

void HeaderMapCarrier::Add(std::string_view name, std::string_view value) {
  headers_.emplace_back(std::string(name), std::string(value));
}

std::vector<std::string_view> HeaderMapCarrier::Values(std::string_view name) const {
  std::vector<std::string_view> values;
  Get(name, [&values](std::string_view value) { values.push_back(value); });
  return values;
}

}  // namespace weft::tracecontext
