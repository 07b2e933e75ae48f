// BlockWriter: writes one immutable columnar block file (docs/format/block.md) from whole traces
// given in ascending trace-id order. Spans are encoded into the current row group as they are
// added (the caller's batches need not outlive AddTrace); a row group is compressed and appended
// to a temporary file when full; Finish writes the meta section, the trace-id bloom filter and
// the footer, syncs, and renames the file into place (then syncs the directory), so a block either
// exists complete or not at all.
// Thread rule: not thread-safe; one thread drives a writer from Create to Finish.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/file_system.h"
#include "model/span_batch.h"
#include "storage/embedded/block/block_meta.h"
#include "storage/embedded/block/row_group_builder.h"

namespace weft::storage::embedded {

struct BlockWriterOptions {
  std::string tenant;  // recorded in the block, for inspection
  // Spans per row group. A trace never straddles two row groups unless it alone is larger than
  // this; then it is cut into pieces of this size.
  uint32_t row_group_spans = 8192;
  int zstd_level = 3;  // compaction may choose a higher one
  double bloom_false_positive_rate = 0.01;
};

// What a finished block holds. Also what BlockReader::info() reports.
struct BlockInfo {
  std::string path;
  std::string tenant;
  uint64_t bytes = 0;
  uint64_t spans = 0;
  uint64_t traces = 0;
  uint64_t row_groups = 0;
  uint64_t min_time_unix_nanos = 0;  // earliest trace start
  uint64_t max_time_unix_nanos = 0;  // latest trace end
};

class BlockWriter {
 public:
  // Creates `path`.tmp (replacing any leftover); the block appears at `path` on Finish.
  static absl::StatusOr<std::unique_ptr<BlockWriter>> Create(FileSystem& fs, std::string path,
                                                             BlockWriterOptions options = {});
  // Without a successful Finish, removes the temporary file.
  ~BlockWriter();
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // Adds one whole trace: the spans of `batch` at `span_indexes`, kept in that order.
  // REQUIRES: at least one index. InvalidArgument when the spans belong to different traces or the
  // trace id is not greater than the previous trace's. After any error the writer is unusable.
  absl::Status AddTrace(const SpanBatch& batch, std::span<const uint32_t> span_indexes);
  // The same for spans drawn from several batches.
  absl::Status AddTrace(std::span<const block::SpanRef> spans);

  // Completes the block: after OK it is at `path` and durable; after an error there is no block
  // at `path` (a failed directory sync takes the new name back). Unusable afterwards.
  absl::StatusOr<BlockInfo> Finish();

 private:
  BlockWriter(FileSystem& fs, std::string path, BlockWriterOptions options,
              std::unique_ptr<WritableFile> file);
  absl::Status FlushRowGroup();
  absl::Status Fail(absl::Status status);

  FileSystem& fs_;
  const std::string path_;
  const std::string temp_path_;
  const BlockWriterOptions options_;
  std::unique_ptr<WritableFile> file_;
  uint64_t offset_ = 0;
  absl::Status error_;
  bool finished_ = false;

  block::BlockDictionaries dictionaries_;
  std::unique_ptr<block::RowGroupBuilder> row_group_;
  block::BlockMeta meta_;
  absl::flat_hash_map<block::ColumnKey, uint32_t> catalog_index_;
  std::vector<uint64_t> bloom_hashes_;
  TraceId last_trace_;
  bool has_last_trace_ = false;
  std::vector<block::SpanRef> refs_;  // scratch
};

// Writes the spans of `batches` into one block at `path`, grouping them by trace id itself (spans
// of a trace keep their order: batch by batch, then index by index).
absl::StatusOr<BlockInfo> WriteBlock(FileSystem& fs, const std::string& path,
                                     std::span<const SpanBatch* const> batches,
                                     const BlockWriterOptions& options = {});

}  // namespace weft::storage::embedded
