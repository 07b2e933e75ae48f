// The head's bookkeeping around its TraceIndex: per-trace life times, byte shares and WAL
// segments, and the choice of what to cut (see head.h).
#include "storage/embedded/head/head.h"

#include <utility>

#include <algorithm>

#include "absl/strings/string_view.h"

namespace weft::storage::embedded {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

Head::Head(const HeadOptions& options, const Clock& clock) : options_(options), clock_(clock) {}

void Head::Add(std::string_view tenant, const std::shared_ptr<const GroupedBatch>& grouped,
               uint64_t wal_segment) {
  const uint64_t now = clock_.MonotonicNanos();
  const uint64_t batch_spans = std::max<uint64_t>(1, grouped->batch->size());
  absl::MutexLock lock(&mu_);
  index_.Add(tenant, grouped);
  batch_slices_[grouped.get()] = static_cast<uint32_t>(grouped->traces.size());
  Lives& lives = lives_[AbslView(tenant)];
  for (const TraceGroup& group : grouped->traces) {
    const uint64_t spans = group.end - group.begin;
    const uint64_t bytes = grouped->charged_bytes * spans / batch_spans;
    auto [it, inserted] = lives.try_emplace(group.trace_id);
    Life& life = it->second;
    if (inserted) life.first_added = now;
    life.last_added = now;
    life.parts.push_back(Part{grouped.get(), wal_segment, bytes, spans});
    bytes_ += bytes;
    spans_ += spans;
  }
}

std::vector<TraceSlice> Head::Find(std::string_view tenant, const TraceId& trace_id) const {
  absl::ReaderMutexLock lock(&mu_);
  const TraceIndex::Entry* entry = index_.Find(tenant, trace_id);
  return entry == nullptr ? std::vector<TraceSlice>{} : entry->slices;
}

bool Head::Contains(std::string_view tenant, const TraceId& trace_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.Find(tenant, trace_id) != nullptr;
}

absl::StatusOr<FetchResult> Head::Fetch(const FetchRequest& request) const {
  return FetchFromIndex(request, mu_, index_);
}

std::vector<std::string> Head::Services(std::string_view tenant) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.Services(tenant);
}

std::vector<OperationName> Head::Operations(std::string_view tenant,
                                            std::string_view service) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.Operations(tenant, service);
}

std::vector<HeadCut> Head::Due(bool everything) const {
  const uint64_t now = clock_.MonotonicNanos();
  absl::ReaderMutexLock lock(&mu_);
  struct Pick {
    const std::string* tenant;
    TraceId id;
  };
  std::vector<Pick> due;
  struct Waiting {
    uint64_t first_added;
    uint64_t bytes;
    Pick pick;
  };
  std::vector<Waiting> waiting;  // not due by time; candidates when over max_bytes
  uint64_t remaining_bytes = bytes_;
  for (const auto& [tenant, lives] : lives_) {
    for (const auto& [id, life] : lives) {
      uint64_t bytes = 0;
      for (const Part& part : life.parts) bytes += part.bytes;
      if (everything || now - life.last_added >= options_.idle_nanos ||
          now - life.first_added >= options_.max_live_nanos) {
        due.push_back({&tenant, id});
        remaining_bytes -= std::min(remaining_bytes, bytes);
      } else if (bytes_ > options_.max_bytes) {
        waiting.push_back({life.first_added, bytes, {&tenant, id}});
      }
    }
  }
  // Over the limit: the oldest waiting traces too, until back to half of it (so a cut is a
  // block of some size, not a trickle of small ones).
  const uint64_t target = options_.max_bytes / 2;
  if (remaining_bytes > target && !waiting.empty()) {
    std::sort(waiting.begin(), waiting.end(),
              [](const Waiting& a, const Waiting& b) { return a.first_added < b.first_added; });
    for (const Waiting& w : waiting) {
      if (remaining_bytes <= target) break;
      due.push_back(w.pick);
      remaining_bytes -= std::min(remaining_bytes, w.bytes);
    }
  }

  std::sort(due.begin(), due.end(), [](const Pick& a, const Pick& b) {
    return *a.tenant != *b.tenant ? *a.tenant < *b.tenant : a.id < b.id;
  });
  std::vector<HeadCut> cuts;
  for (const Pick& pick : due) {
    if (cuts.empty() || cuts.back().tenant != *pick.tenant) cuts.push_back({*pick.tenant, {}, 0});
    const TraceIndex::Entry* entry = index_.Find(*pick.tenant, pick.id);
    HeadTrace trace{pick.id, entry->slices};
    for (const TraceSlice& slice : trace.slices) cuts.back().spans += slice.indexes().size();
    cuts.back().traces.push_back(std::move(trace));
  }
  return cuts;
}

void Head::Remove(const HeadCut& cut) {
  absl::MutexLock lock(&mu_);
  auto lives_it = lives_.find(AbslView(cut.tenant));
  if (lives_it == lives_.end()) return;
  Lives& lives = lives_it->second;
  for (const HeadTrace& trace : cut.traces) {
    auto life_it = lives.find(trace.id);
    if (life_it == lives.end()) continue;
    std::vector<Part>& parts = life_it->second.parts;
    for (const TraceSlice& slice : trace.slices) {
      const GroupedBatch* source = slice.source.get();
      auto part = std::find_if(parts.begin(), parts.end(),
                               [&](const Part& p) { return p.source == source; });
      if (part == parts.end()) continue;
      index_.RemoveSlice(cut.tenant, trace.id, source);
      auto remaining = batch_slices_.find(source);
      if (remaining != batch_slices_.end() && --remaining->second == 0) {
        index_.RemoveOperations(cut.tenant, *slice.source);  // kept alive by the cut
        batch_slices_.erase(remaining);
      }
      bytes_ -= std::min(bytes_, part->bytes);
      spans_ -= std::min(spans_, part->spans);
      parts.erase(part);
    }
    if (parts.empty()) lives.erase(life_it);
  }
  if (lives.empty()) lives_.erase(lives_it);
}

uint64_t Head::MinWalSegment() const {
  absl::ReaderMutexLock lock(&mu_);
  uint64_t min_segment = UINT64_MAX;
  for (const auto& [tenant, lives] : lives_) {
    for (const auto& [id, life] : lives) {
      for (const Part& part : life.parts) min_segment = std::min(min_segment, part.wal_segment);
    }
  }
  return min_segment;
}

bool Head::OverBytes(double factor) const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<double>(bytes_) > factor * static_cast<double>(options_.max_bytes);
}

HeadStats Head::stats() const {
  absl::ReaderMutexLock lock(&mu_);
  return HeadStats{index_.traces(), spans_, bytes_};
}

}  // namespace weft::storage::embedded
