// What every reader of one open block shares: the file, its decoded meta section and bloom filter,
// a lookup from column to catalog index, and read counters. Built by BlockReader::Open.
// Thread rule: immutable after Open except the counters, which are atomic; safe to share.
#pragma once

#include <utility>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/file_system.h"
#include "storage/embedded/block/block_meta.h"
#include "storage/embedded/block/trace_id_bloom.h"

namespace weft::storage::embedded::block {

// How much work reads did: tests assert pruning with them, /metrics may export them.
struct ReadCounters {
  std::atomic<uint64_t> file_reads{0};  // read calls on the file (after Open)
  std::atomic<uint64_t> bytes_read{0};
  std::atomic<uint64_t> chunks_decoded{0};  // chunks checksummed, decompressed and decoded
  std::atomic<uint64_t> row_groups_scanned{0};
  std::atomic<uint64_t> row_groups_pruned{0};
  std::atomic<uint64_t> blocks_pruned{0};  // Scan calls answered from the meta section alone
  std::atomic<uint64_t> bloom_negatives{0};
  // Slots of the tables that copy dictionary strings into output batches (DictionaryInterner):
  // they grow with the entries the traces read use, never with the dictionaries' sizes.
  std::atomic<uint64_t> interner_slots{0};
};

struct BlockFile {
  std::string path;
  std::unique_ptr<RandomAccessFile> file;
  uint64_t file_size = 0;
  BlockMeta meta;
  TraceIdBloom bloom;
  absl::flat_hash_map<ColumnKey, uint32_t> column_index;
  mutable ReadCounters counters;

  std::optional<uint32_t> ColumnIndex(const ColumnKey& key) const {
    auto it = column_index.find(key);
    if (it == column_index.end()) return std::nullopt;
    return it->second;
  }

  // Indexes [first, last) of the row groups whose [first_trace, last_trace] holds `trace_id`
  // (more than one only for a trace cut into pieces).
  std::pair<size_t, size_t> RowGroupsOf(const TraceId& trace_id) const;

  // DataLoss naming the block, the row group and the column: "block <path>: row group 3, column
  // span.start: <what>".
  absl::Status Corrupt(uint32_t row_group, const ColumnKey& column, std::string_view what) const;
  absl::Status Corrupt(std::string_view what) const;
};

}  // namespace weft::storage::embedded::block
