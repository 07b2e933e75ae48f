// The in-memory backend: whole batches kept in write order (FIFO, for eviction) and indexed per
// tenant by trace ID. See memory_store.h for the contract.
#include "storage/memory/memory_store.h"

#include <utility>

#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace weft::storage {
namespace {

// Some spans of one stored batch that belong to one trace.
struct TraceSlice {
  // Shared, not unique: one batch's spans belong to many traces, so many slices (and the FIFO
  // entry) point at the same batch; and GetTrace copies the slices out under the lock and reads
  // the batches after releasing it, so a batch evicted meanwhile must stay alive until then.
  std::shared_ptr<const SpanBatch> batch;
  std::vector<uint32_t> span_indexes;
};

using TraceIndex = absl::flat_hash_map<TraceId, std::vector<TraceSlice>, IdHash>;

// One stored batch in write order: what eviction needs to undo its index entries.
struct StoredBatch {
  std::string tenant;
  std::shared_ptr<const SpanBatch> batch;
  std::vector<TraceId> trace_ids;  // each trace the batch has spans of, once
  size_t bytes = 0;                // charged against max_bytes
};

// Bytes charged for a batch: the batch itself plus its index entries.
size_t ChargedBytes(const SpanBatch& batch, const TraceIndex& grouped) {
  size_t bytes = batch.MemoryBytes();
  for (const auto& [trace_id, slices] : grouped) {
    bytes += sizeof(TraceId) * 2 + sizeof(TraceSlice);
    for (const TraceSlice& slice : slices)
      bytes += slice.span_indexes.capacity() * sizeof(uint32_t);
  }
  return bytes;
}

class MemoryStore final : public SpanStore {
 public:
  explicit MemoryStore(const MemoryStoreOptions& options) : options_(options) {}

  void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch, WriteDone done) override {
    if (batch == nullptr || batch->empty()) {
      std::move(done)(absl::OkStatus());
      return;
    }
    // Group span indexes by trace outside the lock.
    std::shared_ptr<const SpanBatch> shared = std::move(batch);
    TraceIndex grouped;
    const auto spans = shared->spans();
    for (uint32_t i = 0; i < spans.size(); ++i) {
      std::vector<TraceSlice>& slices = grouped[spans[i].trace_id];
      if (slices.empty()) slices.push_back(TraceSlice{shared, {}});
      slices.front().span_indexes.push_back(i);
    }
    StoredBatch stored{std::string(tenant), shared, {}, ChargedBytes(*shared, grouped)};
    if (stored.bytes > options_.max_bytes) {
      std::move(done)(absl::ResourceExhaustedError(
          absl::StrCat("batch of ", stored.bytes, " bytes exceeds the memory store's max_bytes (",
                       options_.max_bytes, ")")));
      return;
    }
    stored.trace_ids.reserve(grouped.size());
    {
      absl::MutexLock lock(&mu_);
      TraceIndex& index = tenants_[stored.tenant];
      for (auto& [trace_id, slices] : grouped) {
        std::vector<TraceSlice>& existing = index[trace_id];
        if (existing.empty()) ++traces_;
        existing.push_back(std::move(slices.front()));
        stored.trace_ids.push_back(trace_id);
      }
      spans_ += spans.size();
      bytes_ += stored.bytes;
      fifo_.push_back(std::move(stored));
      EvictWhileOverLimit();
    }
    std::move(done)(absl::OkStatus());
  }

  absl::StatusOr<std::unique_ptr<SpanBatch>> GetTrace(std::string_view tenant,
                                                      const TraceId& trace_id) override {
    std::vector<TraceSlice> slices;
    {
      absl::ReaderMutexLock lock(&mu_);
      // Debian's abseil has its own string_view type: convert for the heterogeneous lookup.
      auto tenant_it = tenants_.find(absl::string_view(tenant.data(), tenant.size()));
      if (tenant_it != tenants_.end()) {
        auto trace_it = tenant_it->second.find(trace_id);
        if (trace_it != tenant_it->second.end()) slices = trace_it->second;
      }
    }
    // Deep copies happen without the lock: the shared batches are immutable and kept alive.
    auto out = std::make_unique<SpanBatch>();
    for (const TraceSlice& slice : slices) out->CopySpansFrom(*slice.batch, slice.span_indexes);
    return out;
  }

  MemoryStoreStats Stats() const {
    absl::ReaderMutexLock lock(&mu_);
    return MemoryStoreStats{spans_, traces_, bytes_, evicted_batches_};
  }

 private:
  void EvictWhileOverLimit() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (bytes_ > options_.max_bytes && !fifo_.empty()) {
      StoredBatch& oldest = fifo_.front();
      TraceIndex& index = tenants_[oldest.tenant];
      for (const TraceId& trace_id : oldest.trace_ids) {
        auto it = index.find(trace_id);
        if (it == index.end()) continue;
        std::erase_if(it->second, [&](const TraceSlice& slice) {
          return slice.batch.get() == oldest.batch.get();
        });
        if (it->second.empty()) {
          index.erase(it);
          --traces_;
        }
      }
      if (index.empty()) tenants_.erase(oldest.tenant);
      spans_ -= oldest.batch->size();
      bytes_ -= oldest.bytes;
      ++evicted_batches_;
      fifo_.pop_front();
    }
  }

  const MemoryStoreOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, TraceIndex> tenants_ ABSL_GUARDED_BY(mu_);
  std::deque<StoredBatch> fifo_ ABSL_GUARDED_BY(mu_);  // oldest first
  uint64_t spans_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t traces_ ABSL_GUARDED_BY(mu_) = 0;
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
