#include "storage/embedded/block/block_writer.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/columns.h"
#include "storage/embedded/block/compression.h"
#include "storage/embedded/block/stored_summary.h"
#include "storage/embedded/block/trace_id_bloom.h"

namespace weft::storage::embedded {

using block::ColumnKey;
using block::EncodedChunk;
using block::SpanRef;

namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

absl::StatusOr<std::unique_ptr<BlockWriter>> BlockWriter::Create(FileSystem& fs, std::string path,
                                                                 BlockWriterOptions options) {
  if (options.row_group_spans == 0 || options.row_group_spans > block::kMaxChunkValues / 3) {
    return absl::InvalidArgumentError("row_group_spans out of range");
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> file = fs.NewWritableFile(path + ".tmp");
  if (!file.ok()) return file.status();
  std::unique_ptr<BlockWriter> writer(
      new BlockWriter(fs, std::move(path), std::move(options), std::move(*file)));
  const std::string header = block::EncodeBlockHeader();
  if (absl::Status s = writer->file_->Append(header); !s.ok()) return writer->Fail(s);
  writer->offset_ = header.size();
  return writer;
}

BlockWriter::BlockWriter(FileSystem& fs, std::string path, BlockWriterOptions options,
                         std::unique_ptr<WritableFile> file)
    : fs_(fs),
      path_(std::move(path)),
      temp_path_(path_ + ".tmp"),
      options_(std::move(options)),
      file_(std::move(file)),
      row_group_(std::make_unique<block::RowGroupBuilder>(dictionaries_)) {
  meta_.tenant = options_.tenant;
  meta_.min_time = UINT64_MAX;
}

BlockWriter::~BlockWriter() {
  if (finished_ && error_.ok()) return;
  if (file_ != nullptr) file_->Close().IgnoreError();
  fs_.Remove(temp_path_).IgnoreError();
}

absl::Status BlockWriter::Fail(absl::Status status) {
  if (error_.ok()) error_ = status;
  return status;
}

absl::Status BlockWriter::AddTrace(const SpanBatch& batch, std::span<const uint32_t> span_indexes) {
  refs_.clear();
  for (uint32_t i : span_indexes) {
    if (i >= batch.size()) return Fail(absl::InvalidArgumentError("span index out of range"));
    refs_.push_back({&batch, i});
  }
  return AddTrace(std::span<const SpanRef>(refs_));
}

absl::Status BlockWriter::AddTrace(std::span<const SpanRef> spans) {
  if (!error_.ok()) return error_;
  if (finished_) return absl::FailedPreconditionError("block writer already finished");
  if (spans.empty()) return Fail(absl::InvalidArgumentError("a trace needs at least one span"));
  const TraceId trace_id = spans.front().span().trace_id;
  for (const SpanRef& ref : spans) {
    if (ref.span().trace_id != trace_id) {
      return Fail(absl::InvalidArgumentError("spans of different traces in one AddTrace"));
    }
  }
  if (has_last_trace_ && !(last_trace_ < trace_id)) {
    return Fail(absl::InvalidArgumentError(absl::StrCat("trace ", trace_id.ToHex(), " added after ",
                                                        last_trace_.ToHex(),
                                                        ": trace ids must ascend strictly")));
  }
  last_trace_ = trace_id;
  has_last_trace_ = true;

  const block::StoredSummary summary = block::ComputeStoredSummary(spans, dictionaries_);
  meta_.spans += spans.size();
  ++meta_.traces;
  meta_.min_time = std::min(meta_.min_time, summary.start);
  meta_.max_time = std::max(meta_.max_time, summary.end());
  bloom_hashes_.push_back(block::TraceIdBloom::Hash(trace_id));

  const size_t limit = options_.row_group_spans;
  if (!row_group_->empty() && row_group_->spans() + spans.size() > limit) {
    WEFT_RETURN_IF_ERROR(FlushRowGroup());
  }
  while (!spans.empty()) {
    const size_t take = std::min(spans.size(), limit - row_group_->spans());
    row_group_->AddPiece(trace_id, spans.first(take), summary);
    spans = spans.subspan(take);
    // A row group also ends early when its attribute values approach the per-chunk limit.
    if (row_group_->spans() >= limit || row_group_->values() >= block::kMaxChunkValues / 2) {
      WEFT_RETURN_IF_ERROR(FlushRowGroup());
    }
  }
  return absl::OkStatus();
}

absl::Status BlockWriter::FlushRowGroup() {
  if (row_group_->empty()) return absl::OkStatus();
  block::RowGroupMeta rg;
  rg.offset = offset_;
  std::string buffer;
  bool oversized = false;
  row_group_->Finish(options_.zstd_level, &rg, [&](const ColumnKey& key, EncodedChunk chunk) {
    auto [it, inserted] =
        catalog_index_.try_emplace(key, static_cast<uint32_t>(meta_.catalog.size()));
    if (inserted) meta_.catalog.push_back(key);
    if (chunk.value_count > block::kMaxChunkValues) {
      oversized = true;
      return;
    }
    block::ChunkRef ref;
    ref.column = it->second;
    ref.offset = offset_ + buffer.size();
    ref.size = static_cast<uint32_t>(chunk.stored.size());
    ref.raw_size = chunk.raw_size;
    ref.value_count = chunk.value_count;
    ref.compression = chunk.compression;
    ref.encoding = chunk.encoding;
    ref.checksum = chunk.checksum;
    rg.chunks.push_back(ref);
    buffer.append(chunk.stored);
  });
  if (oversized) {
    return Fail(absl::InvalidArgumentError(
        "a trace has more attribute values than one row group can hold"));
  }
  std::sort(rg.chunks.begin(), rg.chunks.end(),
            [](const block::ChunkRef& a, const block::ChunkRef& b) { return a.column < b.column; });
  rg.size = buffer.size();
  if (absl::Status s = file_->Append(buffer); !s.ok()) return Fail(s);
  offset_ += buffer.size();
  meta_.row_groups.push_back(std::move(rg));
  row_group_ = std::make_unique<block::RowGroupBuilder>(dictionaries_);
  return absl::OkStatus();
}

absl::StatusOr<BlockInfo> BlockWriter::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) return absl::FailedPreconditionError("block writer already finished");
  if (absl::Status s = FlushRowGroup(); !s.ok()) return s;
  finished_ = true;

  if (meta_.traces == 0) meta_.min_time = 0;
  meta_.services = dictionaries_.services.strings();
  meta_.span_names = dictionaries_.span_names.strings();
  meta_.keys = dictionaries_.keys.strings();
  meta_.operations.assign(dictionaries_.operations.begin(), dictionaries_.operations.end());
  std::sort(meta_.operations.begin(), meta_.operations.end());

  const std::string raw_meta = block::EncodeBlockMeta(meta_);
  block::Footer footer;
  footer.meta_offset = offset_;
  footer.meta_raw_size = raw_meta.size();
  std::string tail;
  block::kZstdCompression.compress(raw_meta, options_.zstd_level, &tail);
  footer.meta_compression = static_cast<uint8_t>(block::CompressionId::kZstd);
  if (tail.empty() || tail.size() >= raw_meta.size()) {
    tail = raw_meta;
    footer.meta_compression = static_cast<uint8_t>(block::CompressionId::kNone);
  }
  footer.meta_size = tail.size();
  footer.meta_checksum = block::Checksum(tail);
  const std::string bloom =
      block::TraceIdBloom::Build(bloom_hashes_, options_.bloom_false_positive_rate).Encode();
  footer.bloom_offset = offset_ + tail.size();
  footer.bloom_size = bloom.size();
  footer.bloom_checksum = block::Checksum(bloom);
  tail.append(bloom);
  tail.append(block::EncodeFooter(footer));

  absl::Status s = file_->Append(tail);
  if (s.ok()) s = file_->Sync();
  if (s.ok()) s = file_->Close();
  if (s.ok()) s = fs_.Rename(temp_path_, path_);
  if (!s.ok()) return Fail(s);
  if (s = fs_.SyncDir(DirectoryOf(path_)); !s.ok()) {
    // The name may not survive a crash: take it back, so that a failed Finish never leaves a
    // block behind.
    fs_.Remove(path_).IgnoreError();
    return Fail(s);
  }
  offset_ += tail.size();
  file_.reset();

  BlockInfo info;
  info.path = path_;
  info.tenant = meta_.tenant;
  info.bytes = offset_;
  info.spans = meta_.spans;
  info.traces = meta_.traces;
  info.row_groups = meta_.row_groups.size();
  info.min_time_unix_nanos = meta_.min_time;
  info.max_time_unix_nanos = meta_.max_time;
  return info;
}

absl::StatusOr<BlockInfo> WriteBlock(FileSystem& fs, const std::string& path,
                                     std::span<const SpanBatch* const> batches,
                                     const BlockWriterOptions& options) {
  struct Entry {
    TraceId trace_id;
    uint32_t batch;
    uint32_t index;
  };
  std::vector<Entry> entries;
  for (uint32_t b = 0; b < batches.size(); ++b) {
    const std::span<const Span> spans = batches[b]->spans();
    for (uint32_t i = 0; i < spans.size(); ++i) entries.push_back({spans[i].trace_id, b, i});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.trace_id, a.batch, a.index) < std::tie(b.trace_id, b.batch, b.index);
  });
  absl::StatusOr<std::unique_ptr<BlockWriter>> writer = BlockWriter::Create(fs, path, options);
  if (!writer.ok()) return writer.status();
  std::vector<SpanRef> refs;
  for (size_t i = 0; i < entries.size();) {
    refs.clear();
    size_t j = i;
    for (; j < entries.size() && entries[j].trace_id == entries[i].trace_id; ++j) {
      refs.push_back({batches[entries[j].batch], entries[j].index});
    }
    if (absl::Status s = (*writer)->AddTrace(refs); !s.ok()) return s;
    i = j;
  }
  return (*writer)->Finish();
}

}  // namespace weft::storage::embedded
