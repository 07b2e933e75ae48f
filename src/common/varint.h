// Base-128 varints (protobuf's encoding: 7 bits per byte, little-endian groups, high bit set on
// every byte but the last), zigzag for signed values, and little-endian fixed-width integers. Used
// by the OTLP protobuf codec and the WAL. Decoders are bounds-checked: they never read at or past
// `end` and report truncation instead.
// Thread rule: pure functions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace weft {

inline constexpr size_t kMaxVarint32Bytes = 5;
inline constexpr size_t kMaxVarint64Bytes = 10;

// Bytes EncodeVarint64 writes for `value` (1..10).
inline constexpr size_t VarintLength(uint64_t value) {
  // Each byte carries 7 bits: (bits needed + 6) / 7, with 0 needing one byte.
  const size_t bits = 64 - static_cast<size_t>(std::countl_zero(value | 1));
  return (bits + 6) / 7;
}

// Writes `value` at `dst` and returns the position after it.
// REQUIRES: `dst` has room for VarintLength(value) bytes (kMaxVarint64Bytes always suffices).
inline char* EncodeVarint64(char* dst, uint64_t value) {
  auto* p = reinterpret_cast<uint8_t*>(dst);
  while (value >= 0x80) {
    *p++ = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  *p++ = static_cast<uint8_t>(value);
  return reinterpret_cast<char*>(p);
}

inline void PutVarint64(std::string& out, uint64_t value) {
  char buf[kMaxVarint64Bytes];
  out.append(buf, EncodeVarint64(buf, value) - buf);
}

namespace varint_internal {

// The general case of DecodeVarint64: checks the bound before every byte.
inline const char* DecodeVarint64Slow(const char* p, const char* end, uint64_t* value) {
  uint64_t result = 0;
  for (size_t i = 0; i < kMaxVarint64Bytes && p < end; ++i) {
    const uint8_t byte = static_cast<uint8_t>(*p++);
    // The 10th byte can only contribute bit 63; like protobuf, higher bits are dropped.
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      *value = result;
      return p;
    }
  }
  return nullptr;  // ran past `end`, or more than 10 bytes
}

}  // namespace varint_internal

// Decodes a varint from [p, end). Returns the position after it, or nullptr if the input ends
// inside it or it is longer than 10 bytes. `*value` is written only on success. A varint wider than
// 64 bits keeps its low 64 bits (protobuf's rule). REQUIRES: p <= end.
inline const char* DecodeVarint64(const char* p, const char* end, uint64_t* value) {
  if (p < end && static_cast<uint8_t>(*p) < 0x80) [[likely]] {
    *value = static_cast<uint8_t>(*p);
    return p + 1;
  }
  return varint_internal::DecodeVarint64Slow(p, end, value);
}

// Like DecodeVarint64, but also fails (nullptr) when the value does not fit in 32 bits.
inline const char* DecodeVarint32(const char* p, const char* end, uint32_t* value) {
  uint64_t v = 0;
  const char* next = DecodeVarint64(p, end, &v);
  if (next == nullptr || v > UINT32_MAX) return nullptr;
  *value = static_cast<uint32_t>(v);
  return next;
}

// Consuming forms over a string_view: on success the varint is removed from the front of `input`;
// on failure `input` is left unchanged and false is returned.
inline bool GetVarint64(std::string_view& input, uint64_t* value) {
  const char* end = input.data() + input.size();
  const char* next = DecodeVarint64(input.data(), end, value);
  if (next == nullptr) return false;
  input.remove_prefix(static_cast<size_t>(next - input.data()));
  return true;
}
inline bool GetVarint32(std::string_view& input, uint32_t* value) {
  const char* end = input.data() + input.size();
  const char* next = DecodeVarint32(input.data(), end, value);
  if (next == nullptr) return false;
  input.remove_prefix(static_cast<size_t>(next - input.data()));
  return true;
}

// Zigzag maps signed to unsigned so small magnitudes stay short: 0,-1,1,-2 -> 0,1,2,3.
inline constexpr uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline constexpr int64_t ZigZagDecode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Little-endian fixed-width integers (protobuf fixed32/fixed64, WAL headers).
// REQUIRES: 4 (or 8) bytes readable / writable at `p`.
inline uint32_t DecodeFixed32(const char* p) {
  const auto* b = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
         static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
}
inline uint64_t DecodeFixed64(const char* p) {
  return static_cast<uint64_t>(DecodeFixed32(p)) | static_cast<uint64_t>(DecodeFixed32(p + 4))
                                                       << 32;
}
inline char* EncodeFixed32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
  return p + 4;
}
inline char* EncodeFixed64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
  return p + 8;
}
inline void PutFixed32(std::string& out, uint32_t v) {
  char buf[4];
  out.append(buf, EncodeFixed32(buf, v) - buf);
}
inline void PutFixed64(std::string& out, uint64_t v) {
  char buf[8];
  out.append(buf, EncodeFixed64(buf, v) - buf);
}

}  // namespace weft
