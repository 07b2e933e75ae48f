// Compaction planning: which blocks of one tenant to merge (CompactBlocks in compactor.h). Small
// blocks whose time ranges start close together are merged, so a merged block still covers a
// narrow time range (queries prune it by time) and no block grows past a target size.
// Thread rule: a pure function; call it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {

struct CompactionPolicy {
  // No group totals more than this.
  uint64_t target_block_bytes = uint64_t{512} << 20;
  // Blocks this large or larger are left alone (0: target_block_bytes). Below the target, it
  // bounds how often a span is rewritten: a merged block of this size is never merged again.
  uint64_t max_input_bytes = 0;
  // Blocks per group. Fewer than 2 is treated as 2 (merging one block alone gains nothing); no
  // group is planned when max_inputs < min_inputs.
  size_t min_inputs = 4;
  size_t max_inputs = 16;
  // Blocks whose time ranges start in the same window (min_time / window_nanos) compact together.
  // 0: one window for all.
  uint64_t window_nanos = 3600'000'000'000;
};

// Groups of indexes into `blocks` (all of one tenant) to compact: each group has min_inputs to
// max_inputs blocks, every one smaller than target_block_bytes, all with min_time in the same
// window, totalling at most target_block_bytes. Windows oldest first; within a window, blocks are
// taken in order of min_time (ties: path, then index) and each group is filled first-fit in that
// order, so a block too large for the group being filled waits for the next one; when too few
// blocks fit together, the largest is set aside and the rest are tried again. Every index appears
// at most once. Deterministic. Empty when nothing is worth doing.
std::vector<std::vector<size_t>> PlanCompaction(std::span<const BlockInfo> blocks,
                                                const CompactionPolicy& policy);

}  // namespace weft::storage::embedded
