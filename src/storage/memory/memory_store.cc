// The in-memory backend: whole batches kept in write order (FIFO, for eviction) and indexed by a
// TraceIndex (trace_index.h). See memory_store.h for the contract.
#include "storage/memory/memory_store.h"

#include <utility>

#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "storage/grouped_batch.h"
#include "storage/trace_index.h"

namespace weft::storage {
namespace {

// One stored batch in write order: what eviction needs to undo its index entries.
struct StoredBatch {
  std::string tenant;
  std::shared_ptr<const GroupedBatch> grouped;
};

class MemoryStore final : public SpanStore {
 public:
  explicit MemoryStore(const MemoryStoreOptions& options) : options_(options) {}

  void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch, WriteDone done) override {
    if (batch == nullptr || batch->empty()) {
      std::move(done)(absl::OkStatus());
      return;
    }
    // Group outside the lock.
    std::shared_ptr<const GroupedBatch> grouped = GroupBatch(std::move(batch));
    if (grouped->charged_bytes > options_.max_bytes) {
      std::move(done)(absl::ResourceExhaustedError(
          absl::StrCat("batch of ", grouped->charged_bytes,
                       " bytes exceeds the memory store's max_bytes (", options_.max_bytes, ")")));
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      index_.Add(tenant, grouped);
      spans_ += grouped->batch->size();
      bytes_ += grouped->charged_bytes;
      fifo_.push_back(StoredBatch{std::string(tenant), std::move(grouped)});
      EvictWhileOverLimit();
    }
    std::move(done)(absl::OkStatus());
  }

  absl::StatusOr<std::unique_ptr<SpanBatch>> GetTrace(std::string_view tenant,
                                                      const TraceId& trace_id) override {
    std::vector<TraceSlice> slices;
    {
      absl::ReaderMutexLock lock(&mu_);
      if (const TraceIndex::Entry* entry = index_.Find(tenant, trace_id)) slices = entry->slices;
    }
    // Deep copies happen without the lock: the shared batches are immutable and kept alive.
    auto out = std::make_unique<SpanBatch>();
    for (const TraceSlice& slice : slices) out->CopySpansFrom(slice.batch(), slice.indexes());
    return out;
  }

  absl::StatusOr<FetchResult> Fetch(const FetchRequest& request) override {
    return FetchFromIndex(request, mu_, index_);
  }

  absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant) override {
    absl::ReaderMutexLock lock(&mu_);
    return index_.Services(tenant);
  }

  absl::StatusOr<std::vector<OperationName>> Operations(std::string_view tenant,
                                                        std::string_view service) override {
    absl::ReaderMutexLock lock(&mu_);
    return index_.Operations(tenant, service);
  }

  MemoryStoreStats Stats() const {
    absl::ReaderMutexLock lock(&mu_);
    return MemoryStoreStats{spans_, index_.traces(), bytes_, evicted_batches_};
  }

 private:
  void EvictWhileOverLimit() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (bytes_ > options_.max_bytes && !fifo_.empty()) {
      const StoredBatch& oldest = fifo_.front();
      const GroupedBatch& grouped = *oldest.grouped;
      for (const TraceGroup& group : grouped.traces) {
        index_.RemoveSlice(oldest.tenant, group.trace_id, &grouped);
      }
      index_.RemoveOperations(oldest.tenant, grouped);
      spans_ -= grouped.batch->size();
      bytes_ -= grouped.charged_bytes;
      ++evicted_batches_;
      fifo_.pop_front();
    }
  }

  const MemoryStoreOptions options_;
  mutable absl::Mutex mu_;
  TraceIndex index_ ABSL_GUARDED_BY(mu_);
  std::deque<StoredBatch> fifo_ ABSL_GUARDED_BY(mu_);  // oldest first
  uint64_t spans_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t evicted_batches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

std::unique_ptr<SpanStore> NewMemoryStore(const MemoryStoreOptions& options) {
  return std::make_unique<MemoryStore>(options);
}

MemoryStoreStats GetMemoryStoreStats(const SpanStore& store) {
  const auto* memory = dynamic_cast<const MemoryStore*>(&store);
  return memory != nullptr ? memory->Stats() : MemoryStoreStats{};
}

}  // namespace weft::storage
