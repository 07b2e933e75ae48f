// Internal to src/tracecontext: lowercase-hex kernels for the traceparent hot path, which must
// parse and format in well under 20 ns. SSE2 where the target has it (every x86-64), 64-bit SWAR
// elsewhere; both are always compiled so tests can check each against common/hex.h.
// Thread-safe: pure functions over caller-owned memory.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace weft::tracecontext::lower_hex {

// Byte order within a word follows memory order, so the SWAR code assumes little-endian.
static_assert(std::endian::native == std::endian::little, "SWAR hex code assumes little-endian");

namespace swar {

inline constexpr uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr uint64_t kHighBits = 0x8080808080808080ULL;

[[gnu::always_inline]] inline uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Non-zero unless all 8 characters of `x` are lowercase hex. Each range test adds or subtracts a
// per-byte bias so that a byte's high bit ends up set exactly when the character is inside the
// range; bytes >= 0x80 are caught by `x & kHighBits`, and for ASCII bytes the biased sums can
// neither carry nor borrow into a neighbour.
[[gnu::always_inline]] inline uint64_t NotLowerHex8(uint64_t x) {
  const uint64_t ge_0 = x + kOnes * (0x80 - '0');
  const uint64_t le_9 = kOnes * (0x80 + '9') - x;
  const uint64_t ge_a = x + kOnes * (0x80 - 'a');
  const uint64_t le_f = kOnes * (0x80 + 'f') - x;
  const uint64_t hex = (ge_0 & le_9) | (ge_a & le_f);
  return (~hex | x) & kHighBits;
}

// The 4 bytes encoded by 8 hex characters, in memory order. REQUIRES: NotLowerHex8(x) == 0.
[[gnu::always_inline]] inline uint32_t DecodeHex8(uint64_t x) {
  // '0'-'9' carry their value in the low nibble; 'a'-'f' have bit 6 set and need +9.
  const uint64_t nibbles = (x & (kOnes * 0x0f)) + ((x >> 6) & kOnes) * 9;
  // Byte 2k is the high nibble of output byte k, byte 2k+1 the low one.
  uint64_t v = ((nibbles & 0x00ff00ff00ff00ffULL) << 4) | ((nibbles >> 8) & 0x00ff00ff00ff00ffULL);
  v = (v | (v >> 8)) & 0x0000ffff0000ffffULL;
  v = (v | (v >> 16)) & 0x00000000ffffffffULL;
  return static_cast<uint32_t>(v);
}

// 8 lowercase hex characters for the 4 bytes at `in`.
[[gnu::always_inline]] inline uint64_t EncodeHex8(const uint8_t* in) {
  uint32_t packed;
  std::memcpy(&packed, in, sizeof(packed));
  uint64_t x = packed;
  x = (x | (x << 16)) & 0x0000ffff0000ffffULL;
  x = (x | (x << 8)) & 0x00ff00ff00ff00ffULL;  // Input byte k is now the low byte of lane k.
  const uint64_t nibbles = ((x >> 4) & 0x000f000f000f000fULL) | ((x & 0x000f000f000f000fULL) << 8);
  const uint64_t letters = ((nibbles + kOnes * 6) >> 4) & kOnes;  // 1 where nibble >= 10
  return nibbles + kOnes * '0' + letters * ('a' - '0' - 10);
}

// Decodes 2*n lowercase hex characters into n bytes; false if any character is not lowercase
// hex (`out` is then unspecified). REQUIRES: n is a multiple of 4.
template <size_t n>
[[gnu::always_inline]] inline bool Decode(const char* in, uint8_t* out) {
  static_assert(n % 4 == 0);
  uint64_t bad = 0;
  for (size_t i = 0; i < n / 4; ++i) {
    const uint64_t x = Load8(in + 8 * i);
    bad |= NotLowerHex8(x);
    const uint32_t bytes = DecodeHex8(x);
    std::memcpy(out + 4 * i, &bytes, sizeof(bytes));
  }
  return bad == 0;
}

// Writes 2*n lowercase hex characters for n bytes. REQUIRES: n is a multiple of 4.
template <size_t n>
[[gnu::always_inline]] inline void Encode(const uint8_t* in, char* out) {
  static_assert(n % 4 == 0);
  for (size_t i = 0; i < n / 4; ++i) {
    const uint64_t chars = EncodeHex8(in + 4 * i);
    std::memcpy(out + 8 * i, &chars, sizeof(chars));
  }
}

}  // namespace swar

#if defined(__SSE2__)
namespace sse2 {

// Nibble values of 16 characters, and a mask with a bit set for each non-lowercase-hex one.
[[gnu::always_inline]] inline __m128i Nibbles16(const char* in, int* bad) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  // Signed compares: bytes >= 0x80 are negative and fall outside both ranges.
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(c, _mm_set1_epi8('f' + 1)));
  *bad |= _mm_movemask_epi8(_mm_or_si128(digit, letter)) ^ 0xffff;
  return _mm_add_epi8(_mm_and_si128(c, _mm_set1_epi8(0x0f)),
                      _mm_and_si128(letter, _mm_set1_epi8(9)));
}

// Joins nibble pairs: 16-bit lane k holds (high nibble, low nibble) and becomes byte value
// (high << 4 | low) in the lane's low byte.
[[gnu::always_inline]] inline __m128i PairNibbles(__m128i nibbles) {
  return _mm_and_si128(_mm_or_si128(_mm_slli_epi16(nibbles, 4), _mm_srli_epi16(nibbles, 8)),
                       _mm_set1_epi16(0x00ff));
}

// 16 lowercase hex characters for 16 nibble values.
[[gnu::always_inline]] inline __m128i NibblesToAscii(__m128i nibbles) {
  const __m128i letters = _mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9));
  return _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8('0')),
                      _mm_and_si128(letters, _mm_set1_epi8('a' - '0' - 10)));
}

// Same contract as swar::Decode for n = 8 and n = 16.
template <size_t n>
[[gnu::always_inline]] inline bool Decode(const char* in, uint8_t* out) {
  static_assert(n == 8 || n == 16);
  int bad = 0;
  if constexpr (n == 16) {
    const __m128i a = PairNibbles(Nibbles16(in, &bad));
    const __m128i b = PairNibbles(Nibbles16(in + 16, &bad));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(a, b));
  } else {
    const __m128i a = PairNibbles(Nibbles16(in, &bad));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(a, a));
  }
  return bad == 0;
}

// Same contract as swar::Encode for n = 8 and n = 16.
template <size_t n>
[[gnu::always_inline]] inline void Encode(const uint8_t* in, char* out) {
  static_assert(n == 8 || n == 16);
  const __m128i mask = _mm_set1_epi8(0x0f);
  __m128i v;
  if constexpr (n == 16) {
    v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  } else {
    v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in));
  }
  const __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), mask);
  const __m128i lo = _mm_and_si128(v, mask);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), NibblesToAscii(_mm_unpacklo_epi8(hi, lo)));
  if constexpr (n == 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16),
                     NibblesToAscii(_mm_unpackhi_epi8(hi, lo)));
  }
}

}  // namespace sse2
#endif  // __SSE2__

// The best kernels for this target.
#if defined(__SSE2__)
using sse2::Decode;
using sse2::Encode;
#else
using swar::Decode;
using swar::Encode;
#endif

}  // namespace weft::tracecontext::lower_hex
