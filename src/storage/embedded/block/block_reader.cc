#include "storage/embedded/block/block_reader.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/block_scan.h"
#include "storage/embedded/block/compression.h"
#include "storage/embedded/block/row_group_reader.h"
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
  if (!raw_meta.ok())
    return f.Corrupt(absl::StrCat("meta section: ", std::string(raw_meta.status().message())));
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

absl::Status BlockReader::AppendTraceFromRowGroup(const TraceId& trace_id, uint32_t row_group,
                                                  OutputBatch& out) const {
  RowGroupReader rows(file_, row_group);
  // The trace table alone first: a bloom filter false positive reads no more than that.
  absl::StatusOr<std::optional<TracePiece>> piece = rows.FindPiece(trace_id);
  if (!piece.ok()) return piece.status();
  if (!piece->has_value()) return absl::OkStatus();
  WEFT_RETURN_IF_ERROR(rows.Prefetch());
  const TracePiece& p = **piece;
  SpanMaterializer materializer(rows);
  WEFT_RETURN_IF_ERROR(materializer.Load(p.first_row, p.first_row + p.rows));
  return materializer.AppendPiece(p, {}, out);
}

absl::StatusOr<std::unique_ptr<SpanBatch>> BlockReader::FindTrace(const TraceId& trace_id) const {
  auto batch = std::make_unique<SpanBatch>();
  if (!file_.bloom.MayContain(trace_id)) {
    file_.counters.bloom_negatives.fetch_add(1, std::memory_order_relaxed);
    return batch;
  }
  OutputBatch out(file_, *batch);
  const auto [begin, end] = file_.RowGroupsOf(trace_id);
  for (size_t i = begin; i < end; ++i) {
    WEFT_RETURN_IF_ERROR(AppendTraceFromRowGroup(trace_id, static_cast<uint32_t>(i), out));
  }
  return batch;
}

absl::StatusOr<storage::FetchResult> BlockReader::Scan(const storage::FetchRequest& request) const {
  return block::ScanBlock(file_, request);
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

std::unique_ptr<BlockTraceCursor> BlockReader::NewTraceCursor() const {
  return std::make_unique<BlockTraceCursor>(file_);
}

BlockTraceCursor::BlockTraceCursor(const BlockFile& block)
    : block_(block), out_(std::make_unique<OutputBatch>(block)) {}
BlockTraceCursor::~BlockTraceCursor() = default;

absl::StatusOr<bool> BlockTraceCursor::NextPiece() {
  while (pieces_ == nullptr || piece_ >= pieces_->size()) {
    if (next_row_group_ >= block_.meta.row_groups.size()) return false;
    const uint32_t index = next_row_group_++;
    materializer_.reset();
    rows_ = std::make_unique<RowGroupReader>(block_, index);
    WEFT_RETURN_IF_ERROR(rows_->Prefetch());
    absl::StatusOr<const std::vector<TracePiece>*> pieces = rows_->Pieces();
    if (!pieces.ok()) return pieces.status();
    materializer_ = std::make_unique<SpanMaterializer>(*rows_);
    WEFT_RETURN_IF_ERROR(materializer_->Load(0, block_.meta.row_groups[index].spans));
    pieces_ = *pieces;
    piece_ = 0;
  }
  return true;
}

absl::StatusOr<bool> BlockTraceCursor::Next(TraceId* trace_id, std::unique_ptr<SpanBatch>* spans) {
  std::unique_ptr<SpanBatch> batch;
  while (true) {
    absl::StatusOr<bool> more = NextPiece();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const TracePiece& piece = (*pieces_)[piece_];
    if (batch != nullptr && piece.trace_id != *trace_id) break;  // the next trace starts here
    if (batch == nullptr) {
      *trace_id = piece.trace_id;
      batch = std::make_unique<SpanBatch>();
      out_->Reset(*batch);
    }
    WEFT_RETURN_IF_ERROR(materializer_->AppendPiece(piece, {}, *out_));
    ++piece_;  // a trace cut into pieces continues in the next row group
  }
  if (batch == nullptr) return false;
  *spans = std::move(batch);
  return true;
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
    OutputBatch out(file_, scratch);
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
  std::sort(sizes.begin(), sizes.end(), [](const ColumnSize& a, const ColumnSize& b) {
    return a.stored_bytes > b.stored_bytes;
  });
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
  s.interner_slots = c.interner_slots.load(std::memory_order_relaxed);
  return s;
}

}  // namespace weft::storage::embedded
