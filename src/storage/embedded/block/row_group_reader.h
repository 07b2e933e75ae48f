// Reads the chunks of one row group on demand: each chunk is read (or sliced from a prefetched
// copy of the whole row group), checked against its checksum and decompressed once, then kept for
// the reader's lifetime. Values are decoded either whole (cached: scans) or by row range (not
// cached: rebuilding one trace needs a few rows of each column). Every failure is a DataLoss
// naming the block, row group and column (BlockFile::Corrupt).
// Thread rule: not thread-safe; one RowGroupReader per thread and request. Views it returns stay
// valid until the reader is destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "model/span_batch.h"
#include "storage/embedded/block/attribute_shapes.h"
#include "storage/embedded/block/block_file.h"
#include "storage/embedded/block/encoding.h"
#include "storage/embedded/block/trace_table.h"

namespace weft::storage::embedded::block {

// One decompressed chunk, and its values once decoded whole.
struct ColumnData {
  ColumnKey key;
  uint32_t value_count = 0;
  uint8_t encoding = 0;
  std::string_view raw;  // the decompressed bytes
  // Whole decodes, made on first use by RowGroupReader::NumbersOf / StringsOf.
  bool decoded = false;
  std::unique_ptr<uint64_t[]> numbers;
  DecodedStrings strings;
  // Owned buffers `raw` may point into.
  std::unique_ptr<char[]> stored;
  std::unique_ptr<char[]> decompressed;
};

class RowGroupReader {
 public:
  // REQUIRES: `block` outlives the reader; index < block.meta.row_groups.size().
  RowGroupReader(const BlockFile& block, uint32_t index);

  const BlockFile& block() const { return block_; }
  const RowGroupMeta& meta() const { return meta_; }
  uint32_t index() const { return index_; }

  // Reads the whole row group with one read, so that later chunk loads only slice it.
  absl::Status Prefetch();

  // The decompressed chunk, or nullptr when the row group has no chunk for it (only attribute
  // columns may be absent; a missing intrinsic column is DataLoss).
  absl::StatusOr<ColumnData*> Column(const ColumnKey& key);
  absl::StatusOr<ColumnData*> Column(uint32_t catalog_index);

  // Whole decodes (cached in the ColumnData).
  absl::StatusOr<std::span<const uint64_t>> NumbersOf(ColumnData& column);
  absl::StatusOr<const DecodedStrings*> StringsOf(ColumnData& column);
  // Range decodes: values [begin, begin + out.size()) / [begin, end).
  absl::Status DecodeNumbers(const ColumnData& column, size_t begin, std::span<uint64_t> out);
  absl::Status DecodeStrings(const ColumnData& column, size_t begin, size_t end,
                             DecodedStrings* out);

  // Intrinsic columns, with their value counts checked against the row group's counts.
  absl::StatusOr<ColumnData*> Fixed(FixedColumn column);
  absl::StatusOr<std::span<const uint64_t>> Numbers(FixedColumn column);
  absl::StatusOr<const DecodedStrings*> Strings(FixedColumn column);
  absl::StatusOr<std::string_view> Raw(FixedColumn column);  // value_count * width bytes

  // The row group's tables.
  absl::StatusOr<const std::vector<TracePiece>*> Pieces();
  // The piece of `trace_id`, or nullopt: decodes only what finding it needs (FindTracePiece; the
  // piece's summary is not decoded) unless Pieces() has decoded the whole table already.
  absl::StatusOr<std::optional<TracePiece>> FindPiece(const TraceId& trace_id);
  absl::StatusOr<const SpanBatch*> Scopes();  // resources and scopes, no spans
  absl::StatusOr<const ShapeTable*> Shapes(AttributeSet set);

  // The rows of `set`: spans, events or links of the row group.
  uint32_t RowsOf(AttributeSet set) const;

  absl::Status Corrupt(const ColumnKey& column, std::string_view what) const {
    return block_.Corrupt(index_, column, what);
  }

 private:
  absl::StatusOr<ColumnData*> Load(uint32_t catalog_index, const ChunkRef& chunk);
  uint32_t ExpectedCount(FixedColumn column) const;

  const BlockFile& block_;
  const RowGroupMeta& meta_;
  const uint32_t index_;
  std::unique_ptr<char[]> prefetched_;
  absl::flat_hash_map<uint32_t, std::unique_ptr<ColumnData>> columns_;
  std::unique_ptr<std::vector<TracePiece>> pieces_;
  std::unique_ptr<SpanBatch> scopes_;
  std::unique_ptr<ShapeTable> shapes_[kAttributeSetCount];
};

}  // namespace weft::storage::embedded::block
