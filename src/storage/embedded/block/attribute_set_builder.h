// Writer side of one attribute set of a row group (span, event or link attributes): each row's
// attribute list becomes a shape index plus one value per attribute appended to the column of its
// (key, type) (attribute_shapes.h; docs/format/block.md, "Attributes").
// Thread rule: not thread-safe; owned by one RowGroupBuilder.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/any_value.h"
#include "storage/embedded/block/attribute_shapes.h"
#include "storage/embedded/block/chunk_encoder.h"
#include "storage/embedded/block/column_builders.h"
#include "storage/embedded/block/columns.h"
#include "storage/embedded/block/string_dictionary.h"

namespace weft::storage::embedded::block {

class AttributeSetBuilder {
 public:
  // `keys` is the block's key dictionary; it must outlive the builder.
  AttributeSetBuilder(AttributeSet set, StringDictionary& keys) : set_(set), keys_(keys) {}

  // Appends one row.
  void Add(Attributes attributes);
  uint32_t rows() const { return static_cast<uint32_t>(shape_ids_.size()); }

  // Encodes the shape table, the shape column and every value column, passing each to `emit`.
  void Encode(int level, const std::function<void(const ColumnKey&, EncodedChunk)>& emit) const;

 private:
  struct ValueColumn {
    uint32_t key = 0;
    ValueType type = ValueType::kEmpty;
    U64Column numbers;            // ints (zigzag), bools, doubles (bits)
    StringColumnBuilder strings;  // strings, bytes, serialized arrays and maps
    uint32_t empties = 0;         // values of the empty type
  };
  ValueColumn& ColumnFor(uint32_t key, ValueType type);

  AttributeSet set_;
  StringDictionary& keys_;
  absl::flat_hash_map<std::string, uint32_t> shape_index_;
  std::vector<std::string> shapes_;  // encoded (AppendShape)
  U64Column shape_ids_;
  absl::flat_hash_map<uint64_t, uint32_t> column_index_;  // key << 8 | type
  std::vector<std::unique_ptr<ValueColumn>> columns_;
  // Scratch reused across rows.
  std::vector<ShapeEntry> shape_;
  std::string shape_bytes_;
  std::string blob_;
};

}  // namespace weft::storage::embedded::block
