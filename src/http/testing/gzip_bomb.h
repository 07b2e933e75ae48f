// Test helper: a gzip member that inflates to many zero bytes, built in milliseconds by repeating
// one self-contained deflate segment (a Z_FULL_FLUSH resets the compressor, so the segment does not
// reference what came before it). deflate tops out near 1032:1, so 10 GiB of output takes ~10 MB.
// Thread rule: pure function.
#pragma once

#include <cstdint>
#include <string>

#include <zlib.h>

namespace weft::http::testing {

// A valid gzip member (correct CRC and length) of `mebibytes` MiB of zeros.
inline std::string MakeGzipBomb(uint64_t mebibytes) {
  constexpr size_t kSegmentInput = size_t{1} << 20;
  const std::string zeros(kSegmentInput, '\0');
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);  // raw deflate
  std::string segment(deflateBound(&zs, kSegmentInput) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
  zs.avail_in = static_cast<uInt>(zeros.size());
  zs.next_out = reinterpret_cast<Bytef*>(segment.data());
  zs.avail_out = static_cast<uInt>(segment.size());
  deflate(&zs, Z_FULL_FLUSH);
  segment.resize(segment.size() - zs.avail_out);
  std::string ending(64, '\0');
  zs.next_out = reinterpret_cast<Bytef*>(ending.data());
  zs.avail_out = static_cast<uInt>(ending.size());
  deflate(&zs, Z_FINISH);  // a final empty block
  ending.resize(ending.size() - zs.avail_out);
  deflateEnd(&zs);

  const uLong segment_crc =
      crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(zeros.size()));
  uLong crc = crc32(0, nullptr, 0);
  for (uint64_t i = 0; i < mebibytes; ++i) crc = crc32_combine(crc, segment_crc, kSegmentInput);
  const uint64_t size = mebibytes * kSegmentInput;

  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", 10);
  out.reserve(10 + segment.size() * mebibytes + ending.size() + 8);
  for (uint64_t i = 0; i < mebibytes; ++i) out += segment;
  out += ending;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  return out;
}

}  // namespace weft::http::testing
