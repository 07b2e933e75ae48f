#include "storage/embedded/block/trace_id_bloom.h"

#include <algorithm>
#include <cmath>

#include <xxhash.h>

#include "absl/status/status.h"
#include "common/varint.h"

namespace weft::storage::embedded::block {
namespace {

// The block from the high 32 bits (a multiply-shift range reduction), the bit positions from
// 9-bit slices of a remix of the whole hash, so that the two are independent.
inline size_t BlockOf(uint64_t hash, size_t blocks) {
  return static_cast<size_t>(((hash >> 32) * blocks) >> 32);
}
inline uint64_t Remix(uint64_t hash) { return hash * 0x9e3779b97f4a7c15ULL; }

constexpr uint32_t kMaxProbes = 7;  // 7 slices of 9 bits fit in 64 bits

}  // namespace

uint64_t TraceIdBloom::Hash(const TraceId& id) {
  return XXH3_64bits(id.bytes().data(), TraceId::kSize);
}

TraceIdBloom TraceIdBloom::Build(std::span<const uint64_t> hashes, double false_positive_rate) {
  const double p = std::clamp(false_positive_rate, 1e-4, 0.5);
  // Bits per key for a standard filter, plus one for the blocking's loss.
  const double bits_per_key = 1.0 + -std::log(p) / (std::log(2.0) * std::log(2.0));
  TraceIdBloom bloom;
  bloom.probes_ = static_cast<uint32_t>(
      std::clamp<double>(std::round(bits_per_key * std::log(2.0)), 1, kMaxProbes));
  const size_t bits = static_cast<size_t>(bits_per_key * static_cast<double>(hashes.size())) + 1;
  const size_t blocks = std::max<size_t>(1, (bits + 511) / 512);
  bloom.words_.assign(blocks * kWordsPerBlock, 0);
  for (uint64_t h : hashes) {
    uint64_t* block = &bloom.words_[BlockOf(h, blocks) * kWordsPerBlock];
    uint64_t bits_source = Remix(h);
    for (uint32_t i = 0; i < bloom.probes_; ++i, bits_source >>= 9) {
      const uint32_t bit = static_cast<uint32_t>(bits_source & 511);
      block[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
  }
  return bloom;
}

bool TraceIdBloom::MayContain(uint64_t hash) const {
  const size_t blocks = words_.size() / kWordsPerBlock;
  if (blocks == 0) return false;
  const uint64_t* block = &words_[BlockOf(hash, blocks) * kWordsPerBlock];
  uint64_t bits_source = Remix(hash);
  for (uint32_t i = 0; i < probes_; ++i, bits_source >>= 9) {
    const uint32_t bit = static_cast<uint32_t>(bits_source & 511);
    if ((block[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

// Layout: u32 probes, u32 block count, then the blocks as little-endian u64 words.
std::string TraceIdBloom::Encode() const {
  std::string out;
  out.reserve(8 + words_.size() * 8);
  PutFixed32(out, probes_);
  PutFixed32(out, static_cast<uint32_t>(words_.size() / kWordsPerBlock));
  for (uint64_t w : words_) PutFixed64(out, w);
  return out;
}

absl::StatusOr<TraceIdBloom> TraceIdBloom::Decode(std::string_view bytes) {
  if (bytes.size() < 8) return absl::DataLossError("bloom filter truncated");
  TraceIdBloom bloom;
  bloom.probes_ = DecodeFixed32(bytes.data());
  const uint64_t blocks = DecodeFixed32(bytes.data() + 4);
  if (bloom.probes_ == 0 || bloom.probes_ > kMaxProbes || blocks == 0 ||
      bytes.size() != 8 + blocks * kWordsPerBlock * 8) {
    return absl::DataLossError("bloom filter malformed");
  }
  bloom.words_.resize(blocks * kWordsPerBlock);
  for (size_t i = 0; i < bloom.words_.size(); ++i) {
    bloom.words_[i] = DecodeFixed64(bytes.data() + 8 + 8 * i);
  }
  return bloom;
}

}  // namespace weft::storage::embedded::block
