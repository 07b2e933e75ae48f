#include "storage/embedded/block/chunk_encoder.h"

#include <algorithm>
#include <vector>

#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/compression.h"

namespace weft::storage::embedded::block {
namespace {

// Chunks smaller than this are stored as they are: zstd's frame overhead would eat the gain.
constexpr size_t kMinCompressBytes = 32;

// Compresses `raw` into `chunk` (zstd, or none when that is not smaller).
void Store(std::string_view raw, int level, EncodedChunk& chunk) {
  chunk.raw_size = static_cast<uint32_t>(raw.size());
  chunk.stored.clear();
  if (raw.size() >= kMinCompressBytes) {
    kZstdCompression.compress(raw, level, &chunk.stored);
    if (!chunk.stored.empty() && chunk.stored.size() < raw.size()) {
      chunk.compression = static_cast<uint8_t>(CompressionId::kZstd);
      chunk.checksum = Checksum(chunk.stored);
      return;
    }
    chunk.stored.clear();
  }
  chunk.stored.assign(raw);
  chunk.compression = static_cast<uint8_t>(CompressionId::kNone);
  chunk.checksum = Checksum(chunk.stored);
}

// Tries every candidate whose raw size is within kTryFactor of the smallest, compressed, and keeps
// the smallest stored result: raw size alone misjudges what zstd will make of the bytes.
constexpr double kTryFactor = 2.0;

template <typename Entry, typename Values>
EncodedChunk Choose(std::span<const Entry* const> table, const Values& values, uint32_t count,
                    int level) {
  size_t best_raw = kNotApplicable;
  std::vector<std::pair<size_t, const Entry*>> sized;
  for (const Entry* e : table) {
    const size_t size = e->encoded_size(values);
    if (size == kNotApplicable) continue;
    sized.emplace_back(size, e);
    best_raw = std::min(best_raw, size);
  }
  std::sort(sized.begin(), sized.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  EncodedChunk best;
  bool have_best = false;
  std::string raw;
  for (const auto& [size, entry] : sized) {
    if (have_best && static_cast<double>(size) > kTryFactor * static_cast<double>(best_raw)) break;
    raw.clear();
    entry->encode(values, &raw);
    EncodedChunk candidate;
    candidate.value_count = count;
    candidate.encoding = entry->id;
    Store(raw, level, candidate);
    if (!have_best || candidate.stored.size() < best.stored.size()) {
      best = std::move(candidate);
      have_best = true;
    }
    if (best.stored.size() <= 2) break;  // cannot do better than a constant
  }
  return best;
}

}  // namespace

EncodedChunk EncodeU64Chunk(std::span<const uint64_t> values, int level) {
  return Choose<U64Encoding>(U64Encodings(), values, static_cast<uint32_t>(values.size()), level);
}

EncodedChunk EncodeStringChunk(const StringColumnValues& values, int level) {
  return Choose<StringEncoding>(StringEncodings(), values, static_cast<uint32_t>(values.ids.size()),
                                level);
}

EncodedChunk EncodeRawChunk(std::string_view bytes, uint32_t count, int level) {
  EncodedChunk chunk;
  chunk.value_count = count;
  chunk.encoding = kRawEncoding;
  Store(bytes, level, chunk);
  return chunk;
}

EncodedChunk EncodeTableChunk(std::string_view bytes, uint32_t count, int level) {
  EncodedChunk chunk;
  chunk.value_count = count;
  chunk.encoding = kTableEncoding;
  Store(bytes, level, chunk);
  return chunk;
}

EncodedChunk EncodeEmptyChunk(uint32_t count) {
  EncodedChunk chunk;
  chunk.value_count = count;
  chunk.encoding = kRawEncoding;
  Store({}, 0, chunk);
  return chunk;
}

}  // namespace weft::storage::embedded::block
