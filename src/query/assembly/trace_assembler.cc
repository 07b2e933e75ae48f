#include "query/assembly/trace_assembler.h"

#include <utility>

#include "query/assembly/clock_skew.h"
#include "query/assembly/self_time.h"
#include "query/assembly/span_order.h"
#include "storage/span_identity.h"

namespace weft::query {

AssembledTrace AssembleTrace(const SpanBatch& spans, const AssemblyOptions& options) {
  SpanBatch copy;
  const std::vector<uint32_t> order = StartOrder(spans.spans());
  copy.CopySpansFrom(spans, order);  // already sorted: the adopting overload keeps the order
  return AssembleTrace(std::move(copy), options);
}

AssembledTrace AssembleTrace(SpanBatch&& spans, const AssemblyOptions& options) {
  AssembledTrace trace;
  trace.batch_ = std::move(spans);
  SpanBatch& batch = trace.batch_;
  trace.duplicates_dropped_ = storage::DropExactDuplicates(batch);
  if (const std::vector<uint32_t> order = StartOrder(batch.spans()); !IsIdentityOrder(order)) {
    ReorderSpans(batch, order);
  }

  trace.tree_ = BuildTraceTree(batch.spans());
  trace.warnings_ = std::move(trace.tree_.warnings);
  trace.tree_.warnings.clear();

  if (options.adjust_clock_skew) {
    std::vector<int64_t> shifts = AdjustClockSkew(batch, trace.tree_, options, trace.warnings_);
    bool any_shift = false;
    for (const int64_t shift : shifts) any_shift |= shift != 0;
    if (any_shift) {
      const std::vector<uint32_t> order = StartOrder(batch.spans());
      if (!IsIdentityOrder(order)) {
        ReorderSpans(batch, order);
        PermuteTraceTree(trace.tree_, order);
        std::vector<int64_t> permuted(shifts.size());
        for (size_t j = 0; j < order.size(); ++j) permuted[j] = shifts[order[j]];
        shifts = std::move(permuted);
      }
      trace.clock_shifts_ = std::move(shifts);
    }
  }

  trace.self_times_ = ComputeSelfTimes(batch.spans(), trace.tree_);
  trace.critical_path_ = ComputeCriticalPath(batch.spans(), trace.tree_);
  trace.overview_ = SummarizeTrace(batch, trace.tree_, trace.self_times_);
  return trace;
}

}  // namespace weft::query
