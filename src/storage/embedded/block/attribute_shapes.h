// Attribute shapes (docs/format/block.md, "Attributes"): the ordered list of (key, value type) of
// one attribute list. Rows store a shape index; each (key, type) has its own value column, so an
// attribute list is rebuilt exactly — order, duplicate keys and all — while a scan reads only the
// columns of the keys it tests. The shapes of a row group form one table chunk per attribute set.
// Thread rule: pure data and functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/any_value.h"

namespace weft::storage::embedded::block {

struct ShapeEntry {
  uint32_t key = 0;  // index into the block's key dictionary
  ValueType type = ValueType::kEmpty;
};

// A decoded shape table, flat (two allocations however many shapes): shape `s` is
// entries[begin[s], begin[s + 1]).
class ShapeTable {
 public:
  size_t size() const { return begin_.empty() ? 0 : begin_.size() - 1; }
  std::span<const ShapeEntry> operator[](size_t shape) const {
    return {entries_.data() + begin_[shape], begin_[shape + 1] - begin_[shape]};
  }

 private:
  friend bool DecodeShapeTable(std::string_view, uint32_t, size_t, ShapeTable*);
  std::vector<uint32_t> begin_;
  std::vector<ShapeEntry> entries_;
};

// One shape as stored: varint entry count, then per entry varint key and a type byte. Also the
// writer's lookup key for deduplication.
void AppendShape(std::span<const ShapeEntry> shape, std::string* out);

// The table: varint shape count, then the shapes back to back.
std::string EncodeShapeTable(std::span<const std::string> encoded_shapes);
// False when malformed or when a key is not below `key_count`.
bool DecodeShapeTable(std::string_view data, uint32_t shape_count, size_t key_count,
                      ShapeTable* shapes);

}  // namespace weft::storage::embedded::block
