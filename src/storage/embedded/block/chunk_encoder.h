// Turns a column's values into a stored chunk: picks the encoding (trying the applicable entries
// of the family's table, encoding.h) and the compression (zstd unless it does not shrink the
// chunk), and computes the checksum (docs/format/block.md, "Chunks").
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {

struct EncodedChunk {
  std::string stored;
  uint32_t raw_size = 0;
  uint32_t value_count = 0;
  uint8_t compression = 0;
  uint8_t encoding = 0;
  uint64_t checksum = 0;
};

EncodedChunk EncodeU64Chunk(std::span<const uint64_t> values, int level);
EncodedChunk EncodeStringChunk(const StringColumnValues& values, int level);
EncodedChunk EncodeRawChunk(std::string_view bytes, uint32_t count, int level);
EncodedChunk EncodeTableChunk(std::string_view bytes, uint32_t count, int level);
// The chunk of an attribute column of the empty type: no bytes, only a count.
EncodedChunk EncodeEmptyChunk(uint32_t count);

}  // namespace weft::storage::embedded::block
