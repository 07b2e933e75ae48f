#include "storage/embedded/block/attribute_set_reader.h"

#include <bit>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"
#include "common/varint.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {

absl::Status AttributeSetReader::Bad(std::string_view what) const {
  return rows_->Corrupt(ColumnKey::Fixed(ShapeColumn(set_)), what);
}

absl::Status AttributeSetReader::Load(RowGroupReader& rows, AttributeSet set, uint32_t begin,
                                      uint32_t end) {
  rows_ = &rows;
  set_ = set;
  begin_ = row_ = begin;
  end_ = end;
  slots_.clear();
  shape_slot_begin_.clear();
  shape_slots_.clear();
  if (begin > end || end > rows.RowsOf(set)) return Bad("window outside the row group");
  if (begin == end) return absl::OkStatus();  // nothing to read
  absl::StatusOr<const ShapeTable*> shapes = rows.Shapes(set);
  if (!shapes.ok()) return shapes.status();
  shapes_ = *shapes;
  absl::StatusOr<ColumnData*> ids = rows.Fixed(ShapeColumn(set));
  if (!ids.ok()) return ids.status();
  shape_ids_.resize(end);
  WEFT_RETURN_IF_ERROR(rows.DecodeNumbers(**ids, 0, shape_ids_));
  // Rows of each shape before the window and in it.
  const size_t shape_count = shapes_->size();
  std::vector<uint32_t> before(shape_count), within(shape_count);
  for (uint32_t r = 0; r < end; ++r) {
    const uint64_t id = shape_ids_[r];
    if (id >= shape_count) return Bad("shape index out of range");
    ++(r < begin ? before : within)[id];
  }

  // A slot per (key, type) of the shapes the window uses; only their values are decoded.
  absl::flat_hash_map<uint64_t, uint32_t> slot_of;  // key << 8 | type
  std::vector<uint32_t> first;                      // per slot: values before the window
  auto slot_id = [](const ShapeEntry& e) {
    return static_cast<uint64_t>(e.key) << 8 | static_cast<uint8_t>(e.type);
  };
  shape_slot_begin_.assign(shape_count, 0);
  for (size_t s = 0; s < shape_count; ++s) {
    if (within[s] == 0) continue;
    shape_slot_begin_[s] = static_cast<uint32_t>(shape_slots_.size());
    for (const ShapeEntry& e : (*shapes_)[s]) {
      auto [it, inserted] = slot_of.try_emplace(slot_id(e), static_cast<uint32_t>(slots_.size()));
      if (inserted) {
        Slot& slot = slots_.emplace_back();
        slot.key = ColumnKey::Attribute(set, e.type, e.key);
        slot.type = e.type;
        first.push_back(0);
      }
      first[it->second] += before[s];
      slots_[it->second].count += within[s];
      shape_slots_.push_back(it->second);
    }
  }
  // Where each slot's part of the window starts: the values of the rows before it.
  for (size_t s = 0; s < shape_count; ++s) {
    if (within[s] != 0 || before[s] == 0) continue;
    for (const ShapeEntry& e : (*shapes_)[s]) {
      if (auto it = slot_of.find(slot_id(e)); it != slot_of.end()) first[it->second] += before[s];
    }
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    absl::StatusOr<ColumnData*> column = rows.Column(slot.key);
    if (!column.ok()) return column.status();
    if (*column == nullptr) return rows.Corrupt(slot.key, "chunk missing");
    const ColumnData& data = **column;
    if (first[i] > data.value_count || slot.count > data.value_count - first[i]) {
      return rows.Corrupt(slot.key, "fewer values than the shapes need");
    }
    switch (FamilyOf(slot.type)) {
      case ColumnFamily::kU64:
        slot.numbers.resize(slot.count);
        WEFT_RETURN_IF_ERROR(rows.DecodeNumbers(data, first[i], slot.numbers));
        break;
      case ColumnFamily::kString:
        WEFT_RETURN_IF_ERROR(
            rows.DecodeStrings(data, first[i], first[i] + slot.count, &slot.strings));
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

void AttributeSetReader::Rewind() {
  row_ = begin_;
  for (Slot& slot : slots_) slot.cursor = 0;
}

absl::Status AttributeSetReader::SkipTo(uint32_t row) {
  if (row < row_ || row > end_) return Bad("rows visited out of order");
  if (row == row_) return absl::OkStatus();
  // Per row when skipping fewer rows than there are shapes (a scan skips unselected spans one by
  // one), else per shape: either way not more work than the rows or the shape table.
  if (row - row_ < shapes_->size()) {
    for (uint32_t r = row_; r < row; ++r) {
      const uint64_t shape = shape_ids_[r];
      const uint32_t* slots = shape_slots_.data() + shape_slot_begin_[shape];
      for (size_t i = 0; i < (*shapes_)[shape].size(); ++i) ++slots_[slots[i]].cursor;
    }
  } else {
    histogram_.assign(shapes_->size(), 0);
    for (uint32_t r = row_; r < row; ++r) ++histogram_[shape_ids_[r]];
    for (size_t s = 0; s < shapes_->size(); ++s) {
      if (histogram_[s] == 0) continue;
      const uint32_t* slots = shape_slots_.data() + shape_slot_begin_[s];
      for (size_t i = 0; i < (*shapes_)[s].size(); ++i) slots_[slots[i]].cursor += histogram_[s];
    }
  }
  row_ = row;
  return absl::OkStatus();
}

absl::Status AttributeSetReader::ReadNext(Arena& arena, DictionaryInterner& keys, Attributes* out) {
  if (row_ >= end_) return Bad("read past the window");
  const uint64_t shape_id = shape_ids_[row_++];
  const std::span<const ShapeEntry> shape = (*shapes_)[shape_id];
  const uint32_t* slots = shape_slots_.data() + shape_slot_begin_[shape_id];
  if (shape.empty()) {
    *out = {};
    return absl::OkStatus();
  }
  auto* items =
      static_cast<KeyValue*>(arena.Allocate(sizeof(KeyValue) * shape.size(), alignof(KeyValue)));
  for (size_t i = 0; i < shape.size(); ++i) {
    Slot& slot = slots_[slots[i]];
    if (slot.cursor >= slot.count) return Bad("attribute values run out");
    const uint32_t at = slot.cursor++;
    AnyValue value;
    switch (slot.type) {
      case ValueType::kEmpty:
        break;
      case ValueType::kInt:
        value = AnyValue::Int(ZigZagDecode64(slot.numbers[at]));
        break;
      case ValueType::kBool:
        if (slot.numbers[at] > 1) return rows_->Corrupt(slot.key, "bool out of range");
        value = AnyValue::Bool(slot.numbers[at] != 0);
        break;
      case ValueType::kDouble:
        value = AnyValue::Double(std::bit_cast<double>(slot.numbers[at]));
        break;
      case ValueType::kString:
        value = AnyValue::String(arena.CopyString(slot.strings[at]));
        break;
      case ValueType::kBytes:
        value = AnyValue::Bytes(arena.CopyString(slot.strings[at]));
        break;
      case ValueType::kArray:
      case ValueType::kKvList: {
        ByteReader reader(slot.strings[at]);
        if (!ReadValue(reader, arena, &value) || !reader.empty() || value.type() != slot.type) {
          return rows_->Corrupt(slot.key, "malformed nested value");
        }
        break;
      }
    }
    new (&items[i]) KeyValue{keys.Get(shape[i].key), value};
  }
  *out = {items, shape.size()};
  return absl::OkStatus();
}

}  // namespace weft::storage::embedded::block
