// Reader side of one attribute set of a row group, for rebuilding attribute lists of a window of
// rows: loads the shape table and the shapes of the rows up to the window's end, works out from
// them where each value column's part of the window starts, decodes just those values, then walks
// the window's rows in ascending order (attribute_shapes.h).
// Thread rule: not thread-safe; belongs to one RowGroupReader's user.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/arena.h"
#include "model/any_value.h"
#include "storage/embedded/block/dictionary_interner.h"
#include "storage/embedded/block/row_group_reader.h"

namespace weft::storage::embedded::block {

class AttributeSetReader {
 public:
  // Prepares rows [begin, end) of `set`. REQUIRES: `rows` outlives this reader.
  absl::Status Load(RowGroupReader& rows, AttributeSet set, uint32_t begin, uint32_t end);

  // Moves back to the window's first row.
  void Rewind();
  // Moves to `row` (not behind the current row, not past the window) without building the rows
  // in between.
  absl::Status SkipTo(uint32_t row);
  // Builds the attributes of the current row into `arena` and moves to the next row.
  absl::Status ReadNext(Arena& arena, DictionaryInterner& keys, Attributes* out);

 private:
  // One (key, type) value column's part of the window.
  struct Slot {
    ColumnKey key;
    ValueType type = ValueType::kEmpty;
    uint32_t count = 0;   // values in the window
    uint32_t cursor = 0;  // next value, relative to the window
    std::vector<uint64_t> numbers;
    DecodedStrings strings;
  };
  absl::Status Bad(std::string_view what) const;

  RowGroupReader* rows_ = nullptr;
  AttributeSet set_ = AttributeSet::kSpan;
  const ShapeTable* shapes_ = nullptr;
  std::vector<uint64_t> shape_ids_;  // rows [0, end)
  std::vector<Slot> slots_;
  // Per shape used in the window, per entry: its slot, at shape_slots_[shape_slot_begin_[shape]]
  // (one flat array: no allocation per shape).
  std::vector<uint32_t> shape_slot_begin_;
  std::vector<uint32_t> shape_slots_;
  uint32_t begin_ = 0;
  uint32_t end_ = 0;
  uint32_t row_ = 0;
  std::vector<uint32_t> histogram_;  // scratch
};

}  // namespace weft::storage::embedded::block
