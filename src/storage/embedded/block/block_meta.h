// The meta section of a block (docs/format/block.md, "Meta section"): block statistics, the
// dictionaries (services, span names, attribute keys), the operations, the column catalog and
// the row-group directory with each row group's statistics, sparse trace index entries and chunk
// references. A reader loads it once when it opens the block.
// Thread rule: plain data; immutable after decoding, so safe to read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/ids.h"
#include "storage/embedded/block/columns.h"

namespace weft::storage::embedded::block {

// Where one column's chunk of one row group lies and how to read it.
struct ChunkRef {
  uint32_t column = 0;  // index into BlockMeta::catalog
  uint64_t offset = 0;  // in the file
  uint32_t size = 0;    // stored bytes
  uint32_t raw_size = 0;
  uint32_t value_count = 0;
  uint8_t compression = 0;  // CompressionId
  uint8_t encoding = 0;     // an entry of the column family's encoding table
  uint64_t checksum = 0;    // Checksum() of the stored bytes
};

struct RowGroupMeta {
  uint64_t offset = 0;  // the row group's chunks lie in [offset, offset + size)
  uint64_t size = 0;
  uint32_t spans = 0;
  uint32_t pieces = 0;  // trace pieces (entries of its trace table)
  uint32_t events = 0;
  uint32_t links = 0;
  // Sparse trace index: the first and last trace id of the row group.
  TraceId first_trace;
  TraceId last_trace;
  // Times of its traces (summaries), for the request's time range.
  uint64_t min_trace_start = 0;
  uint64_t max_trace_end = 0;
  // Span statistics, for conditions on start time and duration.
  uint64_t min_span_start = 0;
  uint64_t max_span_start = 0;
  uint64_t min_duration = 0;
  uint64_t max_duration = 0;
  std::vector<uint32_t> services;  // sorted indexes into BlockMeta::services
  std::vector<uint32_t> names;     // sorted indexes into BlockMeta::span_names
  std::vector<ChunkRef> chunks;    // sorted by column

  // The chunk of catalog column `column`, or nullptr when the row group has none.
  const ChunkRef* FindChunk(uint32_t column) const;
};

struct OperationEntry {
  uint32_t service = 0;  // index into BlockMeta::services
  uint32_t name = 0;     // index into BlockMeta::span_names
  uint8_t kind = 0;      // SpanKind
  friend bool operator==(const OperationEntry&, const OperationEntry&) = default;
  friend auto operator<=>(const OperationEntry&, const OperationEntry&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const OperationEntry& op) {
    return H::combine(std::move(h), op.service, op.name, op.kind);
  }
};

struct BlockMeta {
  std::string tenant;
  uint64_t spans = 0;
  uint64_t traces = 0;
  // The block's time range: earliest trace start and latest trace end.
  uint64_t min_time = 0;
  uint64_t max_time = 0;
  std::vector<std::string> services;       // in first-seen order
  std::vector<std::string> span_names;     // in first-seen order
  std::vector<std::string> keys;           // attribute keys, in first-seen order
  std::vector<OperationEntry> operations;  // sorted, distinct
  std::vector<ColumnKey> catalog;
  std::vector<RowGroupMeta> row_groups;  // ascending by trace id
};

std::string EncodeBlockMeta(const BlockMeta& meta);
// DataLoss (with the reason) when malformed or inconsistent: indexes out of range, chunks outside
// their row group, row groups out of order or outside [data_begin, data_end).
absl::StatusOr<BlockMeta> DecodeBlockMeta(std::string_view bytes, uint64_t data_begin,
                                          uint64_t data_end);

}  // namespace weft::storage::embedded::block
