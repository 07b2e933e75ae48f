// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78) for on-disk checksums (WAL
// records, block chunks). Uses the SSE4.2 `crc32` instruction when the CPU has it, else a
// slicing-by-8 table; both give identical results. Mask/Unmask are for checksums stored next to
// the data they cover (see docs/format/wal.md, "Checksums").
// Thread rule: pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace weft::crc32c {

// The CRC-32C of `data` appended to data whose CRC-32C is `crc` (0 for the empty prefix):
// Extend(Value(a), b) == Value(a + b).
uint32_t Extend(uint32_t crc, std::string_view data);

inline uint32_t Value(std::string_view data) { return Extend(0, data); }

// A stored CRC is masked so that the CRC of bytes that themselves contain CRCs (a WAL segment
// copied into a payload, a record header quoted in a test) does not degenerate, and an all-zero
// region never checks out (Value of zeros is not 0 after masking). Rotate right by 15 bits, then
// add a constant.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline constexpr uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline constexpr uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// TEST_ hooks: force one implementation, so tests compare them on the same input.
uint32_t TEST_ExtendPortable(uint32_t crc, std::string_view data);
// Returns false (and computes nothing) when the CPU lacks SSE4.2.
bool TEST_ExtendHardware(uint32_t crc, std::string_view data, uint32_t* out);

}  // namespace weft::crc32c
