// The columns of a row group (docs/format/block.md, "Columns"): a fixed set of intrinsic columns
// (span ids, times, names, ...) and one attribute column per (attribute set, value type, key) that
// occurs. A block lists the columns it uses in its catalog; chunks refer to catalog entries.
// Thread rule: pure data and functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "model/any_value.h"

namespace weft::storage::embedded::block {

// No chunk holds more values than this (the writer starts a new row group before one would):
// a reader refuses larger counts instead of allocating for them.
inline constexpr uint32_t kMaxChunkValues = 1u << 26;

// What a column's values are, which decides the table of encodings it uses (encoding.h).
enum class ColumnFamily : uint8_t {
  kU64,     // U64Encoding
  kString,  // StringEncoding
  kRaw,     // fixed-width bytes, kRawEncoding
  kTable,   // a row-group table with its own layout, kTableEncoding
  kNone,    // no payload (attribute values of the empty type)
};

// Intrinsic columns. The numbers are on disk (catalog entries); add new ones at the end.
enum class FixedColumn : uint16_t {
  kTraces = 0,      // table: the row group's trace pieces and summaries (trace_table.h)
  kScopes = 1,      // table: resources and instrumentation scopes (scope_table.h)
  kSpanId = 2,      // raw 8 bytes per span
  kSpanParent = 3,  // u64 per span: 0 none, 1 explicit (kSpanParentId), else 2 + zigzag(row delta)
  kSpanParentId = 4,        // raw 8 bytes per explicit parent
  kSpanStart = 5,           // u64 per span: zigzag(start - reference start), see span_columns.h
  kSpanDuration = 6,        // u64 per span: zigzag(end - start)
  kSpanKind = 7,            // u64 per span
  kSpanStatus = 8,          // u64 per span: status code
  kSpanFlags = 9,           // u64 per span
  kSpanTraceState = 10,     // string per span
  kSpanName = 11,           // u64 per span: index into the block's span-name dictionary
  kSpanScope = 12,          // u64 per span: index into the row group's scope table
  kSpanDropped = 13,        // u64, three per span: dropped attributes, events, links
  kSpanStatusMessage = 14,  // string per span
  kSpanEventCount = 15,     // u64 per span
  kSpanLinkCount = 16,      // u64 per span
  kEventTime = 17,          // u64 per event: zigzag(time - span start)
  kEventName = 18,          // string per event
  kEventDropped = 19,       // u64 per event
  kLinkTraceId = 20,        // raw 16 bytes per link
  kLinkSpanId = 21,         // raw 8 bytes per link
  kLinkTraceState = 22,     // string per link
  kLinkFlags = 23,          // u64 per link
  kLinkDropped = 24,        // u64 per link
  kSpanAttrShapes = 25,     // table: attribute shapes of spans (attribute_columns.h)
  kSpanAttrShape = 26,      // u64 per span: shape index
  kEventAttrShapes = 27,
  kEventAttrShape = 28,
  kLinkAttrShapes = 29,
  kLinkAttrShape = 30,
};
inline constexpr uint16_t kFixedColumnCount = 31;

struct FixedColumnDef {
  FixedColumn id;
  std::string_view name;  // for messages and docs: "span.start"
  ColumnFamily family;
  uint8_t raw_width;  // bytes per value of a kRaw column
};
const FixedColumnDef& DefOf(FixedColumn column);

// Whose attributes an attribute column holds. On disk; add new ones at the end.
enum class AttributeSet : uint8_t { kSpan = 0, kEvent = 1, kLink = 2 };
inline constexpr int kAttributeSetCount = 3;
std::string_view AttributeSetName(AttributeSet set);  // "span", "event", "link"
FixedColumn ShapesColumn(AttributeSet set);           // kSpanAttrShapes, ...
FixedColumn ShapeColumn(AttributeSet set);            // kSpanAttrShape, ...

// The family that stores attribute values of `type`: ints, bools and doubles (bit pattern) as u64;
// strings, bytes and serialized arrays and maps as strings; the empty value stores nothing.
ColumnFamily FamilyOf(ValueType type);

// A catalog entry: an intrinsic column, or the values of type `type` of attribute `key` (an index
// into the block's key dictionary) of attribute set `set`.
struct ColumnKey {
  bool is_attribute = false;
  FixedColumn fixed = FixedColumn::kTraces;
  AttributeSet set = AttributeSet::kSpan;
  ValueType type = ValueType::kEmpty;
  uint32_t key = 0;

  static ColumnKey Fixed(FixedColumn c) { return ColumnKey{false, c, {}, {}, 0}; }
  static ColumnKey Attribute(AttributeSet s, ValueType t, uint32_t k) {
    return ColumnKey{true, FixedColumn::kTraces, s, t, k};
  }
  ColumnFamily family() const { return is_attribute ? FamilyOf(type) : DefOf(fixed).family; }
  friend bool operator==(const ColumnKey& a, const ColumnKey& b) {
    return a.is_attribute == b.is_attribute &&
           (a.is_attribute ? a.set == b.set && a.type == b.type && a.key == b.key
                           : a.fixed == b.fixed);
  }
  template <typename H>
  friend H AbslHashValue(H h, const ColumnKey& c) {
    return c.is_attribute ? H::combine(std::move(h), true, c.set, c.type, c.key)
                          : H::combine(std::move(h), false, c.fixed);
  }
};

// "span.start", or "span.attr[string]http.method" (keys from the block's key dictionary).
std::string ColumnName(const ColumnKey& column, std::span<const std::string> keys);

}  // namespace weft::storage::embedded::block
