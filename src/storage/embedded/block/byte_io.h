// Bounds-checked reading and appending of the block format's primitive values: varints, zigzag
// varints, little-endian fixed-width integers and length-prefixed byte strings
// (docs/format/block.md, "Primitives"). Every decoder of block bytes is built on ByteReader, so a
// corrupt length can make a read fail but never read out of bounds.
// Thread rule: a ByteReader is a cursor used by one thread; the Put* functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/varint.h"

namespace weft::storage::embedded::block {

inline void PutLengthPrefixed(std::string& out, std::string_view bytes) {
  PutVarint64(out, bytes.size());
  out.append(bytes);
}

inline void PutZigZag(std::string& out, int64_t value) { PutVarint64(out, ZigZagEncode64(value)); }

// The position just past the next `n` varints of [p, end), or nullptr when fewer end there. Only
// the terminating bytes (high bit clear) are counted, eight bytes at a time, so reaching a row of
// a varint stream costs a fraction of decoding the values before it. REQUIRES: p <= end.
inline const char* SkipVarints(const char* p, const char* end, size_t n) {
  // While more than 8 varints remain, the n-th cannot end in the next 8 bytes.
  while (n > 8 && end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));
    // One bit per terminating byte, at bit 7 of each byte; the multiply sums them into the top
    // byte (std::popcount is a library call without -mpopcnt).
    n -=
        static_cast<size_t>((((~word & 0x8080808080808080ULL) >> 7) * 0x0101010101010101ULL) >> 56);
    p += 8;
  }
  for (; n > 0; ++p) {
    if (p == end) return nullptr;
    n -= static_cast<uint8_t>(*p) < 0x80;
  }
  return p;
}

// Reads from the front of a byte range. Every method returns false (and leaves the cursor where it
// was) when the input is too short or malformed.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool ReadVarint64(uint64_t* value) { return GetVarint64(data_, value); }
  bool ReadVarint32(uint32_t* value) { return GetVarint32(data_, value); }
  bool ReadZigZag(int64_t* value) {
    uint64_t raw = 0;
    if (!ReadVarint64(&raw)) return false;
    *value = ZigZagDecode64(raw);
    return true;
  }
  bool ReadByte(uint8_t* value) {
    if (data_.empty()) return false;
    *value = static_cast<uint8_t>(data_.front());
    data_.remove_prefix(1);
    return true;
  }
  bool ReadFixed32(uint32_t* value) {
    if (data_.size() < 4) return false;
    *value = DecodeFixed32(data_.data());
    data_.remove_prefix(4);
    return true;
  }
  bool ReadFixed64(uint64_t* value) {
    if (data_.size() < 8) return false;
    *value = DecodeFixed64(data_.data());
    data_.remove_prefix(8);
    return true;
  }
  bool ReadBytes(size_t n, std::string_view* bytes) {
    if (data_.size() < n) return false;
    *bytes = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  bool ReadLengthPrefixed(std::string_view* bytes) {
    std::string_view saved = data_;
    uint64_t n = 0;
    if (!ReadVarint64(&n) || n > data_.size()) {
      data_ = saved;
      return false;
    }
    *bytes = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  // A count of items that each take at least `min_item_bytes` of the remaining input: rejects
  // counts that could only come from corruption before anything is allocated for them.
  bool ReadCount(uint32_t* count, size_t min_item_bytes = 1) {
    std::string_view saved = data_;
    uint64_t n = 0;
    if (!ReadVarint64(&n) || n > UINT32_MAX ||
        (min_item_bytes > 0 && n > data_.size() / min_item_bytes)) {
      data_ = saved;
      return false;
    }
    *count = static_cast<uint32_t>(n);
    return true;
  }

  std::string_view remaining() const { return data_; }
  bool empty() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace weft::storage::embedded::block
