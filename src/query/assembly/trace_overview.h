// TraceOverview: the one-line summary of an assembled trace (what a trace list shows): its root,
// time range, size, errors and the services in it with their self time.
// Thread rule: plain data; SummarizeTrace is a pure function.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/span_batch.h"
#include "query/assembly/trace_tree.h"

namespace weft::query {

struct ServiceOverview {
  std::string name;  // the resource's `service.name`; "" when it has none
  uint32_t span_count = 0;
  uint32_t error_count = 0;      // spans with status ERROR
  uint64_t self_time_nanos = 0;  // sum of the self times of its spans (self_time.h)
};

struct TraceOverview {
  // The root the overview names: the earliest true root, or the earliest root of any kind (an
  // orphan, a broken cycle) when the trace has no true root; kNoSpan for an empty trace.
  uint32_t root = kNoSpan;
  std::string root_service_name;
  std::string root_span_name;
  // The whole trace: from the earliest start of any span to the latest end of any span.
  uint64_t start_unix_nano = 0;
  uint64_t duration_nanos = 0;
  uint32_t span_count = 0;
  uint32_t error_count = 0;
  uint32_t depth = 0;  // levels of the deepest branch: 1 for a lone span, 0 for no span
  std::vector<ServiceOverview> services;  // ordered by name
};

// REQUIRES: `tree` was built from `batch.spans()`; `self_times` from ComputeSelfTimes on them.
TraceOverview SummarizeTrace(const SpanBatch& batch, const TraceTree& tree,
                             std::span<const uint64_t> self_times);

}  // namespace weft::query
