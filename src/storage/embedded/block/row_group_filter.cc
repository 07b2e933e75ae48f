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
#include "storage/embedded/block/native_comparison.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {

using storage::AttributeScope;
using storage::CompareOp;
using storage::Condition;
using storage::ConditionTree;
using storage::Field;

namespace {

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
      const NativeComparison native(c);
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
      const NativeComparison native(c);
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
