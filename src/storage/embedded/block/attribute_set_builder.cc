#include "storage/embedded/block/attribute_set_builder.h"

#include <bit>

#include "common/varint.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {

AttributeSetBuilder::ValueColumn& AttributeSetBuilder::ColumnFor(uint32_t key, ValueType type) {
  const uint64_t id = static_cast<uint64_t>(key) << 8 | static_cast<uint8_t>(type);
  auto [it, inserted] = column_index_.try_emplace(id, static_cast<uint32_t>(columns_.size()));
  if (inserted) {
    auto column = std::make_unique<ValueColumn>();
    column->key = key;
    column->type = type;
    columns_.push_back(std::move(column));
  }
  return *columns_[it->second];
}

void AttributeSetBuilder::Add(Attributes attributes) {
  shape_.clear();
  for (const KeyValue& kv : attributes) {
    const uint32_t key = keys_.Intern(kv.key);
    const ValueType type = kv.value.type();
    shape_.push_back({key, type});
    ValueColumn& column = ColumnFor(key, type);
    switch (type) {
      case ValueType::kEmpty:
        ++column.empties;
        break;
      case ValueType::kInt:
        column.numbers.push_back(ZigZagEncode64(kv.value.int_value()));
        break;
      case ValueType::kBool:
        column.numbers.push_back(kv.value.bool_value() ? 1 : 0);
        break;
      case ValueType::kDouble:
        column.numbers.push_back(std::bit_cast<uint64_t>(kv.value.double_value()));
        break;
      case ValueType::kString:
        column.strings.Add(kv.value.string_value());
        break;
      case ValueType::kBytes:
        column.strings.Add(kv.value.bytes_value());
        break;
      case ValueType::kArray:
      case ValueType::kKvList:
        blob_.clear();
        PutValue(blob_, kv.value);
        column.strings.Add(blob_);
        break;
    }
  }
  shape_bytes_.clear();
  AppendShape(shape_, &shape_bytes_);
  auto [it, inserted] =
      shape_index_.try_emplace(shape_bytes_, static_cast<uint32_t>(shapes_.size()));
  if (inserted) shapes_.push_back(shape_bytes_);
  shape_ids_.push_back(it->second);
}

void AttributeSetBuilder::Encode(
    int level, const std::function<void(const ColumnKey&, EncodedChunk)>& emit) const {
  emit(ColumnKey::Fixed(ShapesColumn(set_)),
       EncodeTableChunk(EncodeShapeTable(shapes_), static_cast<uint32_t>(shapes_.size()), level));
  emit(ColumnKey::Fixed(ShapeColumn(set_)), EncodeU64Chunk(shape_ids_, level));
  for (const auto& column : columns_) {
    const ColumnKey key = ColumnKey::Attribute(set_, column->type, column->key);
    switch (FamilyOf(column->type)) {
      case ColumnFamily::kU64:
        emit(key, EncodeU64Chunk(column->numbers, level));
        break;
      case ColumnFamily::kString:
        emit(key, EncodeStringChunk(column->strings.values(), level));
        break;
      default:
        emit(key, EncodeEmptyChunk(column->empties));
        break;
    }
  }
}

}  // namespace weft::storage::embedded::block
