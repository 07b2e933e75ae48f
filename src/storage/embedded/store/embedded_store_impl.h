// The embedded store's internals, shared by embedded_store.cc (writes, lifecycle, background
// work) and embedded_store_read.cc (reads). Not part of the interface: include embedded_store.h.
// Thread rule: as EmbeddedStore. Lock order: cut_mu_ before the block set's lock before the
// head's; writes_mu_ and background_mu_ are leaves.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/embedded/store/block_set.h"
#include "storage/embedded/store/embedded_store.h"

namespace weft::storage::embedded {

class EmbeddedStore::Impl {
 public:
  explicit Impl(EmbeddedStoreOptions options);

  // Loads blocks, opens and replays the WAL, starts the background thread.
  absl::Status Start();

  void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch, WriteDone done);
  absl::StatusOr<std::unique_ptr<SpanBatch>> GetTrace(std::string_view tenant,
                                                      const TraceId& trace_id);
  absl::StatusOr<FetchResult> Fetch(const FetchRequest& request);
  absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant);
  absl::StatusOr<std::vector<OperationName>> Operations(std::string_view tenant,
                                                        std::string_view service);

  // Cuts what is due (or everything) into one block per tenant, then drops redundant WAL
  // segments. Serialised by cut_mu_.
  absl::Status Cut(bool everything);
  absl::Status Compact();
  absl::Status ApplyRetention();
  absl::Status Close();
  EmbeddedStoreStats stats() const;
  const EmbeddedStoreOptions& options() const { return options_; }

 private:
  absl::Status Replay();
  absl::Status WriteCut(const HeadCut& cut) ABSL_EXCLUSIVE_LOCKS_REQUIRED(cut_mu_);
  absl::Status RemoveObsoleteWal();
  // A write in flight between its WAL append and joining the head pins its segment.
  uint64_t BeginWrite();
  void EndWrite(uint64_t segment);
  void WakeBackground();
  void BackgroundLoop();   // cuts
  void MaintenanceLoop();  // compaction and retention, at nice 10
  void Log(std::string_view line) const;
  // The path of a new block of `tenant` (its directory created), with a fresh sequence.
  absl::StatusOr<BlockFileRef> NewBlockFile(const std::string& tenant);
  // Compacts one planned group; a corrupt input is set aside.
  absl::Status CompactGroup(const BlockSnapshot& group);

  // Copies the trace's spans found in `block` into `out`; a corrupt block is set aside.
  void AppendFromBlock(const LiveBlock& block, const TraceId& trace_id, SpanBatch& out);
  // The summary (and, with `spans`, the spans) of a trace over the sources Fetch did not take it
  // from.
  void CompleteMatch(const FetchRequest& request, const BlockSnapshot& blocks,
                     const std::vector<bool>& contributed_blocks, bool head_contributed,
                     TraceMatch& match);

  const EmbeddedStoreOptions options_;
  RealClock real_clock_;
  MetricsRegistry own_metrics_;
  FileSystem& fs_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  Head head_;
  BlockSet blocks_;
  std::unique_ptr<FileLock> dir_lock_;  // DIR/LOCK: one process per data directory
  std::unique_ptr<Wal> wal_;
  WalReplayStats replay_;

  Counter& cuts_;
  Counter& cut_failures_;
  Counter& wal_removed_;
  Counter& refused_;
  Counter& compactions_;
  Counter& duplicates_dropped_;
  Counter& blocks_deleted_;

  absl::Mutex cut_mu_;
  absl::Mutex compaction_mu_;  // one compaction or retention pass at a time
  std::atomic<uint64_t> next_sequence_{1};

  absl::Mutex writes_mu_;
  std::map<uint64_t, uint64_t> in_flight_ ABSL_GUARDED_BY(writes_mu_);  // segment -> writes

  absl::Mutex background_mu_;
  bool wake_ ABSL_GUARDED_BY(background_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(background_mu_) = false;
  std::thread background_;
  std::thread maintenance_;
  std::atomic<bool> cancel_compaction_{false};  // set by Close

  absl::Mutex close_mu_;
  bool closed_ ABSL_GUARDED_BY(close_mu_) = false;
  absl::Status close_status_ ABSL_GUARDED_BY(close_mu_);
};

}  // namespace weft::storage::embedded
