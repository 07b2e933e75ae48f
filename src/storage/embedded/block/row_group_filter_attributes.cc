// RowGroupFilter::AttributeRows: an attribute condition over the rows of one attribute set,
// from the shapes and the key's value columns only (attribute_shapes.h).
#include <algorithm>
#include <array>
#include <bit>
#include <variant>

#include "common/arena.h"
#include "common/varint.h"
#include "storage/embedded/block/native_comparison.h"
#include "storage/embedded/block/row_group_filter.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {

using storage::CompareOp;

absl::Status RowGroupFilter::AttributeRows(PlannedLeaf& leaf, AttributeSet set, Bytes* out,
                                           Bytes* present) {
  ValueProbe& probe = *leaf.probe;
  const uint32_t rows = rows_.RowsOf(set);
  const uint8_t absent = probe.Attribute(nullptr);
  if (!leaf.key.has_value()) {
    out->assign(rows, absent);
    if (present != nullptr) present->assign(rows, 0);
    return absl::OkStatus();
  }
  const uint32_t key = *leaf.key;
  absl::StatusOr<const ShapeTable*> shapes_or = rows_.Shapes(set);
  if (!shapes_or.ok()) return shapes_or.status();
  const ShapeTable& shapes = **shapes_or;
  absl::StatusOr<std::span<const uint64_t>> ids_or = rows_.Numbers(ShapeColumn(set));
  if (!ids_or.ok()) return ids_or.status();
  const std::span<const uint64_t> ids = *ids_or;
  const ColumnKey shape_column = ColumnKey::Fixed(ShapeColumn(set));

  // Per shape: the type of the key's first occurrence (-1: none) and how far each type's cursor
  // moves past the shape.
  constexpr int kTypes = static_cast<int>(ValueType::kKvList) + 1;
  struct ShapeInfo {
    int8_t first = -1;
    bool single = true;  // at most one occurrence of the key
    std::array<uint32_t, kTypes> advance{};
  };
  std::vector<ShapeInfo> info(shapes.size());
  uint32_t types_used = 0;
  for (size_t s = 0; s < shapes.size(); ++s) {
    uint32_t occurrences = 0;
    for (const ShapeEntry& e : shapes[s]) {
      if (e.key != key) continue;
      const int t = static_cast<int>(e.type);
      if (info[s].first < 0) info[s].first = static_cast<int8_t>(t);
      ++info[s].advance[t];
      ++occurrences;
      types_used |= 1u << t;
    }
    info[s].single = occurrences <= 1;
  }

  // Per type: whether the condition holds for each of its values.
  std::array<Bytes, kTypes> matches;
  std::array<uint32_t, kTypes> counts{};
  const NativeComparison native(*leaf.condition);
  for (int t = 0; t < kTypes; ++t) {
    if ((types_used & (1u << t)) == 0) continue;
    const ValueType type = static_cast<ValueType>(t);
    const ColumnKey column_key = ColumnKey::Attribute(set, type, key);
    absl::StatusOr<ColumnData*> column_or = rows_.Column(column_key);
    if (!column_or.ok()) return column_or.status();
    ColumnData* column = *column_or;
    if (column == nullptr) return rows_.Corrupt(column_key, "chunk missing");
    const uint32_t count = column->value_count;
    std::span<const uint64_t> numbers;
    const DecodedStrings* decoded_strings = nullptr;
    if (FamilyOf(type) == ColumnFamily::kU64) {
      absl::StatusOr<std::span<const uint64_t>> decoded = rows_.NumbersOf(*column);
      if (!decoded.ok()) return decoded.status();
      numbers = *decoded;
    } else if (FamilyOf(type) == ColumnFamily::kString) {
      absl::StatusOr<const DecodedStrings*> decoded = rows_.StringsOf(*column);
      if (!decoded.ok()) return decoded.status();
      decoded_strings = *decoded;
    }
    counts[t] = count;
    Bytes& m = matches[t];
    m.resize(count);
    switch (type) {
      case ValueType::kEmpty: {
        const AnyValue empty;
        std::fill(m.begin(), m.end(), probe.Attribute(&empty));
        break;
      }
      case ValueType::kBool: {
        const AnyValue f = AnyValue::Bool(false), tr = AnyValue::Bool(true);
        const uint8_t on_false = probe.Attribute(&f), on_true = probe.Attribute(&tr);
        for (uint32_t i = 0; i < count; ++i) {
          const uint64_t v = numbers[i];
          if (v > 1) return rows_.Corrupt(column_key, "bool out of range");
          m[i] = v ? on_true : on_false;
        }
        break;
      }
      case ValueType::kInt:
        if (native.native) {
          const uint64_t* v = numbers.data();
          native.Fill(
              count, [&](size_t i) { return ZigZagDecode64(v[i]); }, m.data());
        } else {
          for (uint32_t i = 0; i < count; ++i) {
            const AnyValue value = AnyValue::Int(ZigZagDecode64(numbers[i]));
            m[i] = probe.Attribute(&value);
          }
        }
        break;
      case ValueType::kDouble:
        for (uint32_t i = 0; i < count; ++i) {
          const AnyValue value = AnyValue::Double(std::bit_cast<double>(numbers[i]));
          m[i] = probe.Attribute(&value);
        }
        break;
      default: {  // the string family: decide each distinct value once
        const DecodedStrings& strings = *decoded_strings;
        Bytes table(strings.dict.size());
        const auto* text = std::get_if<std::string>(&leaf.condition->operand);
        if (type == ValueType::kString && text != nullptr &&
            NativeComparison::IsOrdering(leaf.condition->op)) {
          // String against string: bytewise, as condition_eval compares them.
          const CompareOp op = leaf.condition->op;
          for (size_t j = 0; j < table.size(); ++j) {
            table[j] = NativeComparison::Holds(op, strings.dict[j].compare(*text) <=> 0);
          }
          for (uint32_t i = 0; i < count; ++i) m[i] = table[strings.ids[i]];
          break;
        }
        Arena arena;
        for (size_t j = 0; j < table.size(); ++j) {
          AnyValue value;
          if (type == ValueType::kString) {
            value = AnyValue::String(strings.dict[j]);
          } else if (type == ValueType::kBytes) {
            value = AnyValue::Bytes(strings.dict[j]);
          } else {
            ByteReader reader(strings.dict[j]);
            if (!ReadValue(reader, arena, &value) || !reader.empty() || value.type() != type) {
              return rows_.Corrupt(column_key, "malformed nested value");
            }
          }
          table[j] = probe.Attribute(&value);
        }
        for (uint32_t i = 0; i < count; ++i) m[i] = table[strings.ids[i]];
        break;
      }
    }
  }

  out->resize(rows);
  if (present != nullptr) present->resize(rows);
  uint64_t max_id = 0;
  for (uint32_t r = 0; r < rows; ++r) max_id = std::max(max_id, ids[r]);
  if (rows > 0 && max_id >= info.size()) {
    return rows_.Corrupt(shape_column, "shape index out of range");
  }
  uint8_t* o = out->data();

  // The common case: the key has one value type here and no shape holds it twice. Then a row
  // takes the next value when its shape has the key: a branch-free loop.
  const bool one_type = std::has_single_bit(types_used);
  const bool all_single =
      std::all_of(info.begin(), info.end(), [](const ShapeInfo& si) { return si.single; });
  if (one_type && all_single && present == nullptr) {
    const int t = std::countr_zero(types_used);
    std::vector<uint8_t> has(info.size());
    for (size_t s = 0; s < info.size(); ++s) has[s] = info[s].first >= 0;
    Bytes& m = matches[t];
    m.push_back(absent);  // read (and discarded) by rows after the last value
    uint32_t cursor = 0;
    for (uint32_t r = 0; r < rows; ++r) {
      const uint8_t h = has[ids[r]];
      const uint8_t v = m[std::min(cursor, counts[t])];
      o[r] = h ? v : absent;
      cursor += h;
    }
    if (cursor != counts[t]) return rows_.Corrupt(shape_column, "attribute values do not add up");
    return absl::OkStatus();
  }

  std::array<uint32_t, kTypes> cursor{};
  for (uint32_t r = 0; r < rows; ++r) {
    const ShapeInfo& si = info[ids[r]];
    if (si.first < 0) {
      o[r] = absent;
      if (present != nullptr) (*present)[r] = 0;
      continue;
    }
    const int t = si.first;
    if (cursor[t] >= counts[t]) return rows_.Corrupt(shape_column, "attribute values run out");
    o[r] = matches[t][cursor[t]];
    if (present != nullptr) (*present)[r] = 1;
    if (si.single) {
      ++cursor[t];
    } else {
      for (int u = 0; u < kTypes; ++u) cursor[u] += si.advance[u];
    }
  }
  for (int t = 0; t < kTypes; ++t) {
    if (cursor[t] != counts[t]) return rows_.Corrupt(shape_column, "attribute values left over");
  }
  return absl::OkStatus();
}

}  // namespace weft::storage::embedded::block
