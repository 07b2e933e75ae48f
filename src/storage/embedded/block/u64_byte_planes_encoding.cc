// Byte planes: one width byte w (0..8), then w planes of one byte per value — all the lowest
// bytes, then all the second bytes, and so on. Values with random low bits and skewed high bits
// (nanosecond durations and offsets, doubles) compress better this way than as varints, because
// zstd's entropy coder then sees each byte position's own distribution (Parquet's
// BYTE_STREAM_SPLIT idea).
#include <bit>

#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {
namespace {

size_t Width(std::span<const uint64_t> values) {
  uint64_t any = 0;
  for (uint64_t v : values) any |= v;
  return (64 - static_cast<size_t>(std::countl_zero(any)) + 7) / 8;
}

size_t EncodedSize(std::span<const uint64_t> values) { return 1 + Width(values) * values.size(); }

void Encode(std::span<const uint64_t> values, std::string* out) {
  const size_t width = Width(values);
  out->push_back(static_cast<char>(width));
  const size_t start = out->size();
  out->resize(start + width * values.size());
  char* p = out->data() + start;
  for (size_t plane = 0; plane < width; ++plane) {
    for (uint64_t v : values) *p++ = static_cast<char>(v >> (8 * plane));
  }
}

// Random access: a range reads its slice of each plane.
bool Decode(std::string_view data, size_t count, size_t begin, std::span<uint64_t> out) {
  if (data.empty()) return false;
  const size_t width = static_cast<uint8_t>(data[0]);
  if (width > 8 || data.size() != 1 + width * count) return false;
  const auto* planes = reinterpret_cast<const uint8_t*>(data.data() + 1) + begin;
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i) out[i] = 0;
  for (size_t plane = 0; plane < width; ++plane) {
    const uint8_t* p = planes + plane * count;
    const int shift = static_cast<int>(8 * plane);
    for (size_t i = 0; i < n; ++i) out[i] |= static_cast<uint64_t>(p[i]) << shift;
  }
  return true;
}

}  // namespace

const U64Encoding kU64BytePlanes{3, "byte_planes", &EncodedSize, &Encode, &Decode};

}  // namespace weft::storage::embedded::block
