// The embedded store's reads: trace by ID, Fetch and the service / operation lists, over the head
// and every block of a consistent snapshot (see embedded_store.h).
//
// Fetch asks the head and each block for its newest `limit` matches, merges them by trace (a
// trace cut in parts lives in several blocks), keeps the newest `limit`, then completes each
// kept trace's summary (and, for whole traces, its spans) from the sources where it did not
// match. A trace ranks by its summary over all its parts. Blocks are asked newest first, and a
// block that can only hold traces older than the `limit` found so far is skipped (a trace whose
// early part lies in such a block ranks by its later parts until compaction joins them).
#include <utility>

#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "storage/condition_eval.h"
#include "storage/embedded/store/embedded_store_impl.h"
#include "storage/span_identity.h"
#include "storage/trace_index.h"
#include "storage/trace_summary.h"

namespace weft::storage::embedded {
namespace {

bool NewerFirst(const TraceMatch& a, const TraceMatch& b) {
  return a.summary.start_unix_nanos != b.summary.start_unix_nanos
             ? a.summary.start_unix_nanos > b.summary.start_unix_nanos
             : a.summary.trace_id < b.summary.trace_id;
}

void AppendAll(const SpanBatch& from, SpanBatch& to) {
  std::vector<uint32_t> all(from.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  to.CopySpansFrom(from, all);
}

// Merges one source's match of a trace into the merged one (sources hold disjoint spans).
void MergeMatch(TraceMatch& into, TraceMatch&& part) {
  MergeTraceSummary(into.summary, part.summary);
  into.matched_spans += part.matched_spans;
  if (part.spans != nullptr && !part.spans->empty()) AppendAll(*part.spans, *into.spans);
}

}  // namespace

void EmbeddedStore::Impl::AppendFromBlock(const LiveBlock& block, const TraceId& trace_id,
                                          SpanBatch& out) {
  if (!block.reader->MayContainTrace(trace_id)) return;
  absl::StatusOr<std::unique_ptr<SpanBatch>> found = block.reader->FindTrace(trace_id);
  if (!found.ok()) {
    // A corrupt block is set aside and the rest still served; any other error (I/O) skips it
    // for this read only.
    if (!blocks_.SetAsideIfCorrupt(block, found.status())) {
      Log(absl::StrCat("store: reading ", block.file.path, " failed: ", found.status().message()));
    }
    return;
  }
  if (!(*found)->empty()) AppendAll(**found, out);
}

absl::StatusOr<std::unique_ptr<SpanBatch>> EmbeddedStore::Impl::GetTrace(std::string_view tenant,
                                                                         const TraceId& trace_id) {
  std::vector<TraceSlice> head_slices;
  const BlockSnapshot blocks =
      blocks_.Snapshot(tenant, [&] { head_slices = head_.Find(tenant, trace_id); });
  auto out = std::make_unique<SpanBatch>();
  for (const TraceSlice& slice : head_slices) out->CopySpansFrom(slice.batch(), slice.indexes());
  for (const auto& block : blocks) AppendFromBlock(*block, trace_id, *out);
  // A crash between a block's write and its WAL segments' removal replays spans the block
  // holds; a client's retry stores them twice. Either way: once in the answer.
  DropExactDuplicates(*out);
  return out;
}

absl::StatusOr<FetchResult> EmbeddedStore::Impl::Fetch(const FetchRequest& request) {
  if (absl::Status valid = ValidateFetchRequest(request); !valid.ok()) return valid;
  FetchRequest compiled = request;
  if (absl::Status status = CompileRegexes(compiled.filter); !status.ok()) return status;

  // The head is searched under the block set's shared lock so that no trace moves from the head
  // into a block between the two.
  absl::StatusOr<FetchResult> from_head;
  const BlockSnapshot blocks =
      blocks_.Snapshot(request.tenant, [&] { from_head = head_.Fetch(compiled); });
  if (!from_head.ok()) return from_head.status();

  FetchResult result;
  result.inspected_spans = from_head->inspected_spans;
  // Per trace: the merged match and which sources it came from.
  struct Merged {
    TraceMatch match;
    bool head = false;
    std::vector<bool> blocks;
  };
  absl::flat_hash_map<TraceId, Merged, IdHash> merged;
  auto take = [&](TraceMatch&& match, int block_index) {
    auto [it, inserted] = merged.try_emplace(match.summary.trace_id);
    Merged& m = it->second;
    if (inserted) {
      m.blocks.assign(blocks.size(), false);
      m.match.summary.trace_id = match.summary.trace_id;
      m.match.spans = std::make_unique<SpanBatch>();
    }
    if (block_index < 0) {
      m.head = true;
    } else {
      m.blocks[block_index] = true;
    }
    MergeMatch(m.match, std::move(match));
  };
  for (TraceMatch& match : from_head->traces) take(std::move(match), -1);

  // Newest blocks first; once `limit` traces are found, a block whose traces all start before
  // the limit-th newest of them cannot add one, so it is not scanned.
  std::vector<size_t> order(blocks.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return blocks[a]->reader->info().max_time_unix_nanos >
           blocks[b]->reader->info().max_time_unix_nanos;
  });
  std::vector<uint64_t> starts;
  result.partial = from_head->partial;
  for (const size_t b : order) {
    const LiveBlock& block = *blocks[b];
    if (result.partial || std::chrono::steady_clock::now() >= request.deadline) {
      result.partial = true;
      break;
    }
    if (merged.size() >= request.limit) {
      starts.clear();
      for (const auto& [id, m] : merged) starts.push_back(m.match.summary.start_unix_nanos);
      std::nth_element(starts.begin(), starts.begin() + (request.limit - 1), starts.end(),
                       std::greater<>());
      if (block.reader->info().max_time_unix_nanos < starts[request.limit - 1]) {
        ++result.skipped_blocks;
        continue;
      }
    }
    absl::StatusOr<FetchResult> scanned = block.reader->Scan(compiled);
    if (!scanned.ok()) {
      if (absl::IsInvalidArgument(scanned.status())) return scanned.status();
      if (!blocks_.SetAsideIfCorrupt(block, scanned.status())) {
        Log(absl::StrCat("store: scanning ", block.file.path,
                         " failed: ", scanned.status().message()));
      }
      continue;
    }
    result.inspected_spans += scanned->inspected_spans;
    result.inspected_blocks += scanned->inspected_blocks;
    result.skipped_blocks += scanned->skipped_blocks;
    for (TraceMatch& match : scanned->traces) take(std::move(match), static_cast<int>(b));
  }

  // Complete every candidate's summary before ranking: a trace whose later part matched ranks
  // by its earliest span.
  std::vector<Merged*> candidates;
  candidates.reserve(merged.size());
  for (auto& [id, m] : merged) candidates.push_back(&m);
  for (Merged* m : candidates) CompleteMatch(compiled, blocks, m->blocks, m->head, m->match);
  std::sort(candidates.begin(), candidates.end(),
            [](const Merged* a, const Merged* b) { return NewerFirst(a->match, b->match); });
  if (candidates.size() > request.limit) candidates.resize(request.limit);

  for (Merged* m : candidates) {
    TraceMatch& match = m->match;
    // Copies of one span (a retry, or a replay after a crash) count once.
    const size_t removed = DropExactDuplicates(*match.spans);
    if (request.whole_traces) {
      match.summary.span_count -= std::min<size_t>(removed, match.summary.span_count);
    } else {
      match.matched_spans -= std::min<size_t>(removed, match.matched_spans);
    }
    // Matching spans past spans_per_trace: several sources each gave up to the limit.
    if (!request.whole_traces && request.spans_per_trace != 0 &&
        match.spans->size() > request.spans_per_trace) {
      size_t kept = 0;
      match.spans->RemoveSpansIf([&](const Span&) { return ++kept > request.spans_per_trace; });
    }
    result.traces.push_back(std::move(match));
  }
  return result;
}

void EmbeddedStore::Impl::CompleteMatch(const FetchRequest& request, const BlockSnapshot& blocks,
                                        const std::vector<bool>& contributed_blocks,
                                        bool head_contributed, TraceMatch& match) {
  const TraceId& id = match.summary.trace_id;
  SpanBatch rest;
  if (!head_contributed) {
    for (const TraceSlice& slice : head_.Find(request.tenant, id)) {
      rest.CopySpansFrom(slice.batch(), slice.indexes());
    }
  }
  for (size_t b = 0; b < blocks.size(); ++b) {
    if (!contributed_blocks[b]) AppendFromBlock(*blocks[b], id, rest);
  }
  if (rest.empty()) return;
  MergeTraceSummary(match.summary, ComputeSummary(id, rest));
  if (request.whole_traces) AppendAll(rest, *match.spans);
}

absl::StatusOr<std::vector<std::string>> EmbeddedStore::Impl::Services(std::string_view tenant) {
  std::vector<std::string> from_head;
  const BlockSnapshot blocks =
      blocks_.Snapshot(tenant, [&] { from_head = head_.Services(tenant); });
  absl::btree_set<std::string> services(from_head.begin(), from_head.end());
  for (const auto& block : blocks) {
    for (std::string& service : block->reader->Services()) services.insert(std::move(service));
  }
  return std::vector<std::string>(services.begin(), services.end());
}

absl::StatusOr<std::vector<OperationName>> EmbeddedStore::Impl::Operations(
    std::string_view tenant, std::string_view service) {
  std::vector<OperationName> from_head;
  const BlockSnapshot blocks =
      blocks_.Snapshot(tenant, [&] { from_head = head_.Operations(tenant, service); });
  auto order = [](const OperationName& a, const OperationName& b) {
    return a.name != b.name ? a.name < b.name : a.kind < b.kind;
  };
  absl::btree_set<OperationName, decltype(order)> operations(from_head.begin(), from_head.end(),
                                                             order);
  for (const auto& block : blocks) {
    for (OperationName& op : block->reader->Operations(service)) operations.insert(std::move(op));
  }
  return std::vector<OperationName>(operations.begin(), operations.end());
}

}  // namespace weft::storage::embedded
