// A request's filter prepared for one block: regexes compiled, a ValueProbe per leaf, block-level
// facts computed once (attribute key ids, which span names and services match), and the pruning
// tests that decide from statistics alone — without reading a chunk — that a block or a row group
// cannot hold a matching span (docs/format/block.md, "Reading: pruning").
// Thread rule: not thread-safe; one per Scan call.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "storage/embedded/block/block_file.h"
#include "storage/embedded/block/value_probe.h"
#include "storage/span_fetcher.h"

namespace weft::storage::embedded::block {

struct PlannedLeaf {
  const storage::Condition* condition = nullptr;
  std::unique_ptr<ValueProbe> probe;
  std::optional<uint32_t> key;            // kAttribute: the key's id, if the block has it
  std::vector<uint8_t> name_matches;      // kSpanName: per span-name id
  std::vector<uint8_t> service_matches;   // kServiceName (string operand or regex): per service id
  std::vector<int8_t> small_int_matches;  // kKind / kStatus: per value 0..255, -1 until probed
};

class ScanPlan {
 public:
  // Copies `filter` and compiles its regexes (InvalidArgument for a bad one).
  static absl::StatusOr<std::unique_ptr<ScanPlan>> Make(const storage::ConditionTree& filter,
                                                        const BlockFile& block);

  const storage::ConditionTree& tree() const { return tree_; }
  PlannedLeaf& leaf(const storage::Condition& condition) { return *leaves_.at(&condition); }
  const BlockFile& block() const { return block_; }

  // False when statistics prove that no span of the block / row group matches.
  bool MayMatchBlock();
  bool MayMatchRowGroup(const RowGroupMeta& row_group);

 private:
  ScanPlan(storage::ConditionTree tree, const BlockFile& block);
  void PlanLeaves(const storage::ConditionTree& node);

  // The statistics a pruning decision looks at; `row_group` is null for the whole block.
  bool MayMatch(const storage::ConditionTree& node, const RowGroupMeta* row_group);
  bool LeafMayMatch(PlannedLeaf& leaf, const RowGroupMeta* row_group);

  storage::ConditionTree tree_;
  const BlockFile& block_;
  absl::flat_hash_map<const storage::Condition*, std::unique_ptr<PlannedLeaf>> leaves_;
  // Block-wide span statistics (over all row groups).
  uint64_t min_span_start_ = UINT64_MAX, max_span_start_ = 0;
  uint64_t min_duration_ = UINT64_MAX, max_duration_ = 0;
};

}  // namespace weft::storage::embedded::block
