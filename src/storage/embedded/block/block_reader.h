// BlockReader: an open, immutable block file (docs/format/block.md). Open checks the magic and
// version at both ends and the checksums of the footer, meta section and bloom filter, and that
// the sections and chunks tile the file exactly (so every byte is covered by a check); a chunk's
// checksum is checked when the chunk is first read. Any mismatch is DataLoss naming the block
// (and the row group and column), never a crash or silently wrong data.
//
//   FindTrace: bloom filter -> sparse index (first/last trace id per row group) -> trace table of
//   the candidate row group -> decode that row group only.
//   Scan: prunes by the block's time range, dictionaries and statistics, then per row group by
//   its statistics, then evaluates the filter on the columns it names (row_group_filter.h), and
//   materializes only the newest `limit` matching traces.
//
// Thread rule: every method is const and thread-safe; share one reader per block.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/file_system.h"
#include "model/ids.h"
#include "model/span_batch.h"
#include "storage/embedded/block/block_file.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/span_fetcher.h"

namespace weft::storage::embedded {
namespace block {
class OutputBatch;
class RowGroupReader;
class SpanMaterializer;
struct TracePiece;
}  // namespace block

class BlockTraceCursor;

// Work done by a reader since it was opened (ReadCounters, as plain numbers).
struct BlockReadStats {
  uint64_t file_reads = 0;
  uint64_t bytes_read = 0;
  uint64_t chunks_decoded = 0;
  uint64_t row_groups_scanned = 0;
  uint64_t row_groups_pruned = 0;
  uint64_t blocks_pruned = 0;
  uint64_t bloom_negatives = 0;
  uint64_t interner_slots = 0;  // work of copying dictionary entries into results (not per entry)
};

class BlockReader {
 public:
  // Errors: NotFound for a missing file, DataLoss for a corrupt or truncated one,
  // FailedPrecondition for a format version this build cannot read.
  static absl::StatusOr<std::unique_ptr<BlockReader>> Open(FileSystem& fs, const std::string& path);

  const BlockInfo& info() const { return info_; }

  // False only when the block certainly holds no span of the trace (bloom filter): no I/O.
  bool MayContainTrace(const TraceId& trace_id) const;

  // Every span of the trace in this block (an empty batch when there is none), in the order the
  // writer was given them.
  absl::StatusOr<std::unique_ptr<SpanBatch>> FindTrace(const TraceId& trace_id) const;

  // The block's part of SpanFetcher::Fetch: its newest `limit` matching traces with their
  // summaries over this block's spans. The request's tenant is not checked (a block holds one
  // tenant: BlockInfo::tenant). InvalidArgument for a bad request or regex.
  absl::StatusOr<storage::FetchResult> Scan(const storage::FetchRequest& request) const;

  // Distinct non-empty service names, sorted.
  std::vector<std::string> Services() const;
  // Distinct (span name, kind) of `service`, sorted by name then kind.
  std::vector<storage::OperationName> Operations(std::string_view service) const;

  // Every trace of the block in ascending trace-id order, one row group in memory at a time
  // (compaction merges blocks with it). REQUIRES: the reader outlives the cursor.
  std::unique_ptr<BlockTraceCursor> NewTraceCursor() const;

  // Reads and decodes every chunk and rebuilds every span: OK, or the first DataLoss.
  absl::Status Verify() const;

  BlockReadStats stats() const;

  // Stored and decompressed bytes per column over all row groups, largest first: for
  // `weft store inspect` and for tuning encodings.
  struct ColumnSize {
    std::string column;
    uint64_t stored_bytes = 0;
    uint64_t raw_bytes = 0;
    uint64_t values = 0;
  };
  std::vector<ColumnSize> ColumnSizes() const;

 private:
  BlockReader() = default;
  // Appends the spans of `trace_id` in row group `row_group` (if any) to `out`.
  absl::Status AppendTraceFromRowGroup(const TraceId& trace_id, uint32_t row_group,
                                       block::OutputBatch& out) const;

  block::BlockFile file_;
  BlockInfo info_;
};

// Walks a block's traces in ascending trace-id order (BlockReader::NewTraceCursor).
// Thread rule: not thread-safe; one thread uses a cursor.
class BlockTraceCursor {
 public:
  explicit BlockTraceCursor(const block::BlockFile& block);
  ~BlockTraceCursor();

  // The next trace's id and every span of it in the block: true, or false after the last trace.
  absl::StatusOr<bool> Next(TraceId* trace_id, std::unique_ptr<SpanBatch>* spans);

 private:
  // Makes pieces_[piece_] the next piece, loading row groups as needed; false at the end.
  absl::StatusOr<bool> NextPiece();

  const block::BlockFile& block_;
  uint32_t next_row_group_ = 0;
  std::unique_ptr<block::RowGroupReader> rows_;
  std::unique_ptr<block::SpanMaterializer> materializer_;
  // Reused for every trace, so that what it has learnt (table sizes) is not paid for per trace.
  std::unique_ptr<block::OutputBatch> out_;
  const std::vector<block::TracePiece>* pieces_ = nullptr;
  size_t piece_ = 0;
};

}  // namespace weft::storage::embedded
