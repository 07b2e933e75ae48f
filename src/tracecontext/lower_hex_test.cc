#include "tracecontext/lower_hex.h"

#include <array>
#include <string>
#include <vector>

#include "common/hex.h"
#include "common/random.h"
#include "gtest/gtest.h"

namespace weft::tracecontext {
namespace {

// Every kernel this target compiles, checked against common/hex.h.
template <size_t n>
struct Kernel {
  const char* name;
  bool (*decode)(const char*, uint8_t*);
  void (*encode)(const uint8_t*, char*);
};

template <size_t n>
std::vector<Kernel<n>> Kernels() {
  std::vector<Kernel<n>> kernels = {
      {"swar", &lower_hex::swar::Decode<n>, &lower_hex::swar::Encode<n>}};
#if defined(__SSE2__)
  kernels.push_back({"sse2", &lower_hex::sse2::Decode<n>, &lower_hex::sse2::Encode<n>});
#endif
  return kernels;
}

template <size_t n>
void CheckAgainstReference() {
  RandomGenerator random(42);
  for (const Kernel<n>& kernel : Kernels<n>()) {
    SCOPED_TRACE(kernel.name);
    // Random bytes round-trip and match HexEncode.
    for (int round = 0; round < 1000; ++round) {
      std::array<uint8_t, n> bytes;
      for (auto& b : bytes) b = static_cast<uint8_t>(random.Next());
      std::string expected(2 * n, '\0');
      HexEncode(bytes.data(), n, expected.data());
      std::string encoded(2 * n, '\0');
      kernel.encode(bytes.data(), encoded.data());
      ASSERT_EQ(encoded, expected);
      std::array<uint8_t, n> decoded;
      ASSERT_TRUE(kernel.decode(encoded.data(), decoded.data()));
      ASSERT_EQ(decoded, bytes);
    }
    // Every byte value at every position is accepted exactly when it is lowercase hex.
    for (size_t pos = 0; pos < 2 * n; ++pos) {
      for (int c = 0; c < 256; ++c) {
        std::string text(2 * n, 'a');
        text[pos] = static_cast<char>(c);
        std::array<uint8_t, n> reference;
        const bool expected_ok = HexDecode(text, reference.data(), n, HexCase::kLowerOnly);
        std::array<uint8_t, n> decoded;
        const bool ok = kernel.decode(text.data(), decoded.data());
        ASSERT_EQ(ok, expected_ok) << "pos " << pos << " char " << c;
        if (ok) {
          ASSERT_EQ(decoded, reference);
        }
      }
    }
  }
}

TEST(LowerHexTest, EightBytesMatchCommonHex) { CheckAgainstReference<8>(); }
TEST(LowerHexTest, SixteenBytesMatchCommonHex) { CheckAgainstReference<16>(); }

}  // namespace
}  // namespace weft::tracecontext
