// Writer side of one row group: takes trace pieces span by span into column buffers, keeps the
// row group's statistics, and encodes every column into chunks when the row group is complete
// (docs/format/block.md, "Row groups" and "Columns").
// Thread rule: not thread-safe; owned by one BlockWriter.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "model/span_batch.h"
#include "storage/embedded/block/attribute_set_builder.h"
#include "storage/embedded/block/block_meta.h"
#include "storage/embedded/block/chunk_encoder.h"
#include "storage/embedded/block/column_builders.h"
#include "storage/embedded/block/string_dictionary.h"
#include "storage/embedded/block/trace_table.h"

namespace weft::storage::embedded::block {

// The block-wide dictionaries, shared by the row groups of one block.
struct BlockDictionaries {
  StringDictionary services;
  StringDictionary span_names;
  StringDictionary keys;
  absl::flat_hash_set<OperationEntry> operations;
};

// One span of an input batch.
struct SpanRef {
  const SpanBatch* batch = nullptr;
  uint32_t index = 0;
  const Span& span() const { return batch->spans()[index]; }
};

class RowGroupBuilder {
 public:
  explicit RowGroupBuilder(BlockDictionaries& dictionaries);

  // Appends `spans` (one piece of trace `trace_id`, whose summary in the block is `summary`) as
  // the next rows.
  void AddPiece(const TraceId& trace_id, std::span<const SpanRef> spans,
                const StoredSummary& summary);

  uint32_t spans() const { return static_cast<uint32_t>(span_ids_.count); }
  // Attribute values, events and links so far (the largest chunks' value counts).
  uint64_t values() const { return values_; }
  bool empty() const { return pieces_.empty(); }

  // Fills the statistics of `meta` (not its offset, size or chunks) and passes every column's chunk
  // to `emit`.
  void Finish(int level, RowGroupMeta* meta,
              const std::function<void(const ColumnKey&, EncodedChunk)>& emit) const;

 private:
  uint32_t ScopeOf(const SpanRef& ref, uint32_t* service);

  BlockDictionaries& dictionaries_;
  std::vector<TracePiece> pieces_;
  // Scope table, deduplicated by encoded content.
  absl::flat_hash_map<std::string, uint32_t> resource_index_;
  std::vector<std::string> resources_;
  absl::flat_hash_map<std::string, uint32_t> scope_index_;
  std::vector<std::string> scopes_;
  std::vector<uint32_t> scope_service_;  // per scope: service id
  // Per AddPiece call: (batch, scope index) -> row-group scope index.
  absl::flat_hash_map<std::pair<const SpanBatch*, uint32_t>, uint32_t> scope_cache_;

  RawColumn span_ids_;
  U64Column parent_;
  RawColumn parent_ids_;
  U64Column start_, duration_, kind_, status_, flags_, name_, scope_, dropped_;
  U64Column event_count_, link_count_;
  StringColumnBuilder trace_state_, status_message_;
  U64Column event_time_, event_dropped_;
  StringColumnBuilder event_name_;
  RawColumn link_trace_ids_, link_span_ids_;
  StringColumnBuilder link_trace_state_;
  U64Column link_flags_, link_dropped_;
  AttributeSetBuilder span_attributes_;
  AttributeSetBuilder event_attributes_;
  AttributeSetBuilder link_attributes_;

  uint64_t values_ = 0;
  // Statistics.
  uint64_t min_trace_start_ = UINT64_MAX, max_trace_end_ = 0;
  uint64_t min_span_start_ = UINT64_MAX, max_span_start_ = 0;
  uint64_t min_duration_ = UINT64_MAX, max_duration_ = 0;
  absl::flat_hash_set<uint32_t> services_, names_;
  // Scratch for AddPiece.
  std::vector<int64_t> parent_rows_;
  absl::flat_hash_map<SpanId, uint32_t, IdHash> row_of_id_;
};

}  // namespace weft::storage::embedded::block
