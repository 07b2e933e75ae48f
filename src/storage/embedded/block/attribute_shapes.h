// Attribute shapes (docs/format/block.md, "Attributes"): the ordered list of (key, value type) of
// one attribute list. Rows store a shape index; each (key, type) has its own value column, so an
// attribute list is rebuilt exactly — order, duplicate keys and all — while a scan reads only the
// columns of the keys it tests. The shapes of a row group form one table chunk per attribute set.
// Thread rule: pure data and functions.
#pragma once

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
using Shape = std::vector<ShapeEntry>;

// One shape as stored: varint entry count, then per entry varint key and a type byte. Also the
// writer's lookup key for deduplication.
void AppendShape(std::span<const ShapeEntry> shape, std::string* out);

// The table: varint shape count, then the shapes back to back.
std::string EncodeShapeTable(std::span<const std::string> encoded_shapes);
// False when malformed or when a key is not below `key_count`.
bool DecodeShapeTable(std::string_view data, uint32_t shape_count, size_t key_count,
                      std::vector<Shape>* shapes);

}  // namespace weft::storage::embedded::block
