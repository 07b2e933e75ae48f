#include "storage/embedded/block/block_scan.h"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "common/status_macros.h"
#include "storage/condition_eval.h"
#include "storage/embedded/block/row_group_filter.h"
#include "storage/embedded/block/row_group_reader.h"
#include "storage/embedded/block/scan_plan.h"
#include "storage/embedded/block/span_materializer.h"

namespace weft::storage::embedded::block {
namespace {

storage::TraceSummary ToSummary(const BlockMeta& meta, const TraceId& id, const StoredSummary& s) {
  storage::TraceSummary out;
  out.trace_id = id;
  if (s.root_service > 0) out.root_service = meta.services[s.root_service - 1];
  if (s.root_name > 0) out.root_span_name = meta.span_names[s.root_name - 1];
  out.start_unix_nanos = s.start;
  out.duration_nanos = s.duration;
  out.span_count = s.span_count;
  out.error_count = s.error_count;
  return out;
}

// One scan: the state shared by its steps.
class BlockScan {
 public:
  BlockScan(const BlockFile& block, const storage::FetchRequest& request)
      : block_(block), meta_(block.meta), request_(request) {}

  absl::StatusOr<storage::FetchResult> Run();

 private:
  // A trace piece with matching spans.
  struct Candidate {
    const StoredSummary* summary;  // owned by the row group's reader
    TraceId trace_id;
    uint32_t row_group;
    uint32_t piece;
    uint32_t matched;
  };

  bool Overlaps(uint64_t start, uint64_t end) const {
    return start <= request_.end_unix_nanos && end >= request_.start_unix_nanos;
  }
  // Step 1: evaluates the filter on every row group statistics cannot rule out.
  absl::Status CollectCandidates(ScanPlan& plan);
  // Step 3: rebuilds candidates [begin, end), the pieces of one trace, into a match.
  absl::StatusOr<storage::TraceMatch> Rebuild(const ScanPlan& plan, size_t begin, size_t end);
  absl::Status AppendPiece(uint32_t row_group, const TracePiece& piece,
                           std::span<const uint8_t> selected, OutputBatch& out);
  RowGroupReader& ReaderFor(uint32_t row_group);

  const BlockFile& block_;
  const BlockMeta& meta_;
  const storage::FetchRequest& request_;
  storage::FetchResult result_;
  std::vector<Candidate> candidates_;
  // Readers and per-span results of the row groups that hold candidates (or are rebuilt from).
  std::map<uint32_t, std::unique_ptr<RowGroupReader>> readers_;
  std::map<uint32_t, std::vector<uint8_t>> row_matches_;
};

absl::StatusOr<storage::FetchResult> BlockScan::Run() {
  if (request_.start_unix_nanos > request_.end_unix_nanos) {
    return absl::InvalidArgumentError("request start is after its end");
  }
  if (request_.limit == 0) return absl::InvalidArgumentError("request limit is 0");
  auto pruned = [&]() {
    result_.skipped_blocks = 1;
    block_.counters.blocks_pruned.fetch_add(1, std::memory_order_relaxed);
    return std::move(result_);
  };
  if (meta_.traces == 0 || !Overlaps(meta_.min_time, meta_.max_time)) return pruned();
  absl::StatusOr<std::unique_ptr<ScanPlan>> plan = ScanPlan::Make(request_.filter, block_);
  if (!plan.ok()) return plan.status();
  if (!(*plan)->MayMatchBlock()) return pruned();
  result_.inspected_blocks = 1;
  WEFT_RETURN_IF_ERROR(CollectCandidates(**plan));

  // Step 2: newest first, ties by trace id; the pieces of a trace (same summary) stay together.
  std::sort(candidates_.begin(), candidates_.end(), [](const Candidate& a, const Candidate& b) {
    if (a.summary->start != b.summary->start) return a.summary->start > b.summary->start;
    return std::tie(a.trace_id, a.row_group) < std::tie(b.trace_id, b.row_group);
  });
  for (size_t c = 0; c < candidates_.size() && result_.traces.size() < request_.limit;) {
    size_t end = c + 1;
    while (end < candidates_.size() && candidates_[end].trace_id == candidates_[c].trace_id) {
      ++end;
    }
    absl::StatusOr<storage::TraceMatch> match = Rebuild(**plan, c, end);
    if (!match.ok()) return match.status();
    if (match->matched_spans > 0) result_.traces.push_back(*std::move(match));
    c = end;
  }
  return std::move(result_);
}

absl::Status BlockScan::CollectCandidates(ScanPlan& plan) {
  const bool match_all = storage::MatchesEverything(plan.tree());
  for (uint32_t i = 0; i < meta_.row_groups.size(); ++i) {
    const RowGroupMeta& rg = meta_.row_groups[i];
    if (!Overlaps(rg.min_trace_start, rg.max_trace_end) || !plan.MayMatchRowGroup(rg)) {
      block_.counters.row_groups_pruned.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    block_.counters.row_groups_scanned.fetch_add(1, std::memory_order_relaxed);
    result_.inspected_spans += rg.spans;
    auto rows = std::make_unique<RowGroupReader>(block_, i);
    std::vector<uint8_t> matches;
    if (match_all) {
      matches.assign(rg.spans, 1);
    } else {
      WEFT_RETURN_IF_ERROR(RowGroupFilter(plan, *rows).Evaluate(&matches));
    }
    if (std::find(matches.begin(), matches.end(), 1) == matches.end()) continue;
    absl::StatusOr<const std::vector<TracePiece>*> pieces = rows->Pieces();
    if (!pieces.ok()) return pieces.status();
    const size_t before = candidates_.size();
    for (uint32_t p = 0; p < (*pieces)->size(); ++p) {
      const TracePiece& piece = (**pieces)[p];
      if (!Overlaps(piece.summary.start, piece.summary.end())) continue;
      uint32_t matched = 0;
      for (uint32_t r = piece.first_row; r < piece.first_row + piece.rows; ++r) {
        matched += matches[r];
      }
      if (matched > 0) candidates_.push_back({&piece.summary, piece.trace_id, i, p, matched});
    }
    if (candidates_.size() > before) {
      row_matches_.emplace(i, std::move(matches));
      readers_.emplace(i, std::move(rows));
    }
  }
  return absl::OkStatus();
}

RowGroupReader& BlockScan::ReaderFor(uint32_t row_group) {
  auto& reader = readers_[row_group];
  if (reader == nullptr) reader = std::make_unique<RowGroupReader>(block_, row_group);
  return *reader;
}

absl::Status BlockScan::AppendPiece(uint32_t row_group, const TracePiece& piece,
                                    std::span<const uint8_t> selected, OutputBatch& out) {
  RowGroupReader& rows = ReaderFor(row_group);
  // One read of the row group beats a read per chunk once most chunks are needed.
  WEFT_RETURN_IF_ERROR(rows.Prefetch());
  SpanMaterializer materializer(rows);
  WEFT_RETURN_IF_ERROR(materializer.Load(piece.first_row, piece.first_row + piece.rows));
  return materializer.AppendPiece(piece, selected, out);
}

absl::StatusOr<storage::TraceMatch> BlockScan::Rebuild(const ScanPlan& plan, size_t begin,
                                                       size_t end) {
  const TraceId trace_id = candidates_[begin].trace_id;
  storage::TraceMatch match;
  match.summary = ToSummary(meta_, trace_id, *candidates_[begin].summary);
  match.spans = std::make_unique<SpanBatch>();
  OutputBatch out(block_, *match.spans);
  if (request_.whole_traces) {
    // Every piece of the trace, including those in row groups without matches.
    const auto [first, last] = block_.RowGroupsOf(trace_id);
    for (size_t rg = first; rg < last; ++rg) {
      absl::StatusOr<const std::vector<TracePiece>*> pieces =
          ReaderFor(static_cast<uint32_t>(rg)).Pieces();
      if (!pieces.ok()) return pieces.status();
      for (const TracePiece& piece : **pieces) {
        if (piece.trace_id != trace_id) continue;
        WEFT_RETURN_IF_ERROR(AppendPiece(static_cast<uint32_t>(rg), piece, {}, out));
      }
    }
    for (const Span& span : match.spans->spans()) {
      match.matched_spans += storage::SpanMatches(plan.tree(), *match.spans, span);
    }
    return match;
  }
  // Only the first spans_per_trace matching spans are rebuilt; the pushed-down evaluation is
  // exact, so its count is the trace's matched_spans.
  size_t wanted = request_.spans_per_trace == 0 ? SIZE_MAX : request_.spans_per_trace;
  for (size_t k = begin; k < end; ++k) match.matched_spans += candidates_[k].matched;
  for (size_t k = begin; k < end && wanted > 0; ++k) {
    const Candidate& candidate = candidates_[k];
    const TracePiece& piece = (**ReaderFor(candidate.row_group).Pieces())[candidate.piece];
    const std::vector<uint8_t>& matches = row_matches_.at(candidate.row_group);
    std::vector<uint8_t> selected(matches.begin() + piece.first_row,
                                  matches.begin() + piece.first_row + piece.rows);
    for (uint8_t& s : selected) {
      if (s != 0 && wanted > 0) {
        --wanted;
      } else {
        s = 0;
      }
    }
    WEFT_RETURN_IF_ERROR(AppendPiece(candidate.row_group, piece, selected, out));
  }
  // The safety net: a span the reference evaluator rejects would be a bug in the pushdown.
  const size_t before = match.spans->size();
  const SpanBatch& batch = *match.spans;
  match.spans->RemoveSpansIf(
      [&](const Span& span) { return !storage::SpanMatches(plan.tree(), batch, span); });
  match.matched_spans -= static_cast<uint32_t>(before - match.spans->size());
  return match;
}

}  // namespace

absl::StatusOr<storage::FetchResult> ScanBlock(const BlockFile& block,
                                               const storage::FetchRequest& request) {
  return BlockScan(block, request).Run();
}

}  // namespace weft::storage::embedded::block
