// Evaluates a scan's condition tree over the spans of one row group from the columns the tree
// names only (a service condition reads the scope table and span.scope; `.http.status_code = 500`
// reads span.attr_shapes, span.attr_shape and one value column), giving one byte per span: 1 when
// the span matches. The result is exact — the same rules as storage::SpanMatches, which decides
// every distinct value through ValueProbe — so the scan's later check on materialized spans only
// confirms it (docs/format/block.md, "Reading: scans").
// Thread rule: not thread-safe; one per row group and scan.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "storage/embedded/block/row_group_reader.h"
#include "storage/embedded/block/scan_plan.h"

namespace weft::storage::embedded::block {

class RowGroupFilter {
 public:
  // REQUIRES: `plan` and `rows` outlive the filter.
  RowGroupFilter(ScanPlan& plan, RowGroupReader& rows) : plan_(plan), rows_(rows) {}

  // Fills `matches` with one byte per span row.
  absl::Status Evaluate(std::vector<uint8_t>* matches);

 private:
  using Bytes = std::vector<uint8_t>;
  absl::Status Node(const storage::ConditionTree& node, Bytes* out);
  absl::Status Leaf(PlannedLeaf& leaf, Bytes* out);
  // Per row of `set`: whether the leaf holds for the row's first attribute named leaf.key (or
  // for its absence); `present` (optional) gets whether the row has the key at all.
  absl::Status AttributeRows(PlannedLeaf& leaf, AttributeSet set, Bytes* out, Bytes* present);
  // Per span: the leaf evaluated on the span's resource alone.
  absl::Status ResourceRows(PlannedLeaf& leaf, Bytes* out);
  // Per span: events / links folded into their span (any holds; kNotExists: all hold).
  absl::Status FoldIntoSpans(FixedColumn counts, bool all, const Bytes& elements, Bytes* out);
  absl::Status Starts(std::vector<uint64_t>* starts);
  // Span::duration_nanos of every span, clamped to int64 as conditions see it.
  absl::Status Durations(std::vector<int64_t>* durations);

  ScanPlan& plan_;
  RowGroupReader& rows_;
};

}  // namespace weft::storage::embedded::block
