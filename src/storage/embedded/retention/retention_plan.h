// Retention: which blocks of the embedded store to delete, by the age of their newest span and by a
// cap on the bytes all blocks (of every tenant) may take. The store deletes what this decides and
// logs each decision's reason.
// Thread rule: a pure function; call it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {

struct RetentionPolicy {
  // Blocks whose latest trace end is older than this are deleted. 0: no age limit.
  uint64_t max_age_nanos = uint64_t{7} * 24 * 3600 * 1'000'000'000;
  // The bytes all blocks together may take; the oldest go first beyond it. 0: no cap.
  uint64_t max_total_bytes = 0;
};

struct RetentionDecision {
  size_t index = 0;    // into the blocks given to PlanRetention
  std::string reason;  // "older than 168h0m0s", "total size 12 GiB over cap 10 GiB"
};

// Blocks (of all tenants) to delete, in deletion order: first every block whose
// max_time_unix_nanos is older than now - max_age, oldest first; then, while the remaining blocks
// total more than max_total_bytes, the oldest remaining. "Oldest" orders by max_time_unix_nanos,
// ties by path, then by index.
std::vector<RetentionDecision> PlanRetention(std::span<const BlockInfo> blocks,
                                             uint64_t now_unix_nanos,
                                             const RetentionPolicy& policy);

// A duration as Go prints it ("168h0m0s", "1m30s", "1.5s", "250ms", "0s"): the form of
// configuration values and of retention reasons.
std::string FormatGoDuration(uint64_t nanos);

// Bytes in binary units with at most one decimal ("512 B", "1.5 KiB", "12 GiB").
std::string FormatBinaryBytes(uint64_t bytes);

}  // namespace weft::storage::embedded
