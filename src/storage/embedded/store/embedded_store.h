// EmbeddedStore: weft's own storage engine (`--storage embedded`, data in ./weft-data) behind the
// SpanStore interface. A write is grouped by trace, encoded and appended to the WAL (group
// commit); once durable it joins the head (live traces in memory) and the caller is told OK. A
// background thread cuts idle or old traces from the head into immutable columnar blocks, then
// deletes the WAL segments the blocks made redundant, compacts small blocks of nearby time and
// applies retention. Reads see the head and every block; a block found corrupt is set aside and
// the rest still served. Compaction and retention run on a thread of their own at a lower CPU
// priority (nice 10), so they never hold up cutting. On open the WAL is replayed into the head (a
// torn tail is cut and reported). Layout: data_dir.h; formats: docs/format/wal.md,
// docs/format/block.md.
//
// A crash between writing a block and deleting the WAL segments it covers replays those spans
// again: reads drop exact duplicates (GetTrace, whole-trace Fetch results) and compaction drops
// them on disk, so nothing is lost and nothing appears twice.
// Thread rule: every method is thread-safe; WriteDone callbacks run on the WAL's writer thread
// (or inline when a write is refused at once).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/metrics.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/embedded/compaction/compaction_plan.h"
#include "storage/embedded/head/head.h"
#include "storage/embedded/retention/retention_plan.h"
#include "storage/embedded/wal/wal.h"
#include "storage/span_store.h"

namespace weft::storage::embedded {

// How batches become WAL payloads and back. The store does not know wire formats (the server
// passes OTLP protobuf: otlp/proto_codec.h).
struct WalCodec {
  std::function<std::string(const SpanBatch&)> encode;
  std::function<absl::StatusOr<std::unique_ptr<SpanBatch>>(std::string_view payload)> decode;
};

// The store's block options: row groups of 4096 spans (see EmbeddedStoreOptions::block).
inline BlockWriterOptions StoreBlockOptions() {
  BlockWriterOptions options;
  options.row_group_spans = 4096;
  return options;
}

struct EmbeddedStoreOptions {
  std::string dir = "weft-data";
  WalCodec codec;  // REQUIRED
  WalSyncMode wal_sync = WalSyncMode::kAlways;
  uint64_t wal_segment_bytes = uint64_t{64} << 20;
  HeadOptions head;
  // Blocks cut from the head and written by compaction (tenant set per block). Row groups of
  // 4096 spans: FindTrace decompresses a whole row group's chunks, and 4096 cuts its time by
  // ~38% against 8192 for ~3% more bytes (bench/block_bench).
  BlockWriterOptions block = StoreBlockOptions();
  // How often the background thread looks for traces to cut.
  uint64_t maintenance_interval_nanos = 1'000'000'000;
  // Merged blocks of 64 MiB or more are left alone: a span is rewritten about twice (small
  // blocks into ~16 MiB ones, those into ~256 MiB ones), not once per compaction pass.
  CompactionPolicy compaction = [] {
    CompactionPolicy policy;
    policy.max_input_bytes = uint64_t{64} << 20;
    return policy;
  }();
  BlockWriterOptions compacted_block = StoreBlockOptions();
  uint64_t compaction_interval_nanos = 10'000'000'000;
  RetentionPolicy retention;
  uint64_t retention_interval_nanos = 60'000'000'000;
  // False: no background thread; the caller drives CutDue / Flush (tests, tools).
  bool background = true;
  FileSystem* fs = nullptr;            // nullptr: PosixFileSystem()
  const Clock* clock = nullptr;        // nullptr: RealClock
  MetricsRegistry* metrics = nullptr;  // nullptr: a private registry
  // One line per noteworthy event (replay report, block set aside, cut failures). nullptr: none.
  std::function<void(std::string_view)> log;
};

struct EmbeddedStoreStats {
  HeadStats head;
  uint64_t blocks = 0;
  uint64_t block_bytes = 0;
  uint64_t cuts = 0;          // blocks written from the head
  uint64_t cut_failures = 0;  // cut attempts that failed (the traces stay in the head)
  uint64_t wal_segments_removed = 0;
  uint64_t compactions = 0;         // blocks written by compaction
  uint64_t duplicates_dropped = 0;  // exact duplicate spans compaction left out
  uint64_t blocks_deleted = 0;      // by retention
  WalReplayStats replay;            // what Open replayed
};

class EmbeddedStore final : public SpanStore {
 public:
  // Opens (creating if needed) the data directory, loads the blocks, replays the WAL into the
  // head and starts the background thread. Errors: I/O failures; a WAL written by a newer
  // version (FailedPrecondition).
  static absl::StatusOr<std::unique_ptr<EmbeddedStore>> Open(EmbeddedStoreOptions options);
  // Close()s.
  ~EmbeddedStore() override;

  void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch, WriteDone done) override;
  absl::StatusOr<std::unique_ptr<SpanBatch>> GetTrace(std::string_view tenant,
                                                      const TraceId& trace_id) override;
  absl::StatusOr<FetchResult> Fetch(const FetchRequest& request) override;
  absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant) override;
  absl::StatusOr<std::vector<OperationName>> Operations(std::string_view tenant,
                                                        std::string_view service) override;

  // Cuts the traces that are due into blocks (what the background thread does each interval).
  absl::Status CutDue();
  // Cuts every trace of the head into blocks now and deletes the WAL segments they covered.
  absl::Status Flush();
  // One compaction pass (what the background thread does each compaction interval): merges the
  // groups of blocks PlanCompaction chooses, per tenant.
  absl::Status Compact();
  // One retention pass: deletes the blocks PlanRetention chooses (and logs each with its reason).
  absl::Status ApplyRetention();
  // Stops the background thread, waits for in-flight writes, flushes the head into blocks and
  // closes the WAL (a failed flush leaves the spans in the WAL, for the next open), and releases
  // the directory. Idempotent; later writes fail with FailedPrecondition.
  absl::Status Close();

  EmbeddedStoreStats stats() const;
  const std::string& dir() const;

 private:
  class Impl;
  explicit EmbeddedStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace weft::storage::embedded
