// The unit of in-memory storage (the memory backend, the embedded store's head): one written batch
// with its spans grouped by trace, each group's time range, and the batch's (service, operation,
// kind) span counts — all computed by GroupBatch before a store's lock is taken, and immutable
// afterwards.
// Thread rule: a GroupedBatch is read-only once built; share it freely across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "model/ids.h"
#include "model/span_batch.h"

namespace weft::storage {

// The spans of one trace within a batch: order[begin, end) of the GroupedBatch.
struct TraceGroup {
  TraceId trace_id;
  uint32_t begin = 0;
  uint32_t end = 0;
  uint64_t start_unix_nanos = UINT64_MAX;  // earliest span start
  uint64_t end_unix_nanos = 0;             // latest span start or end
};

// How many spans of the batch one (service, span name, kind) has; views into the batch.
struct OperationCount {
  std::string_view service;
  std::string_view name;
  SpanKind kind = SpanKind::kUnspecified;
  uint64_t spans = 0;
};

struct GroupedBatch {
  std::unique_ptr<const SpanBatch> batch;
  std::vector<uint32_t> order;     // span indexes, grouped by trace
  std::vector<TraceGroup> traces;  // each trace of the batch once, in first-seen order
  std::vector<OperationCount> operations;
  size_t charged_bytes = 0;  // batch, grouping and index entries: what max_bytes counts

  std::span<const uint32_t> indexes(const TraceGroup& group) const {
    return std::span<const uint32_t>(order).subspan(group.begin, group.end - group.begin);
  }
};

// REQUIRES: batch is not null and holds fewer than 2^32 spans.
std::shared_ptr<const GroupedBatch> GroupBatch(std::unique_ptr<SpanBatch> batch);

// One trace's spans in one stored batch, as an in-memory index keeps them. Shared, not unique:
// one batch's groups belong to many traces, so many slices (and the store's FIFO) point at the
// same GroupedBatch; readers copy slices under the lock and read the batch after releasing it,
// so a batch evicted meanwhile stays alive until they finish.
struct TraceSlice {
  std::shared_ptr<const GroupedBatch> source;
  uint32_t group = 0;  // into source->traces

  const TraceGroup& trace_group() const { return source->traces[group]; }
  const SpanBatch& batch() const { return *source->batch; }
  std::span<const uint32_t> indexes() const { return source->indexes(trace_group()); }
};

}  // namespace weft::storage
