// AssembledTrace: one trace put together from all the spans found for its trace id (the jigsaw):
// its spans deduplicated and in start-time order, their tree, and what was derived from it —
// self times, the critical path, clock skew shifts, warnings and an overview. AssembleTrace
// (trace_assembler.h) makes them.
//
// Every span index in here is a position in spans(): the trace owns a deduplicated copy of the
// spans it was assembled from (with clock skew adjusted times when that was asked for), sorted by
// StartsBefore (span_order.h). Input indexes do not carry over.
//
// Thread rule: immutable once returned; safe to read from any thread. Views into it (spans,
// strings, spans of indexes) stay valid while it lives, moves included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "model/span_batch.h"
#include "query/assembly/assembly_options.h"
#include "query/assembly/assembly_warning.h"
#include "query/assembly/critical_path.h"
#include "query/assembly/trace_overview.h"
#include "query/assembly/trace_tree.h"

namespace weft::query {

class AssembledTrace {
 public:
  AssembledTrace(AssembledTrace&&) noexcept = default;
  AssembledTrace& operator=(AssembledTrace&&) noexcept = default;

  // The spans, their resources and scopes.
  const SpanBatch& batch() const { return batch_; }
  std::span<const Span> spans() const { return batch_.spans(); }
  const Span& span(uint32_t index) const { return batch_.spans()[index]; }
  size_t size() const { return batch_.size(); }
  bool empty() const { return batch_.empty(); }

  // The tree (trace_tree.h): parents, children in start order, roots, depth-first order.
  const TraceTree& tree() const { return tree_; }
  uint32_t parent(uint32_t index) const { return tree_.parent[index]; }
  std::span<const uint32_t> children(uint32_t index) const { return tree_.children(index); }
  std::span<const uint32_t> roots() const { return tree_.roots; }
  uint32_t depth(uint32_t index) const { return tree_.depth[index]; }
  Attachment attachment(uint32_t index) const { return tree_.attachment[index]; }

  // Exact duplicates (storage/span_identity.h) dropped before assembling.
  size_t duplicates_dropped() const { return duplicates_dropped_; }
  // Some span names a parent that is not in the trace: the trace is incomplete, those spans are
  // orphan roots, and missing_parent_ids() lists the absent parents (sorted, no repeats).
  bool incomplete() const { return !tree_.missing_parent_ids.empty(); }
  std::span<const SpanId> missing_parent_ids() const { return tree_.missing_parent_ids; }
  // More than one span without a parent span id.
  bool has_multiple_roots() const { return tree_.true_root_count > 1; }

  // Tree warnings (broken cycles, shared span ids) first, then clock skew shifts in tree order.
  std::span<const AssemblyWarning> warnings() const { return warnings_; }
  // The shift applied to a span by clock skew adjustment; 0 when it did not move or adjustment
  // was off.
  int64_t clock_skew_shift_nanos(uint32_t index) const {
    return clock_shifts_.empty() ? 0 : clock_shifts_[index];
  }

  // Duration minus the union of the children's intervals clipped to the span (self_time.h).
  uint64_t self_time_nanos(uint32_t index) const { return self_times_[index]; }

  // Sections of the critical path of every root (critical_path.h), per root in roots() order.
  std::span<const CriticalPathSection> critical_path() const { return critical_path_.sections; }
  // Total time a span spends on the critical path (0 when it is not on it).
  uint64_t critical_path_nanos(uint32_t index) const { return critical_path_.span_nanos[index]; }

  const TraceOverview& overview() const { return overview_; }

 private:
  friend AssembledTrace AssembleTrace(SpanBatch&& spans, const AssemblyOptions& options);
  AssembledTrace() = default;

  SpanBatch batch_;
  TraceTree tree_;
  size_t duplicates_dropped_ = 0;
  std::vector<AssemblyWarning> warnings_;
  std::vector<int64_t> clock_shifts_;  // empty when no span moved
  std::vector<uint64_t> self_times_;
  CriticalPath critical_path_;
  TraceOverview overview_;
};

}  // namespace weft::query
