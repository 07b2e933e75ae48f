// The shared in-memory trace index and its chunked Fetch (see trace_index.h).
#include "storage/trace_index.h"

#include <utility>

#include <algorithm>
#include <chrono>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "storage/condition_eval.h"
#include "storage/slice_match.h"

namespace weft::storage {
namespace {

// Traces Fetch copies out of the index per lock acquisition: bounds how long writers wait.
constexpr size_t kFetchChunkTraces = 64;

// Debian's abseil has its own string_view type: convert for heterogeneous lookups.
absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

absl::Status ValidateFetchRequest(const FetchRequest& request) {
  if (request.limit == 0) return absl::InvalidArgumentError("fetch limit must be at least 1");
  if (request.start_unix_nanos > request.end_unix_nanos) {
    return absl::InvalidArgumentError(absl::StrCat("fetch time range starts (",
                                                   request.start_unix_nanos, ") after it ends (",
                                                   request.end_unix_nanos, ")"));
  }
  return absl::OkStatus();
}

size_t TraceIndex::Add(std::string_view tenant,
                       const std::shared_ptr<const GroupedBatch>& grouped) {
  Tenant& t = tenants_[AbslView(tenant)];
  size_t added = 0;
  for (uint32_t g = 0; g < grouped->traces.size(); ++g) {
    const TraceGroup& group = grouped->traces[g];
    auto [it, inserted] = t.traces.try_emplace(group.trace_id);
    Entry& entry = it->second;
    const uint64_t old_start = entry.start;
    if (inserted) ++added;
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
    t.catalog[AbslView(op.service)][AbslView(op.name)][static_cast<size_t>(op.kind)] += op.spans;
  }
  traces_ += added;
  return added;
}

bool TraceIndex::RemoveSlice(std::string_view tenant, const TraceId& trace_id,
                             const GroupedBatch* source) {
  auto tenant_it = tenants_.find(AbslView(tenant));
  if (tenant_it == tenants_.end()) return false;
  Tenant& t = tenant_it->second;
  auto it = t.traces.find(trace_id);
  if (it == t.traces.end()) return false;
  Entry& entry = it->second;
  auto slice_it = std::find_if(entry.slices.begin(), entry.slices.end(),
                               [&](const TraceSlice& s) { return s.source.get() == source; });
  if (slice_it == entry.slices.end()) return false;

  const uint64_t old_start = entry.start;
  entry.slices.erase(slice_it);
  bool dropped = false;
  if (entry.slices.empty()) {
    t.by_start.erase(TraceKey{old_start, trace_id});
    t.traces.erase(it);
    --traces_;
    dropped = true;
  } else {
    entry.start = UINT64_MAX;
    entry.end = 0;
    for (const TraceSlice& slice : entry.slices) {
      entry.start = std::min(entry.start, slice.trace_group().start_unix_nanos);
      entry.end = std::max(entry.end, slice.trace_group().end_unix_nanos);
    }
    if (entry.start != old_start) {
      t.by_start.erase(TraceKey{old_start, trace_id});
      t.by_start.insert(TraceKey{entry.start, trace_id});
    }
  }
  if (t.traces.empty() && t.catalog.empty()) tenants_.erase(tenant_it);
  return dropped;
}

void TraceIndex::RemoveOperations(std::string_view tenant, const GroupedBatch& grouped) {
  auto tenant_it = tenants_.find(AbslView(tenant));
  if (tenant_it == tenants_.end()) return;
  Tenant& t = tenant_it->second;
  for (const OperationCount& op : grouped.operations) {
    auto service_it = t.catalog.find(AbslView(op.service));
    if (service_it == t.catalog.end()) continue;
    auto op_it = service_it->second.find(AbslView(op.name));
    if (op_it == service_it->second.end()) continue;
    uint64_t& count = op_it->second[static_cast<size_t>(op.kind)];
    count -= std::min(count, op.spans);
    if (std::all_of(op_it->second.begin(), op_it->second.end(),
                    [](uint64_t c) { return c == 0; })) {
      service_it->second.erase(op_it);
      if (service_it->second.empty()) t.catalog.erase(service_it);
    }
  }
  if (t.traces.empty() && t.catalog.empty()) tenants_.erase(tenant_it);
}

const TraceIndex::Tenant* TraceIndex::FindTenant(std::string_view tenant) const {
  auto it = tenants_.find(AbslView(tenant));
  return it == tenants_.end() ? nullptr : &it->second;
}

const TraceIndex::Entry* TraceIndex::Find(std::string_view tenant, const TraceId& trace_id) const {
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return nullptr;
  auto it = t->traces.find(trace_id);
  return it == t->traces.end() ? nullptr : &it->second;
}

std::vector<std::string> TraceIndex::Tenants() const {
  std::vector<std::string> tenants;
  for (const auto& [name, tenant] : tenants_) tenants.push_back(name);
  std::sort(tenants.begin(), tenants.end());
  return tenants;
}

std::vector<std::string> TraceIndex::Services(std::string_view tenant) const {
  std::vector<std::string> services;
  if (const Tenant* t = FindTenant(tenant)) {
    for (const auto& [service, operations] : t->catalog) {
      if (!service.empty()) services.push_back(service);
    }
  }
  return services;
}

std::vector<OperationName> TraceIndex::Operations(std::string_view tenant,
                                                  std::string_view service) const {
  std::vector<OperationName> operations;
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return operations;
  auto it = t->catalog.find(AbslView(service));
  if (it == t->catalog.end()) return operations;
  for (const auto& [name, counts] : it->second) {
    for (size_t kind = 0; kind < counts.size(); ++kind) {
      if (counts[kind] > 0) operations.push_back({name, static_cast<SpanKind>(kind)});
    }
  }
  return operations;
}

bool TraceIndex::CopyCandidates(const FetchRequest& request, std::optional<TraceKey>& cursor,
                                size_t max_traces, std::vector<Candidate>& out) const {
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
    const Entry& entry = t->traces.find(it->id)->second;
    if (entry.end < request.start_unix_nanos) continue;
    out.push_back(Candidate{it->id, entry.slices});
    if (out.size() == max_traces) return std::next(it) == t->by_start.end();
  }
  return true;
}

absl::StatusOr<FetchResult> FetchFromIndex(const FetchRequest& request, absl::Mutex& mu,
                                           const TraceIndex& index) {
  if (absl::Status status = ValidateFetchRequest(request); !status.ok()) return status;
  ConditionTree filter = request.filter;
  if (absl::Status status = CompileRegexes(filter); !status.ok()) return status;

  FetchResult result;
  absl::flat_hash_set<TraceId, IdHash> returned;  // a trace re-keyed meanwhile comes once
  std::optional<TraceIndex::TraceKey> cursor;
  bool done = false;
  std::vector<TraceIndex::Candidate> chunk;
  while (!done) {
    if (std::chrono::steady_clock::now() >= request.deadline) {
      result.partial = true;
      break;
    }
    chunk.clear();
    {
      absl::ReaderMutexLock lock(&mu);
      done = index.CopyCandidates(request, cursor, kFetchChunkTraces, chunk);
    }
    // Evaluated unlocked: the shared batches are immutable and kept alive by the copies.
    for (TraceIndex::Candidate& candidate : chunk) {
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
              return TraceIndex::NewestFirst()(
                  TraceIndex::TraceKey{a.summary.start_unix_nanos, a.summary.trace_id},
                  TraceIndex::TraceKey{b.summary.start_unix_nanos, b.summary.trace_id});
            });
  return result;
}

}  // namespace weft::storage
