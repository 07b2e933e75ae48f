#include "storage/embedded/block/attribute_shapes.h"

#include "storage/embedded/block/byte_io.h"

namespace weft::storage::embedded::block {

void AppendShape(std::span<const ShapeEntry> shape, std::string* out) {
  PutVarint64(*out, shape.size());
  for (const ShapeEntry& e : shape) {
    PutVarint64(*out, e.key);
    out->push_back(static_cast<char>(e.type));
  }
}

std::string EncodeShapeTable(std::span<const std::string> encoded_shapes) {
  std::string out;
  PutVarint64(out, encoded_shapes.size());
  for (const std::string& s : encoded_shapes) out.append(s);
  return out;
}

bool DecodeShapeTable(std::string_view data, uint32_t shape_count, size_t key_count,
                      ShapeTable* shapes) {
  ByteReader reader(data);
  uint32_t count = 0;
  if (!reader.ReadCount(&count, 1) || count != shape_count) return false;
  shapes->begin_.resize(size_t{count} + 1);
  shapes->begin_[0] = 0;
  shapes->entries_.clear();
  shapes->entries_.reserve(data.size() / 2);  // an entry takes at least 2 bytes
  for (uint32_t s = 0; s < count; ++s) {
    uint32_t n = 0;
    if (!reader.ReadCount(&n, 2)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      ShapeEntry e;
      uint8_t type = 0;
      if (!reader.ReadVarint32(&e.key) || e.key >= key_count || !reader.ReadByte(&type) ||
          type > static_cast<uint8_t>(ValueType::kKvList)) {
        return false;
      }
      e.type = static_cast<ValueType>(type);
      shapes->entries_.push_back(e);
    }
    shapes->begin_[s + 1] = static_cast<uint32_t>(shapes->entries_.size());
  }
  return reader.empty();
}

}  // namespace weft::storage::embedded::block
