// Head: the embedded store's live traces — every durable span not yet in a block, per tenant,
// keyed by trace ID (a TraceIndex over the written batches, shared and immutable). A trace is
// due to be cut into a block once it has been idle (no new spans for `idle_nanos`) or live too
// long (`max_live_nanos` since its first span arrived); while the head holds more than
// `max_bytes`, its oldest traces are due early. Cutting is two-step so readers never miss a
// trace: Due() copies what to cut (the traces stay readable), the store writes and publishes the
// block, then Remove() drops exactly the slices that were cut (spans that arrived meanwhile stay).
// Each trace remembers the oldest WAL segment holding its spans: MinWalSegment() tells the store
// which segments blocks have made redundant.
// Thread rule: every method is thread-safe (one internal mutex; Fetch evaluates unlocked).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "storage/grouped_batch.h"
#include "storage/span_fetcher.h"
#include "storage/trace_index.h"

namespace weft::storage::embedded {

struct HeadOptions {
  uint64_t idle_nanos = 10'000'000'000;      // 10 s without new spans
  uint64_t max_live_nanos = 60'000'000'000;  // 60 s after the first span arrived
  // Bytes of batches held (GroupedBatch::charged_bytes, shared by their traces in proportion
  // to spans). Above it the oldest traces are due until the head is back to half of it.
  uint64_t max_bytes = uint64_t{256} << 20;
};

// A trace to cut: the slices the head held when Due() ran.
struct HeadTrace {
  TraceId id;
  std::vector<TraceSlice> slices;
};

// The traces of one tenant to cut into one block, in ascending trace-id order.
struct HeadCut {
  std::string tenant;
  std::vector<HeadTrace> traces;
  uint64_t spans = 0;
};

struct HeadStats {
  uint64_t traces = 0;
  uint64_t spans = 0;
  uint64_t bytes = 0;
};

class Head {
 public:
  Head(const HeadOptions& options, const Clock& clock);

  // Adds the traces of a durable batch whose WAL record is in segment `wal_segment`.
  void Add(std::string_view tenant, const std::shared_ptr<const GroupedBatch>& grouped,
           uint64_t wal_segment);

  // The trace's slices in the head (empty when it has none).
  std::vector<TraceSlice> Find(std::string_view tenant, const TraceId& trace_id) const;
  bool Contains(std::string_view tenant, const TraceId& trace_id) const;

  absl::StatusOr<FetchResult> Fetch(const FetchRequest& request) const;
  std::vector<std::string> Services(std::string_view tenant) const;
  std::vector<OperationName> Operations(std::string_view tenant, std::string_view service) const;

  // What to cut now: idle or too-old traces, the oldest while over max_bytes, or with
  // `everything` every trace. One HeadCut per tenant with something due.
  std::vector<HeadCut> Due(bool everything) const;
  // Drops the slices of `cut` that are still in the head.
  void Remove(const HeadCut& cut);

  // The oldest WAL segment any held span came from; UINT64_MAX when the head is empty.
  uint64_t MinWalSegment() const;
  // True while the head holds more than `factor` times max_bytes (the store refuses writes at 2).
  bool OverBytes(double factor) const;
  HeadStats stats() const;

 private:
  // Per trace: when it arrived and last grew (clock's monotonic time), and its WAL segments.
  struct Part {
    const GroupedBatch* source;  // identifies the slice in the index
    uint64_t wal_segment;
    uint64_t bytes;  // its share of the batch's charged bytes
    uint64_t spans;
  };
  struct Life {
    uint64_t first_added = 0;
    uint64_t last_added = 0;
    std::vector<Part> parts;
  };
  using Lives = absl::flat_hash_map<TraceId, Life, IdHash>;

  const HeadOptions options_;
  const Clock& clock_;
  mutable absl::Mutex mu_;
  TraceIndex index_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Lives> lives_ ABSL_GUARDED_BY(mu_);  // by tenant
  // Slices each batch still has in the index: its catalog counts go when the last one does.
  absl::flat_hash_map<const GroupedBatch*, uint32_t> batch_slices_ ABSL_GUARDED_BY(mu_);
  uint64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t spans_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace weft::storage::embedded
