#include "storage/embedded/block/columns.h"

namespace weft::storage::embedded::block {
namespace {

using F = FixedColumn;
using Fam = ColumnFamily;

constexpr FixedColumnDef kDefs[kFixedColumnCount] = {
    {F::kTraces, "traces", Fam::kTable, 0},
    {F::kScopes, "scopes", Fam::kTable, 0},
    {F::kSpanId, "span.id", Fam::kRaw, 8},
    {F::kSpanParent, "span.parent", Fam::kU64, 0},
    {F::kSpanParentId, "span.parent_id", Fam::kRaw, 8},
    {F::kSpanStart, "span.start", Fam::kU64, 0},
    {F::kSpanDuration, "span.duration", Fam::kU64, 0},
    {F::kSpanKind, "span.kind", Fam::kU64, 0},
    {F::kSpanStatus, "span.status", Fam::kU64, 0},
    {F::kSpanFlags, "span.flags", Fam::kU64, 0},
    {F::kSpanTraceState, "span.trace_state", Fam::kString, 0},
    {F::kSpanName, "span.name", Fam::kU64, 0},
    {F::kSpanScope, "span.scope", Fam::kU64, 0},
    {F::kSpanDropped, "span.dropped", Fam::kU64, 0},
    {F::kSpanStatusMessage, "span.status_message", Fam::kString, 0},
    {F::kSpanEventCount, "span.event_count", Fam::kU64, 0},
    {F::kSpanLinkCount, "span.link_count", Fam::kU64, 0},
    {F::kEventTime, "event.time", Fam::kU64, 0},
    {F::kEventName, "event.name", Fam::kString, 0},
    {F::kEventDropped, "event.dropped", Fam::kU64, 0},
    {F::kLinkTraceId, "link.trace_id", Fam::kRaw, 16},
    {F::kLinkSpanId, "link.span_id", Fam::kRaw, 8},
    {F::kLinkTraceState, "link.trace_state", Fam::kString, 0},
    {F::kLinkFlags, "link.flags", Fam::kU64, 0},
    {F::kLinkDropped, "link.dropped", Fam::kU64, 0},
    {F::kSpanAttrShapes, "span.attr_shapes", Fam::kTable, 0},
    {F::kSpanAttrShape, "span.attr_shape", Fam::kU64, 0},
    {F::kEventAttrShapes, "event.attr_shapes", Fam::kTable, 0},
    {F::kEventAttrShape, "event.attr_shape", Fam::kU64, 0},
    {F::kLinkAttrShapes, "link.attr_shapes", Fam::kTable, 0},
    {F::kLinkAttrShape, "link.attr_shape", Fam::kU64, 0},
};

}  // namespace

const FixedColumnDef& DefOf(FixedColumn column) { return kDefs[static_cast<uint16_t>(column)]; }

std::string_view AttributeSetName(AttributeSet set) {
  switch (set) {
    case AttributeSet::kSpan:
      return "span";
    case AttributeSet::kEvent:
      return "event";
    case AttributeSet::kLink:
      return "link";
  }
  return "?";
}

FixedColumn ShapesColumn(AttributeSet set) {
  static constexpr FixedColumn kShapes[] = {F::kSpanAttrShapes, F::kEventAttrShapes,
                                            F::kLinkAttrShapes};
  return kShapes[static_cast<int>(set)];
}

FixedColumn ShapeColumn(AttributeSet set) {
  static constexpr FixedColumn kShape[] = {F::kSpanAttrShape, F::kEventAttrShape,
                                           F::kLinkAttrShape};
  return kShape[static_cast<int>(set)];
}

ColumnFamily FamilyOf(ValueType type) {
  switch (type) {
    case ValueType::kInt:
    case ValueType::kBool:
    case ValueType::kDouble:
      return Fam::kU64;
    case ValueType::kString:
    case ValueType::kBytes:
    case ValueType::kArray:
    case ValueType::kKvList:
      return Fam::kString;
    case ValueType::kEmpty:
      break;
  }
  return Fam::kNone;
}

std::string ColumnName(const ColumnKey& column, std::span<const std::string> keys) {
  if (!column.is_attribute) return std::string(DefOf(column.fixed).name);
  const std::string_view key =
      column.key < keys.size() ? std::string_view(keys[column.key]) : std::string_view("?");
  std::string name(AttributeSetName(column.set));
  name += ".attr[";
  name += ValueTypeName(column.type);
  name += "]";
  name += key;
  return name;
}

}  // namespace weft::storage::embedded::block
