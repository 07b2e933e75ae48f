// TraceIndex: the in-memory index the memory backend and the embedded store's head share — per
// tenant, traces by ID (each a list of slices of shared, immutable grouped batches), traces by
// start time newest first (for Fetch), and span counts per service and operation (so Services
// and Operations stay exact as slices come and go). FetchFromIndex runs SpanFetcher::Fetch over
// it in chunks, holding the owner's reader lock only while copying a few dozen traces' slices.
// Thread rule: not thread-safe; the owner guards it with a mutex (FetchFromIndex takes that
// mutex and locks it itself, shared).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/grouped_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage {

class TraceIndex {
 public:
  // FetchResult order: start descending, ties by trace id ascending.
  struct TraceKey {
    uint64_t start;
    TraceId id;
  };
  struct NewestFirst {
    bool operator()(const TraceKey& a, const TraceKey& b) const {
      return a.start != b.start ? a.start > b.start : a.id < b.id;
    }
  };

  struct Entry {
    std::vector<TraceSlice> slices;  // in the order they were added
    uint64_t start = UINT64_MAX;     // over all slices
    uint64_t end = 0;
  };

  // Indexes every trace group of `grouped` as a slice of its trace. Returns how many traces of
  // the tenant are new.
  size_t Add(std::string_view tenant, const std::shared_ptr<const GroupedBatch>& grouped);

  // Removes the slice of `trace_id` that comes from `source` (if any); drops the trace when no
  // slice is left. Returns true when the trace was dropped. The catalog is not touched: see
  // RemoveOperations.
  bool RemoveSlice(std::string_view tenant, const TraceId& trace_id, const GroupedBatch* source);
  // Takes the span counts of the whole of `grouped` out of the catalog (once all its slices are
  // gone, or at least no longer need listing): per batch, not per span, because that is cheap.
  void RemoveOperations(std::string_view tenant, const GroupedBatch& grouped);

  // nullptr when the trace is not indexed.
  const Entry* Find(std::string_view tenant, const TraceId& trace_id) const;

  // Calls `visit(trace_id, entry)` for every trace of the tenant.
  template <typename Visit>
  void ForEachTrace(std::string_view tenant, Visit visit) const {
    if (const Tenant* t = FindTenant(tenant)) {
      for (const auto& [id, entry] : t->traces) visit(id, entry);
    }
  }
  // Every tenant with at least one trace.
  std::vector<std::string> Tenants() const;

  std::vector<std::string> Services(std::string_view tenant) const;
  std::vector<OperationName> Operations(std::string_view tenant, std::string_view service) const;

  // Traces of all tenants.
  uint64_t traces() const { return traces_; }

 private:
  friend absl::StatusOr<FetchResult> FetchFromIndex(const FetchRequest& request, absl::Mutex& mu,
                                                    const TraceIndex& index);

  // Span counts per service, span name and kind (SpanKind values 0..5); sorted by name.
  using KindCounts = std::array<uint64_t, 6>;
  using Catalog = absl::btree_map<std::string, absl::btree_map<std::string, KindCounts>>;

  struct Tenant {
    absl::flat_hash_map<TraceId, Entry, IdHash> traces;
    absl::btree_set<TraceKey, NewestFirst> by_start;
    // No indexed trace lasts longer (end - start): lets Fetch stop scanning older traces. An
    // upper bound that never shrinks, which keeps it correct as slices are removed.
    uint64_t max_duration = 0;
    Catalog catalog;
  };

  const Tenant* FindTenant(std::string_view tenant) const;
  // Under the owner's lock, walks the tenant's traces newest first from just after `cursor` (or
  // from the request's end time), skipping those that end before the request's start, copying
  // up to `max_traces` of them into `out`; advances `cursor`. Returns true when none is left.
  struct Candidate {
    TraceId id;
    std::vector<TraceSlice> slices;
  };
  bool CopyCandidates(const FetchRequest& request, std::optional<TraceKey>& cursor,
                      size_t max_traces, std::vector<Candidate>& out) const;

  absl::flat_hash_map<std::string, Tenant> tenants_;
  uint64_t traces_ = 0;
};

// SpanFetcher::Fetch over `index`, which `mu` guards: validates the request, compiles regexes,
// walks traces newest first in chunks (locking `mu` shared per chunk) and evaluates them
// unlocked, stopping at the limit.
absl::StatusOr<FetchResult> FetchFromIndex(const FetchRequest& request, absl::Mutex& mu,
                                           const TraceIndex& index);

// InvalidArgument for a zero limit or a time range that ends before it starts.
absl::Status ValidateFetchRequest(const FetchRequest& request);

}  // namespace weft::storage
