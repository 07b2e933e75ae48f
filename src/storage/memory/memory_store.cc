// The in-memory backend: whole batches kept in write order (FIFO, for eviction) and indexed per
// tenant by trace ID, by trace start time (newest first, for Fetch) and by service and operation
// (span counts, so the lists stay exact through eviction). See memory_store.h for the contract.
#include "storage/memory/memory_store.h"

#include <utility>

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/condition_eval.h"
#include "storage/memory/memory_batch.h"
#include "storage/memory/memory_fetch.h"

namespace weft::storage {
namespace {

using memory_internal::GroupBatch;
using memory_internal::GroupedBatch;
using memory_internal::MatchTrace;
using memory_internal::OperationCount;
using memory_internal::TraceGroup;
using memory_internal::TraceSlice;

// Traces Fetch copies out of the index per lock acquisition: bounds how long writers wait.
constexpr size_t kFetchChunkTraces = 64;

// Debian's abseil has its own string_view type: convert for heterogeneous lookups.
absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct TraceEntry {
  std::vector<TraceSlice> slices;  // in write order
  uint64_t start = UINT64_MAX;     // over all slices
  uint64_t end = 0;
};

// Orders traces newest first (start descending), ties by trace id ascending: FetchResult order.
struct TraceKey {
  uint64_t start;
  TraceId id;
};
struct NewestFirst {
  bool operator()(const TraceKey& a, const TraceKey& b) const {
    return a.start != b.start ? a.start > b.start : a.id < b.id;
  }
};

// Span counts per service and (span name, kind); sorted, as Services and Operations answer.
using OperationCounts = absl::btree_map<std::pair<std::string, SpanKind>, uint64_t>;
using Catalog = absl::btree_map<std::string, OperationCounts>;

struct Tenant {
  absl::flat_hash_map<TraceId, TraceEntry, IdHash> traces;
  absl::btree_set<TraceKey, NewestFirst> by_start;
  // No stored trace lasts longer (end - start): lets Fetch stop scanning older traces. An upper
  // bound that never shrinks, which keeps it correct through eviction.
  uint64_t max_duration = 0;
  Catalog catalog;
};

// One stored batch in write order: what eviction needs to undo its index entries.
struct StoredBatch {
  std::string tenant;
  std::shared_ptr<const GroupedBatch> grouped;
};

// Recomputes an entry's time range from its slices.
void RecomputeRange(TraceEntry& entry) {
  entry.start = UINT64_MAX;
  entry.end = 0;
  for (const TraceSlice& slice : entry.slices) {
    entry.start = std::min(entry.start, slice.trace_group().start_unix_nanos);
    entry.end = std::max(entry.end, slice.trace_group().end_unix_nanos);
  }
}

absl::Status ValidateRequest(const FetchRequest& request) {
  if (request.limit == 0) return absl::InvalidArgumentError("fetch limit must be at least 1");
  if (request.start_unix_nanos > request.end_unix_nanos) {
    return absl::InvalidArgumentError(absl::StrCat("fetch time range starts (",
                                                   request.start_unix_nanos, ") after it ends (",
                                                   request.end_unix_nanos, ")"));
  }
  return absl::OkStatus();
}

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
      Tenant& t = tenants_[AbslView(tenant)];
      for (uint32_t g = 0; g < grouped->traces.size(); ++g) {
        const TraceGroup& group = grouped->traces[g];
        auto [it, inserted] = t.traces.try_emplace(group.trace_id);
        TraceEntry& entry = it->second;
        const uint64_t old_start = entry.start;
        if (inserted) ++traces_;
        entry.slices.push_back(TraceSlice{grouped, g});
        entry.start = std::min(entry.start, group.start_unix_nanos);
        entry.end = std::max(entry.end, group.end_unix_nanos);
        if (inserted || entry.start != old_start) {
          if (!inserted) t.by_start.erase(TraceKey{old_start, group.trace_id});
          t.by_start.insert(TraceKey{entry.start, group.trace_id});
        }
        t.max_duration = std::max(t.max_duration, entry.end - entry.start);
      }
      for (const OperationCount& op : grouped->operations) {
        t.catalog[AbslView(op.service)][{std::string(op.name), op.kind}] += op.spans;
      }
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
      if (const Tenant* t = FindTenant(tenant)) {
        auto it = t->traces.find(trace_id);
        if (it != t->traces.end()) slices = it->second.slices;
      }
    }
    // Deep copies happen without the lock: the shared batches are immutable and kept alive.
    auto out = std::make_unique<SpanBatch>();
    for (const TraceSlice& slice : slices) out->CopySpansFrom(slice.batch(), slice.indexes());
    return out;
  }

  absl::StatusOr<FetchResult> Fetch(const FetchRequest& request) override {
    if (absl::Status status = ValidateRequest(request); !status.ok()) return status;
    ConditionTree filter = request.filter;
    if (absl::Status status = CompileRegexes(filter); !status.ok()) return status;

    FetchResult result;
    absl::flat_hash_set<TraceId, IdHash> returned;  // a trace re-keyed meanwhile comes once
    std::optional<TraceKey> cursor;
    bool done = false;
    while (!done) {
      struct Candidate {
        TraceId id;
        std::vector<TraceSlice> slices;
      };
      std::vector<Candidate> chunk;
      done = CopyCandidates(request, cursor, [&](const TraceKey& key, const TraceEntry& entry) {
        chunk.push_back(Candidate{key.id, entry.slices});
        return chunk.size() < kFetchChunkTraces;
      });
      for (Candidate& candidate : chunk) {
        if (returned.contains(candidate.id)) continue;
        std::optional<TraceMatch> match =
            MatchTrace(candidate.id, candidate.slices, filter, request, result.inspected_spans);
        if (!match.has_value()) continue;
        returned.insert(candidate.id);
        result.traces.push_back(*std::move(match));
        if (result.traces.size() == request.limit) {
          done = true;
          break;
        }
      }
    }
    // Concurrent writes may have moved a trace's start between chunks: restore the order.
    std::sort(result.traces.begin(), result.traces.end(),
              [](const TraceMatch& a, const TraceMatch& b) {
                return NewestFirst()(TraceKey{a.summary.start_unix_nanos, a.summary.trace_id},
                                     TraceKey{b.summary.start_unix_nanos, b.summary.trace_id});
              });
    return result;
  }

  absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant) override {
    std::vector<std::string> services;
    absl::ReaderMutexLock lock(&mu_);
    if (const Tenant* t = FindTenant(tenant)) {
      for (const auto& [service, operations] : t->catalog) {
        if (!service.empty()) services.push_back(service);
      }
    }
    return services;
  }

  absl::StatusOr<std::vector<OperationName>> Operations(std::string_view tenant,
                                                        std::string_view service) override {
    std::vector<OperationName> operations;
    absl::ReaderMutexLock lock(&mu_);
    if (const Tenant* t = FindTenant(tenant)) {
      auto it = t->catalog.find(AbslView(service));
      if (it != t->catalog.end()) {
        for (const auto& [op, spans] : it->second) operations.push_back({op.first, op.second});
      }
    }
    return operations;
  }

  MemoryStoreStats Stats() const {
    absl::ReaderMutexLock lock(&mu_);
    return MemoryStoreStats{spans_, traces_, bytes_, evicted_batches_};
  }

 private:
  const Tenant* FindTenant(std::string_view tenant) const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    auto it = tenants_.find(AbslView(tenant));
    return it == tenants_.end() ? nullptr : &it->second;
  }

  // Under the lock, walks the tenant's traces newest first from just after `cursor` (or from the
  // request's end time), skipping those that end before the request's start, and passes each to
  // `take` until it returns false; advances `cursor`. Returns true when no trace is left.
  template <typename Take>
  bool CopyCandidates(const FetchRequest& request, std::optional<TraceKey>& cursor, Take take)
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    const Tenant* t = FindTenant(request.tenant);
    if (t == nullptr) return true;
    // A trace starting before `floor` ended before the request's start.
    const uint64_t floor =
        request.start_unix_nanos > t->max_duration ? request.start_unix_nanos - t->max_duration : 0;
    auto it = cursor.has_value() ? t->by_start.upper_bound(*cursor)
                                 : t->by_start.lower_bound(TraceKey{request.end_unix_nanos, {}});
    for (; it != t->by_start.end(); ++it) {
      cursor = *it;
      if (it->start < floor) return true;
      const TraceEntry& entry = t->traces.find(it->id)->second;
      if (entry.end < request.start_unix_nanos) continue;
      if (!take(*it, entry)) return std::next(it) == t->by_start.end();
    }
    return true;
  }

  void EvictWhileOverLimit() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (bytes_ > options_.max_bytes && !fifo_.empty()) {
      const StoredBatch& oldest = fifo_.front();
      const GroupedBatch& grouped = *oldest.grouped;
      auto tenant_it = tenants_.find(AbslView(oldest.tenant));
      Tenant& t = tenant_it->second;
      for (const TraceGroup& group : grouped.traces) {
        auto it = t.traces.find(group.trace_id);
        if (it == t.traces.end()) continue;
        TraceEntry& entry = it->second;
        const uint64_t old_start = entry.start;
        std::erase_if(entry.slices,
                      [&](const TraceSlice& slice) { return slice.source.get() == &grouped; });
        if (entry.slices.empty()) {
          t.by_start.erase(TraceKey{old_start, group.trace_id});
          t.traces.erase(it);
          --traces_;
          continue;
        }
        RecomputeRange(entry);
        if (entry.start != old_start) {
          t.by_start.erase(TraceKey{old_start, group.trace_id});
          t.by_start.insert(TraceKey{entry.start, group.trace_id});
        }
      }
      for (const OperationCount& op : grouped.operations) {
        auto service_it = t.catalog.find(AbslView(op.service));
        OperationCounts& counts = service_it->second;
        auto op_it = counts.find({std::string(op.name), op.kind});
        op_it->second -= op.spans;
        if (op_it->second == 0) counts.erase(op_it);
        if (counts.empty()) t.catalog.erase(service_it);
      }
      if (t.traces.empty()) tenants_.erase(tenant_it);
      spans_ -= grouped.batch->size();
      bytes_ -= grouped.charged_bytes;
      ++evicted_batches_;
      fifo_.pop_front();
    }
  }

  const MemoryStoreOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Tenant> tenants_ ABSL_GUARDED_BY(mu_);
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
