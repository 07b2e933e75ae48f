#include "storage/embedded/block/block_reader.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/condition_eval.h"
#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/compression.h"
#include "storage/embedded/block/row_group_filter.h"
#include "storage/embedded/block/row_group_reader.h"
#include "storage/embedded/block/scan_plan.h"
#include "storage/embedded/block/span_materializer.h"

namespace weft::storage::embedded {

using block::BlockFile;
using block::OutputBatch;
using block::RowGroupMeta;
using block::RowGroupReader;
using block::SpanMaterializer;
using block::TracePiece;

namespace {

// Reads [offset, offset + n) exactly, or fails with DataLoss naming `what`.
absl::StatusOr<std::string> ReadExactly(const BlockFile& f, uint64_t offset, uint64_t n,
                                        std::string_view what) {
  std::string buffer(n, '\0');
  absl::StatusOr<std::string_view> read = f.file->Read(offset, n, buffer.data());
  if (!read.ok()) return read.status();
  if (read->size() != n) return f.Corrupt(absl::StrCat(std::string(what), " truncated"));
  if (read->data() != buffer.data()) buffer.assign(*read);
  return buffer;
}

// Checks that the row groups tile [data_begin, data_end) and each row group's chunks tile the
// row group, so that every byte of the data region is covered by some chunk's checksum.
absl::Status CheckTiling(const BlockFile& f, uint64_t data_begin, uint64_t data_end) {
  uint64_t next = data_begin;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (size_t i = 0; i < f.meta.row_groups.size(); ++i) {
    const RowGroupMeta& rg = f.meta.row_groups[i];
    if (rg.offset != next) return f.Corrupt(absl::StrCat("row group ", i, " misplaced"));
    ranges.clear();
    for (const block::ChunkRef& c : rg.chunks) ranges.emplace_back(c.offset, c.size);
    std::sort(ranges.begin(), ranges.end());
    uint64_t at = rg.offset;
    for (const auto& [offset, size] : ranges) {
      if (offset != at) return f.Corrupt(absl::StrCat("row group ", i, " has a gap"));
      at += size;
    }
    if (at != rg.offset + rg.size) return f.Corrupt(absl::StrCat("row group ", i, " has a gap"));
    next = at;
  }
  if (next != data_end) return f.Corrupt("data region has a gap");
  return absl::OkStatus();
}

storage::TraceSummary ToSummary(const block::BlockMeta& meta, const TraceId& id,
                                const block::StoredSummary& s) {
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

}  // namespace

absl::StatusOr<std::unique_ptr<BlockReader>> BlockReader::Open(FileSystem& fs,
                                                               const std::string& path) {
  std::unique_ptr<BlockReader> reader(new BlockReader());
  BlockFile& f = reader->file_;
  f.path = path;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> file = fs.NewRandomAccessFile(path);
  if (!file.ok()) return file.status();
  f.file = std::move(*file);
  f.file_size = f.file->Size();
  if (f.file_size < block::kBlockHeaderSize + block::kBlockFooterSize) {
    return f.Corrupt("file too small to be a block");
  }
  // The footer first: it is checksummed, so its version can be trusted; the header must agree.
  const uint64_t footer_offset = f.file_size - block::kBlockFooterSize;
  WEFT_ASSIGN_OR_RETURN(std::string footer_bytes,
                        ReadExactly(f, footer_offset, block::kBlockFooterSize, "footer"));
  absl::StatusOr<block::Footer> footer = block::DecodeFooter(footer_bytes);
  if (!footer.ok()) {
    return absl::Status(footer.status().code(),
                        absl::StrCat("block ", path, ": ", std::string(footer.status().message())));
  }
  WEFT_ASSIGN_OR_RETURN(std::string header, ReadExactly(f, 0, block::kBlockHeaderSize, "header"));
  if (absl::Status s = block::CheckBlockHeader(header); !s.ok()) {
    // The footer's version is readable, so a header that disagrees is damaged.
    return f.Corrupt(std::string(s.message()));
  }
  if (footer->meta_offset < block::kBlockHeaderSize || footer->meta_offset > footer_offset ||
      footer->meta_size > footer_offset - footer->meta_offset ||
      footer->bloom_offset != footer->meta_offset + footer->meta_size ||
      footer->bloom_size != footer_offset - footer->bloom_offset) {
    return f.Corrupt("footer locates sections outside the file");
  }
  WEFT_ASSIGN_OR_RETURN(std::string stored_meta,
                        ReadExactly(f, footer->meta_offset, footer->meta_size, "meta section"));
  if (block::Checksum(stored_meta) != footer->meta_checksum) {
    return f.Corrupt("meta section checksum mismatch");
  }
  const block::Compression* compression = block::FindCompression(footer->meta_compression);
  if (compression == nullptr || footer->meta_raw_size > (uint64_t{1} << 32)) {
    return f.Corrupt("meta section compression unknown");
  }
  std::unique_ptr<char[]> scratch;
  absl::StatusOr<std::string_view> raw_meta =
      compression->decompress(stored_meta, footer->meta_raw_size, &scratch);
  if (!raw_meta.ok()) return f.Corrupt(absl::StrCat("meta section: ", std::string(raw_meta.status().message())));
  absl::StatusOr<block::BlockMeta> meta =
      block::DecodeBlockMeta(*raw_meta, block::kBlockHeaderSize, footer->meta_offset);
  if (!meta.ok()) return f.Corrupt(std::string(meta.status().message()));
  f.meta = std::move(*meta);
  WEFT_ASSIGN_OR_RETURN(std::string bloom_bytes,
                        ReadExactly(f, footer->bloom_offset, footer->bloom_size, "bloom filter"));
  if (block::Checksum(bloom_bytes) != footer->bloom_checksum) {
    return f.Corrupt("bloom filter checksum mismatch");
  }
  absl::StatusOr<block::TraceIdBloom> bloom = block::TraceIdBloom::Decode(bloom_bytes);
  if (!bloom.ok()) return f.Corrupt(std::string(bloom.status().message()));
  f.bloom = std::move(*bloom);
  WEFT_RETURN_IF_ERROR(CheckTiling(f, block::kBlockHeaderSize, footer->meta_offset));
  for (uint32_t i = 0; i < f.meta.catalog.size(); ++i) {
    if (!f.column_index.emplace(f.meta.catalog[i], i).second) {
      return f.Corrupt("catalog lists a column twice");
    }
  }
  if (f.meta.spans != 0 && f.meta.row_groups.empty()) return f.Corrupt("spans without row groups");

  BlockInfo& info = reader->info_;
  info.path = path;
  info.tenant = f.meta.tenant;
  info.bytes = f.file_size;
  info.spans = f.meta.spans;
  info.traces = f.meta.traces;
  info.row_groups = f.meta.row_groups.size();
  info.min_time_unix_nanos = f.meta.min_time;
  info.max_time_unix_nanos = f.meta.max_time;
  return reader;
}

bool BlockReader::MayContainTrace(const TraceId& trace_id) const {
  return file_.bloom.MayContain(trace_id);
}

std::pair<size_t, size_t> BlockReader::RowGroupsOf(const TraceId& trace_id) const {
  const auto& rgs = file_.meta.row_groups;
  // Row groups ascend by trace id; only a trace split into pieces spans several.
  auto begin = std::lower_bound(rgs.begin(), rgs.end(), trace_id,
                                [](const RowGroupMeta& rg, const TraceId& id) {
                                  return rg.last_trace < id;
                                });
  auto end = begin;
  while (end != rgs.end() && end->first_trace <= trace_id) ++end;
  return {static_cast<size_t>(begin - rgs.begin()), static_cast<size_t>(end - rgs.begin())};
}

absl::Status BlockReader::AppendTraceFromRowGroup(const TraceId& trace_id, uint32_t row_group,
                                                  OutputBatch& out) const {
  RowGroupReader rows(file_, row_group);
  absl::StatusOr<const std::vector<TracePiece>*> pieces = rows.Pieces();
  if (!pieces.ok()) return pieces.status();
  auto it = std::lower_bound(
      (*pieces)->begin(), (*pieces)->end(), trace_id,
      [](const TracePiece& p, const TraceId& id) { return p.trace_id < id; });
  if (it == (*pieces)->end() || it->trace_id != trace_id) return absl::OkStatus();
  WEFT_RETURN_IF_ERROR(rows.Prefetch());
  SpanMaterializer materializer(rows);
  WEFT_RETURN_IF_ERROR(materializer.Load(it->first_row, it->first_row + it->rows));
  return materializer.AppendPiece(*it, {}, out);
}

absl::StatusOr<std::unique_ptr<SpanBatch>> BlockReader::FindTrace(const TraceId& trace_id) const {
  auto batch = std::make_unique<SpanBatch>();
  if (!file_.bloom.MayContain(trace_id)) {
    file_.counters.bloom_negatives.fetch_add(1, std::memory_order_relaxed);
    return batch;
  }
  OutputBatch out(file_.meta, *batch);
  const auto [begin, end] = RowGroupsOf(trace_id);
  for (size_t i = begin; i < end; ++i) {
    WEFT_RETURN_IF_ERROR(AppendTraceFromRowGroup(trace_id, static_cast<uint32_t>(i), out));
  }
  return batch;
}

absl::StatusOr<storage::FetchResult> BlockReader::Scan(const storage::FetchRequest& request) const {
  if (request.start_unix_nanos > request.end_unix_nanos) {
    return absl::InvalidArgumentError("request start is after its end");
  }
  if (request.limit == 0) return absl::InvalidArgumentError("request limit is 0");
  storage::FetchResult result;
  const block::BlockMeta& meta = file_.meta;
  auto overlaps = [&](uint64_t start, uint64_t end) {
    return start <= request.end_unix_nanos && end >= request.start_unix_nanos;
  };
  auto pruned = [&]() {
    result.skipped_blocks = 1;
    file_.counters.blocks_pruned.fetch_add(1, std::memory_order_relaxed);
    return std::move(result);
  };
  if (meta.traces == 0 || !overlaps(meta.min_time, meta.max_time)) return pruned();
  absl::StatusOr<std::unique_ptr<block::ScanPlan>> plan_or =
      block::ScanPlan::Make(request.filter, file_);
  if (!plan_or.ok()) return plan_or.status();
  block::ScanPlan& plan = **plan_or;
  if (!plan.MayMatchBlock()) return pruned();
  result.inspected_blocks = 1;
  const bool match_all = storage::MatchesEverything(plan.tree());

  // 1. Candidates: trace pieces with matching rows, from the columns the filter names.
  struct Candidate {
    const block::StoredSummary* summary;
    TraceId trace_id;
    uint32_t row_group;
    uint32_t piece;
    uint32_t matched;
  };
  std::vector<Candidate> candidates;
  std::map<uint32_t, std::unique_ptr<RowGroupReader>> readers;  // row groups with candidates
  std::map<uint32_t, std::vector<uint8_t>> row_matches;
  for (uint32_t i = 0; i < meta.row_groups.size(); ++i) {
    const RowGroupMeta& rg = meta.row_groups[i];
    if (!overlaps(rg.min_trace_start, rg.max_trace_end) || !plan.MayMatchRowGroup(rg)) {
      file_.counters.row_groups_pruned.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    file_.counters.row_groups_scanned.fetch_add(1, std::memory_order_relaxed);
    result.inspected_spans += rg.spans;
    auto rows = std::make_unique<RowGroupReader>(file_, i);
    std::vector<uint8_t> matches;
    if (match_all) {
      matches.assign(rg.spans, 1);
    } else {
      WEFT_RETURN_IF_ERROR(block::RowGroupFilter(plan, *rows).Evaluate(&matches));
    }
    if (std::find(matches.begin(), matches.end(), 1) == matches.end()) continue;
    absl::StatusOr<const std::vector<TracePiece>*> pieces = rows->Pieces();
    if (!pieces.ok()) return pieces.status();
    bool any = false;
    for (uint32_t p = 0; p < (*pieces)->size(); ++p) {
      const TracePiece& piece = (**pieces)[p];
      if (!overlaps(piece.summary.start, piece.summary.end())) continue;
      uint32_t matched = 0;
      for (uint32_t r = piece.first_row; r < piece.first_row + piece.rows; ++r) {
        matched += matches[r];
      }
      if (matched == 0) continue;
      candidates.push_back({&piece.summary, piece.trace_id, i, p, matched});
      any = true;
    }
    if (any) {
      row_matches.emplace(i, std::move(matches));
      readers.emplace(i, std::move(rows));
    }
  }

  // 2. Newest first (ties by trace id); a trace cut into pieces is one candidate.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.summary->start != b.summary->start) return a.summary->start > b.summary->start;
    return std::tie(a.trace_id, a.row_group) < std::tie(b.trace_id, b.row_group);
  });

  // 3. Materialize the newest traces, checking each span against the reference evaluator.
  // Rebuilds (some rows of) one piece into `out`, reading its row group through the cached reader.
  auto append_piece = [&](uint32_t rg, const TracePiece& piece, std::span<const uint8_t> selected,
                          OutputBatch& out) -> absl::Status {
    auto reader = readers.find(rg);
    if (reader == readers.end()) {
      reader = readers.emplace(rg, std::make_unique<RowGroupReader>(file_, rg)).first;
    }
    SpanMaterializer materializer(*reader->second);
    WEFT_RETURN_IF_ERROR(materializer.Load(piece.first_row, piece.first_row + piece.rows));
    return materializer.AppendPiece(piece, selected, out);
  };
  for (size_t c = 0; c < candidates.size() && result.traces.size() < request.limit;) {
    size_t group_end = c + 1;
    while (group_end < candidates.size() && candidates[group_end].trace_id == candidates[c].trace_id) {
      ++group_end;
    }
    storage::TraceMatch match;
    match.summary = ToSummary(meta, candidates[c].trace_id, *candidates[c].summary);
    match.spans = std::make_unique<SpanBatch>();
    OutputBatch out(meta, *match.spans);
    uint32_t matched = 0;
    if (request.whole_traces) {
      const auto [begin, end] = RowGroupsOf(candidates[c].trace_id);
      for (size_t rg = begin; rg < end; ++rg) {
        auto reader = readers.find(static_cast<uint32_t>(rg));
        if (reader == readers.end()) {
          reader = readers.emplace(rg, std::make_unique<RowGroupReader>(file_, rg)).first;
        }
        absl::StatusOr<const std::vector<TracePiece>*> pieces = reader->second->Pieces();
        if (!pieces.ok()) return pieces.status();
        for (const TracePiece& piece : **pieces) {
          if (piece.trace_id != candidates[c].trace_id) continue;
          WEFT_RETURN_IF_ERROR(append_piece(static_cast<uint32_t>(rg), piece, {}, out));
        }
      }
      for (const Span& span : match.spans->spans()) {
        matched += storage::SpanMatches(plan.tree(), *match.spans, span);
      }
    } else {
      // Only the first spans_per_trace matching spans are rebuilt; the pushed-down evaluation is
      // exact, so its count is the trace's matched_spans.
      size_t wanted = request.spans_per_trace == 0 ? SIZE_MAX : request.spans_per_trace;
      for (size_t k = c; k < group_end; ++k) matched += candidates[k].matched;
      for (size_t k = c; k < group_end && wanted > 0; ++k) {
        const Candidate& cand = candidates[k];
        RowGroupReader& rows = *readers.at(cand.row_group);
        const TracePiece& piece = (**rows.Pieces())[cand.piece];
        std::vector<uint8_t> selected(row_matches.at(cand.row_group).begin() + piece.first_row,
                                      row_matches.at(cand.row_group).begin() + piece.first_row +
                                          piece.rows);
        for (uint8_t& s : selected) {
          if (s != 0 && wanted > 0) {
            --wanted;
          } else {
            s = 0;
          }
        }
        WEFT_RETURN_IF_ERROR(append_piece(cand.row_group, piece, selected, out));
      }
      // The safety net: a span the reference evaluator rejects is a bug in the pushdown.
      const size_t before = match.spans->size();
      const SpanBatch& batch = *match.spans;
      match.spans->RemoveSpansIf(
          [&](const Span& span) { return !storage::SpanMatches(plan.tree(), batch, span); });
      matched -= static_cast<uint32_t>(before - match.spans->size());
    }
    c = group_end;
    if (matched == 0) continue;
    match.matched_spans = matched;
    result.traces.push_back(std::move(match));
  }
  return result;
}

std::vector<std::string> BlockReader::Services() const {
  std::vector<std::string> services;
  for (const std::string& s : file_.meta.services) {
    if (!s.empty()) services.push_back(s);
  }
  std::sort(services.begin(), services.end());
  return services;
}

std::vector<storage::OperationName> BlockReader::Operations(std::string_view service) const {
  const auto& services = file_.meta.services;
  auto it = std::find(services.begin(), services.end(), service);
  std::vector<storage::OperationName> out;
  if (it == services.end()) return out;
  const auto id = static_cast<uint32_t>(it - services.begin());
  for (const block::OperationEntry& op : file_.meta.operations) {
    if (op.service == id) {
      out.push_back({file_.meta.span_names[op.name], static_cast<SpanKind>(op.kind)});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.kind) < std::tie(b.name, b.kind);
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::Status BlockReader::Verify() const {
  for (uint32_t i = 0; i < file_.meta.row_groups.size(); ++i) {
    RowGroupReader rows(file_, i);
    WEFT_RETURN_IF_ERROR(rows.Prefetch());
    for (const block::ChunkRef& chunk : file_.meta.row_groups[i].chunks) {
      absl::StatusOr<block::ColumnData*> column = rows.Column(chunk.column);
      if (!column.ok()) return column.status();
      // Decode every value too: a chunk no span needs must still be well formed.
      switch ((*column)->key.family()) {
        case block::ColumnFamily::kU64:
          if (absl::Status s = rows.NumbersOf(**column).status(); !s.ok()) return s;
          break;
        case block::ColumnFamily::kString:
          if (absl::Status s = rows.StringsOf(**column).status(); !s.ok()) return s;
          break;
        default:
          break;
      }
    }
    SpanMaterializer materializer(rows);
    WEFT_RETURN_IF_ERROR(materializer.Load(0, file_.meta.row_groups[i].spans));
    absl::StatusOr<const std::vector<TracePiece>*> pieces = rows.Pieces();
    if (!pieces.ok()) return pieces.status();
    SpanBatch scratch;
    OutputBatch out(file_.meta, scratch);
    for (const TracePiece& piece : **pieces) {
      WEFT_RETURN_IF_ERROR(materializer.AppendPiece(piece, {}, out));
    }
  }
  return absl::OkStatus();
}

std::vector<BlockReader::ColumnSize> BlockReader::ColumnSizes() const {
  std::vector<ColumnSize> sizes(file_.meta.catalog.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    sizes[i].column = block::ColumnName(file_.meta.catalog[i], file_.meta.keys);
  }
  for (const RowGroupMeta& rg : file_.meta.row_groups) {
    for (const block::ChunkRef& c : rg.chunks) {
      sizes[c.column].stored_bytes += c.size;
      sizes[c.column].raw_bytes += c.raw_size;
      sizes[c.column].values += c.value_count;
    }
  }
  std::sort(sizes.begin(), sizes.end(),
            [](const ColumnSize& a, const ColumnSize& b) { return a.stored_bytes > b.stored_bytes; });
  return sizes;
}

BlockReadStats BlockReader::stats() const {
  const block::ReadCounters& c = file_.counters;
  BlockReadStats s;
  s.file_reads = c.file_reads.load(std::memory_order_relaxed);
  s.bytes_read = c.bytes_read.load(std::memory_order_relaxed);
  s.chunks_decoded = c.chunks_decoded.load(std::memory_order_relaxed);
  s.row_groups_scanned = c.row_groups_scanned.load(std::memory_order_relaxed);
  s.row_groups_pruned = c.row_groups_pruned.load(std::memory_order_relaxed);
  s.blocks_pruned = c.blocks_pruned.load(std::memory_order_relaxed);
  s.bloom_negatives = c.bloom_negatives.load(std::memory_order_relaxed);
  return s;
}

}  // namespace weft::storage::embedded
