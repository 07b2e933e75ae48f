// The block's trace-ID bloom filter (docs/format/block.md, "Bloom filter"): a blocked bloom filter
// (one 64-byte block per lookup, so a probe touches one cache line) over XXH3-64 of the 16-byte
// trace id, sized for about 1% false positives. FindTrace consults it before anything is read.
// Thread rule: immutable once built; MayContain is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/ids.h"

namespace weft::storage::embedded::block {

class TraceIdBloom {
 public:
  static uint64_t Hash(const TraceId& id);

  // A filter holding `hashes` with about `false_positive_rate` false positives.
  static TraceIdBloom Build(std::span<const uint64_t> hashes, double false_positive_rate);
  // Parses Encode's output. DataLoss when malformed.
  static absl::StatusOr<TraceIdBloom> Decode(std::string_view bytes);

  std::string Encode() const;
  bool MayContain(uint64_t hash) const;
  bool MayContain(const TraceId& id) const { return MayContain(Hash(id)); }
  size_t bytes() const { return words_.size() * 8; }

 private:
  static constexpr size_t kWordsPerBlock = 8;  // 512 bits
  uint32_t probes_ = 0;
  std::vector<uint64_t> words_;  // blocks of kWordsPerBlock words
};

}  // namespace weft::storage::embedded::block
