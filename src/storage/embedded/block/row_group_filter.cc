#include "storage/embedded/block/row_group_filter.h"

#include <algorithm>
#include <array>
#include <bit>
#include <compare>
#include <limits>
#include <variant>

#include "common/arena.h"
#include "common/status_macros.h"
#include "common/varint.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {

using storage::AttributeScope;
using storage::CompareOp;
using storage::Condition;
using storage::ConditionTree;
using storage::Field;

namespace {

// Conditions an int value can be compared with natively (the common case of a scan), with the
// same result as condition_eval's int-with-int comparison.
struct IntComparison {
  bool native = false;
  CompareOp op = CompareOp::kEq;
  int64_t operand = 0;

  explicit IntComparison(const Condition& c) {
    const auto* x = std::get_if<int64_t>(&c.operand);
    if (x == nullptr) return;
    switch (c.op) {
      case CompareOp::kEq:
      case CompareOp::kNe:
      case CompareOp::kLt:
      case CompareOp::kLe:
      case CompareOp::kGt:
      case CompareOp::kGe:
        native = true;
        op = c.op;
        operand = *x;
        break;
      default:
        break;
    }
  }

  static bool IsOrdering(CompareOp op) {
    return op == CompareOp::kEq || op == CompareOp::kNe || op == CompareOp::kLt ||
           op == CompareOp::kLe || op == CompareOp::kGt || op == CompareOp::kGe;
  }
  static bool Holds(CompareOp op, std::strong_ordering order) {
    switch (op) {
      case CompareOp::kEq:
        return order == 0;
      case CompareOp::kNe:
        return order != 0;
      case CompareOp::kLt:
        return order < 0;
      case CompareOp::kLe:
        return order <= 0;
      case CompareOp::kGt:
        return order > 0;
      default:
        return order >= 0;
    }
  }

  bool Holds(int64_t v) const {
    switch (op) {
      case CompareOp::kEq:
        return v == operand;
      case CompareOp::kNe:
        return v != operand;
      case CompareOp::kLt:
        return v < operand;
      case CompareOp::kLe:
        return v <= operand;
      case CompareOp::kGt:
        return v > operand;
      default:
        return v >= operand;
    }
  }

  // Fills out[i] = Holds(value(i)) for i < n; the loop per operator keeps it vectorizable.
  template <typename Value>
  void Fill(size_t n, Value value, uint8_t* out) const {
    const int64_t x = operand;
    switch (op) {
      case CompareOp::kEq:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) == x;
        break;
      case CompareOp::kNe:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) != x;
        break;
      case CompareOp::kLt:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) < x;
        break;
      case CompareOp::kLe:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) <= x;
        break;
      case CompareOp::kGt:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) > x;
        break;
      default:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) >= x;
        break;
    }
  }
};

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

inline int64_t Clamped(uint64_t v) {
  return static_cast<int64_t>(std::min<uint64_t>(v, kInt64Max));
}

bool AllZero(const std::vector<uint8_t>& v) {
  return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

absl::Status RowGroupFilter::Evaluate(Bytes* matches) { return Node(plan_.tree(), matches); }

absl::Status RowGroupFilter::Node(const ConditionTree& node, Bytes* out) {
  const uint32_t n = rows_.meta().spans;
  if (node.kind == ConditionTree::Kind::kLeaf) return Leaf(plan_.leaf(node.leaf), out);
  const bool is_and = node.kind == ConditionTree::Kind::kAnd;
  out->assign(n, is_and ? 1 : 0);
  Bytes child_result;
  for (const ConditionTree& child : node.children) {
    WEFT_RETURN_IF_ERROR(Node(child, &child_result));
    uint8_t* o = out->data();
    const uint8_t* c = child_result.data();
    if (is_and) {
      for (uint32_t i = 0; i < n; ++i) o[i] &= c[i];
      if (AllZero(*out)) break;
    } else {
      for (uint32_t i = 0; i < n; ++i) o[i] |= c[i];
    }
  }
  return absl::OkStatus();
}

absl::Status RowGroupFilter::Leaf(PlannedLeaf& leaf, Bytes* out) {
  using F = FixedColumn;
  const Condition& c = *leaf.condition;
  ValueProbe& probe = *leaf.probe;
  const uint32_t n = rows_.meta().spans;
  out->resize(n);
  uint8_t* o = out->data();
  switch (c.field) {
    case Field::kServiceName:
      return ResourceRows(leaf, out);
    case Field::kSpanName: {
      absl::StatusOr<std::span<const uint64_t>> names = rows_.Numbers(F::kSpanName);
      if (!names.ok()) return names.status();
      const size_t limit = leaf.name_matches.size();
      for (uint32_t r = 0; r < n; ++r) {
        const uint64_t id = (*names)[r];
        if (id >= limit) return rows_.Corrupt(ColumnKey::Fixed(F::kSpanName), "name out of range");
        o[r] = leaf.name_matches[id];
      }
      return absl::OkStatus();
    }
    case Field::kKind:
    case Field::kStatus: {
      const F column = c.field == Field::kKind ? F::kSpanKind : F::kSpanStatus;
      absl::StatusOr<std::span<const uint64_t>> values = rows_.Numbers(column);
      if (!values.ok()) return values.status();
      for (uint32_t r = 0; r < n; ++r) {
        const uint64_t v = (*values)[r];
        if (v > UINT8_MAX) return rows_.Corrupt(ColumnKey::Fixed(column), "value out of range");
        int8_t& known = leaf.small_int_matches[v];
        if (known < 0) {
          Span span;
          span.kind = static_cast<SpanKind>(v);
          span.status_code = static_cast<StatusCode>(v);
          known = probe.Intrinsic(span) ? 1 : 0;
        }
        o[r] = static_cast<uint8_t>(known);
      }
      return absl::OkStatus();
    }
    case Field::kStatusMessage: {
      absl::StatusOr<const DecodedStrings*> messages = rows_.Strings(F::kSpanStatusMessage);
      if (!messages.ok()) return messages.status();
      Bytes table((*messages)->dict.size());
      for (size_t i = 0; i < table.size(); ++i) {
        Span span;
        span.status_message = (*messages)->dict[i];
        table[i] = probe.Intrinsic(span);
      }
      for (uint32_t r = 0; r < n; ++r) o[r] = table[(*messages)->ids[r]];
      return absl::OkStatus();
    }
    case Field::kDuration: {
      std::vector<int64_t> durations;
      WEFT_RETURN_IF_ERROR(Durations(&durations));
      const IntComparison native(c);
      if (native.native) {
        native.Fill(
            n, [&](size_t i) { return durations[i]; }, o);
      } else {
        for (uint32_t r = 0; r < n; ++r) {
          Span span;
          span.end_time_unix_nano = static_cast<uint64_t>(durations[r]);
          o[r] = probe.Intrinsic(span);
        }
      }
      return absl::OkStatus();
    }
    case Field::kStartTime: {
      std::vector<uint64_t> starts;
      WEFT_RETURN_IF_ERROR(Starts(&starts));
      const IntComparison native(c);
      if (native.native) {
        native.Fill(
            n, [&](size_t i) { return Clamped(starts[i]); }, o);
      } else {
        for (uint32_t r = 0; r < n; ++r) {
          Span span;
          span.start_time_unix_nano = span.end_time_unix_nano = starts[r];
          o[r] = probe.Intrinsic(span);
        }
      }
      return absl::OkStatus();
    }
    case Field::kAttribute:
      break;
  }
  switch (c.scope) {
    case AttributeScope::kSpan:
      return AttributeRows(leaf, AttributeSet::kSpan, out, nullptr);
    case AttributeScope::kResource:
      return ResourceRows(leaf, out);
    case AttributeScope::kSpanOrResource: {
      Bytes present, resource;
      WEFT_RETURN_IF_ERROR(AttributeRows(leaf, AttributeSet::kSpan, out, &present));
      WEFT_RETURN_IF_ERROR(ResourceRows(leaf, &resource));
      o = out->data();
      for (uint32_t r = 0; r < n; ++r) o[r] = present[r] ? o[r] : resource[r];
      return absl::OkStatus();
    }
    case AttributeScope::kEvent:
    case AttributeScope::kLink: {
      const bool events = c.scope == AttributeScope::kEvent;
      Bytes elements;
      WEFT_RETURN_IF_ERROR(AttributeRows(leaf, events ? AttributeSet::kEvent : AttributeSet::kLink,
                                         &elements, nullptr));
      return FoldIntoSpans(events ? F::kSpanEventCount : F::kSpanLinkCount,
                           c.op == CompareOp::kNotExists, elements, out);
    }
  }
  return absl::OkStatus();
}

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
  absl::StatusOr<const std::vector<Shape>*> shapes_or = rows_.Shapes(set);
  if (!shapes_or.ok()) return shapes_or.status();
  const std::vector<Shape>& shapes = **shapes_or;
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
  const IntComparison native(*leaf.condition);
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
            IntComparison::IsOrdering(leaf.condition->op)) {
          // String against string: bytewise, as condition_eval compares them.
          const CompareOp op = leaf.condition->op;
          for (size_t j = 0; j < table.size(); ++j) {
            table[j] = IntComparison::Holds(op, strings.dict[j].compare(*text) <=> 0);
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

absl::Status RowGroupFilter::ResourceRows(PlannedLeaf& leaf, Bytes* out) {
  absl::StatusOr<const SpanBatch*> scopes = rows_.Scopes();
  if (!scopes.ok()) return scopes.status();
  const size_t scope_count = (*scopes)->scopes().size();
  Bytes table(scope_count);
  for (size_t i = 0; i < scope_count; ++i) {
    table[i] = leaf.probe->Resource(**scopes, static_cast<uint32_t>(i));
  }
  absl::StatusOr<std::span<const uint64_t>> scope_ids = rows_.Numbers(FixedColumn::kSpanScope);
  if (!scope_ids.ok()) return scope_ids.status();
  const uint32_t n = rows_.meta().spans;
  out->resize(n);
  for (uint32_t r = 0; r < n; ++r) {
    const uint64_t s = (*scope_ids)[r];
    if (s >= scope_count) {
      return rows_.Corrupt(ColumnKey::Fixed(FixedColumn::kSpanScope), "scope out of range");
    }
    (*out)[r] = table[s];
  }
  return absl::OkStatus();
}

absl::Status RowGroupFilter::FoldIntoSpans(FixedColumn counts_column, bool all,
                                           const Bytes& elements, Bytes* out) {
  absl::StatusOr<std::span<const uint64_t>> counts = rows_.Numbers(counts_column);
  if (!counts.ok()) return counts.status();
  const uint32_t n = rows_.meta().spans;
  out->resize(n);
  uint64_t e = 0;
  for (uint32_t r = 0; r < n; ++r) {
    const uint64_t c = (*counts)[r];
    if (c > elements.size() - e) {
      return rows_.Corrupt(ColumnKey::Fixed(counts_column), "counts exceed the rows");
    }
    uint8_t v = all ? 1 : 0;
    for (uint64_t k = 0; k < c; ++k) {
      if (all) {
        v &= elements[e + k];
      } else {
        v |= elements[e + k];
      }
    }
    e += c;
    (*out)[r] = v;
  }
  if (e != elements.size()) {
    return rows_.Corrupt(ColumnKey::Fixed(counts_column), "counts do not add up");
  }
  return absl::OkStatus();
}

absl::Status RowGroupFilter::Durations(std::vector<int64_t>* durations) {
  // span.duration holds zigzag(end - start). A non-negative difference is the duration itself
  // (starts are below 2^63 in any real data; the stored end is start + difference); a negative
  // one is either an end before the start (duration 0) or a duration of 2^63 or more, which only
  // the start can tell apart.
  absl::StatusOr<std::span<const uint64_t>> stored = rows_.Numbers(FixedColumn::kSpanDuration);
  if (!stored.ok()) return stored.status();
  const uint32_t n = rows_.meta().spans;
  durations->resize(n);
  bool ambiguous = rows_.meta().max_span_start >= (uint64_t{1} << 63);
  for (uint32_t r = 0; r < n; ++r) {
    const int64_t d = ZigZagDecode64((*stored)[r]);
    (*durations)[r] = d;
    ambiguous |= d < 0;
  }
  if (!ambiguous) return absl::OkStatus();
  std::vector<uint64_t> starts;
  WEFT_RETURN_IF_ERROR(Starts(&starts));
  for (uint32_t r = 0; r < n; ++r) {
    const uint64_t start = starts[r];
    const uint64_t end = start + static_cast<uint64_t>(ZigZagDecode64((*stored)[r]));
    (*durations)[r] = Clamped(end > start ? end - start : 0);
  }
  return absl::OkStatus();
}

absl::Status RowGroupFilter::Starts(std::vector<uint64_t>* starts) {
  absl::StatusOr<const std::vector<TracePiece>*> pieces = rows_.Pieces();
  if (!pieces.ok()) return pieces.status();
  absl::StatusOr<std::span<const uint64_t>> parent = rows_.Numbers(FixedColumn::kSpanParent);
  if (!parent.ok()) return parent.status();
  absl::StatusOr<std::span<const uint64_t>> start = rows_.Numbers(FixedColumn::kSpanStart);
  if (!start.ok()) return start.status();
  starts->resize(rows_.meta().spans);
  for (const TracePiece& piece : **pieces) {
    for (uint32_t i = 0; i < piece.rows; ++i) {
      const uint32_t r = piece.first_row + i;
      uint64_t reference = piece.piece_start;
      const uint64_t p = (*parent)[r];
      if (p >= 2) {
        const int64_t local = static_cast<int64_t>(i) + ZigZagDecode64(p - 2);
        if (local < 0 || local >= static_cast<int64_t>(piece.rows)) {
          return rows_.Corrupt(ColumnKey::Fixed(FixedColumn::kSpanParent),
                               "parent row outside the trace");
        }
        if (local < static_cast<int64_t>(i)) reference = (*starts)[piece.first_row + local];
      }
      (*starts)[r] = reference + static_cast<uint64_t>(ZigZagDecode64((*start)[r]));
    }
  }
  return absl::OkStatus();
}

}  // namespace weft::storage::embedded::block
