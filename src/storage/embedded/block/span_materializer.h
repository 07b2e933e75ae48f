// Rebuilds spans from a row group's columns into a SpanBatch (every field, deep-copied into the
// output batch's arena): the inverse of RowGroupBuilder. Works on a window of rows: it decodes
// only the values those rows need (plus the counts of the rows before them, to know where their
// events, links, explicit parents and attribute values start), so rebuilding one trace of a large
// row group costs little more than decompressing its chunks.
// Thread rule: not thread-safe; one per RowGroupReader.
#pragma once

#include <utility>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "model/span_batch.h"
#include "storage/embedded/block/attribute_set_reader.h"
#include "storage/embedded/block/dictionary_interner.h"
#include "storage/embedded/block/row_group_reader.h"

namespace weft::storage::embedded::block {

// An output batch with what has been copied into it already (keys, names, scopes), so that spans
// from several row groups of one block share them. Reusable: Reset directs it to another batch in
// time proportional to what the previous batch used (BlockTraceCursor keeps one for every trace).
class OutputBatch {
 public:
  // REQUIRES: `block` outlives this object.
  explicit OutputBatch(const BlockFile& block);
  OutputBatch(const BlockFile& block, SpanBatch& batch) : OutputBatch(block) { Reset(batch); }

  // Output goes to `batch` from now on. REQUIRES: `batch` outlives its use here.
  void Reset(SpanBatch& batch);

  SpanBatch& batch() { return *batch_; }
  DictionaryInterner& keys() { return keys_; }
  DictionaryInterner& names() { return names_; }
  // The output scope index for scope `scope` of row group `row_group` (copied on first use).
  uint32_t Scope(uint32_t row_group, const SpanBatch& scopes, uint32_t scope);

 private:
  SpanBatch* batch_ = nullptr;
  DictionaryInterner keys_;
  DictionaryInterner names_;
  absl::flat_hash_map<std::pair<uint32_t, uint32_t>, uint32_t> scopes_;
  absl::flat_hash_map<std::pair<uint32_t, uint32_t>, uint32_t> resources_;
};

class SpanMaterializer {
 public:
  // REQUIRES: `rows` outlives the materializer.
  explicit SpanMaterializer(RowGroupReader& rows) : rows_(rows) {}

  // Reads the chunks and decodes the values of span rows [begin, end).
  absl::Status Load(uint32_t begin, uint32_t end);

  // Appends the spans of `piece` (which must lie in the window) to `out`: all of them or, when
  // `selected` is not empty, those whose selected[row - piece.first_row] is nonzero. Pieces must
  // come in ascending row order.
  absl::Status AppendPiece(const TracePiece& piece, std::span<const uint8_t> selected,
                           OutputBatch& out);

 private:
  absl::Status SkipTo(uint32_t row);
  absl::Status Corrupt(FixedColumn column, std::string_view what) const {
    return rows_.Corrupt(ColumnKey::Fixed(column), what);
  }
  // Decodes values [begin, end) of a u64 / string intrinsic column; nothing when empty.
  absl::Status Numbers(FixedColumn column, uint32_t begin, uint32_t end,
                       std::vector<uint64_t>* out);
  absl::Status Strings(FixedColumn column, uint32_t begin, uint32_t end, DecodedStrings* out);

  RowGroupReader& rows_;
  const SpanBatch* scopes_ = nullptr;
  // The window: span rows, and the event, link and explicit-parent rows of those spans.
  uint32_t begin_ = 0, end_ = 0;
  uint32_t event_begin_ = 0, event_end_ = 0;
  uint32_t link_begin_ = 0, link_end_ = 0;
  uint32_t parent_id_begin_ = 0;
  // Per span row of [0, end): what the window's start depends on.
  std::vector<uint64_t> parent_, event_count_, link_count_;
  // Per span row of the window (index row - begin_).
  std::vector<uint64_t> start_, duration_, kind_, status_, flags_, name_, scope_, dropped_;
  DecodedStrings trace_state_, status_message_;
  std::string_view span_ids_, parent_ids_, link_trace_ids_, link_span_ids_;
  // Per event / link row of the window.
  std::vector<uint64_t> event_time_, event_dropped_, link_flags_, link_dropped_;
  DecodedStrings event_name_, link_trace_state_;
  AttributeSetReader span_attributes_, event_attributes_, link_attributes_;

  // Cursors (absolute rows): the next span, and where its explicit parent, events, links start.
  uint32_t row_ = 0;
  uint32_t parent_id_cursor_ = 0;
  uint32_t event_row_ = 0;
  uint32_t link_row_ = 0;
  std::vector<uint64_t> starts_;  // scratch: starts of the piece being built
};

}  // namespace weft::storage::embedded::block
