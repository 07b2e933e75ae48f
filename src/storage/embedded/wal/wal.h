// Wal: weft's write-ahead log. Records (tenant + opaque payload) are appended to numbered segment
// files with group commit: callers on many threads Append; one writer thread takes everything
// queued, writes it, makes it durable with ONE fdatasync, then reports to every caller. On start,
// Replay hands back every record of the segments that existed, cutting a torn tail. Format and
// recovery rules: docs/format/wal.md.
// Thread rule: every method is thread-safe. `done` callbacks run on the writer thread (or inline
// for immediate rejections) and must not block.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/metrics.h"
#include "storage/embedded/wal/wal_format.h"
#include "storage/embedded/wal/wal_reader.h"

namespace weft::storage::embedded {

enum class WalSyncMode {
  kAlways,    // done(OK) after the record's group is fdatasync'ed (default; nothing acked is lost)
  kInterval,  // done(OK) after write(2); fdatasync every sync_interval_ms (a crash loses <= that)
  kNever,     // done(OK) after write(2); the OS flushes when it likes (a crash may lose more)
};

// "always", "interval", "never" (the config's `wal.sync`).
absl::StatusOr<WalSyncMode> ParseWalSyncMode(std::string_view text);

struct WalOptions {
  std::string dir;  // created if missing
  WalSyncMode sync_mode = WalSyncMode::kAlways;
  uint64_t sync_interval_ms = 100;  // kInterval only
  // A segment is finished once the next record would take it past this size (a record larger
  // than this gets a segment of its own).
  uint64_t segment_bytes = uint64_t{64} << 20;
  // Framed bytes accepted but not yet written and reported. An Append that would exceed it fails
  // at once with Unavailable (unless nothing is queued: one record is always admitted).
  uint64_t max_queue_bytes = uint64_t{64} << 20;
  // zstd for payloads of at least this many bytes (0: off), on the appending thread.
  CompressionOptions compression = {.min_bytes = 1024, .level = 1};
  FileSystem* fs = nullptr;            // nullptr: PosixFileSystem()
  const Clock* clock = nullptr;        // nullptr: RealClock (interval syncs)
  MetricsRegistry* metrics = nullptr;  // nullptr: not exported (stats() still counts)
};

// Called exactly once per Append: OK once the record is as durable as the sync mode promises, or
// the reason it is not. Errors: Unavailable (queue full: retry later), ResourceExhausted (disk
// full: retry later), Internal (I/O error), InvalidArgument (too large), FailedPrecondition
// (closed). A record whose done reported an I/O error may still be found by Replay (at-least-once).
using WalDone = absl::AnyInvocable<void(absl::Status) &&>;

// Running totals since Open.
struct WalStats {
  uint64_t appends = 0;        // records written successfully
  uint64_t bytes = 0;          // framed bytes written (headers, tenants, stored payloads)
  uint64_t payload_bytes = 0;  // payload bytes accepted, before compression
  uint64_t groups = 0;         // writer passes that wrote at least one record
  uint64_t syncs = 0;          // fdatasync calls on segments
  uint64_t rejected = 0;       // appends refused because the queue was full
  uint64_t failed = 0;         // appends whose write or sync failed
  uint64_t io_errors = 0;      // failed writes, syncs and segment creations
  uint64_t segments_created = 0;
};

class Wal {
 public:
  // Creates `options.dir` if needed and starts the writer thread. New records go to a new segment
  // after every existing one; existing segments are left for Replay.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(WalOptions options);

  // Close()s.
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Queues one record; `done` reports the outcome (see WalDone). Records of one thread are
  // written in the order of its calls. REQUIRES: tenant.size() <= kMaxTenantBytes,
  // payload.size() <= kMaxPayloadBytes (else done(InvalidArgument)).
  void Append(std::string_view tenant, std::string_view payload, WalDone done);

  // Reads every record of the segments that existed at Open, oldest first, cutting a torn or
  // corrupt tail of the newest one (see ReadWal). Call before relying on Appends being replayed
  // in order; may run while Appends are in flight (they go to newer segments).
  absl::StatusOr<WalReplayStats> Replay(WalRecordCallback callback);

  // The segment new records go to. It only grows; a record appended after this call lands in this
  // segment or a later one. Checkpoints: read it before each Append and remember it with the
  // record's contents; once every record that remembered an id below S is in blocks,
  // RemoveSegmentsBefore(S) loses nothing.
  uint64_t CurrentSegment() const { return current_segment_.load(std::memory_order_acquire); }

  // Deletes segment files with ids < min(segment_id, CurrentSegment()) — after Close, with ids <
  // segment_id (so RemoveSegmentsBefore(UINT64_MAX) empties the WAL). Returns how many.
  absl::StatusOr<int> RemoveSegmentsBefore(uint64_t segment_id);

  // Stops accepting appends, writes and syncs what is queued (in every sync mode), reports to
  // every waiting `done`, and stops the writer thread. Returns the first error of the final sync
  // or close. Idempotent. REQUIRES: not called from a `done` (it waits for the writer thread).
  absl::Status Close();

  WalStats stats() const;
  const WalOptions& options() const { return options_; }

 private:
  struct Pending {
    std::string framed;
    WalDone done;
    uint64_t payload_bytes;
  };
  class Metrics;

  Wal(WalOptions options, uint64_t first_segment);
  bool WriterHasWork() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !queue_.empty() || closing_; }
  // Why an Append of `bytes` framed bytes (0: not framed yet) must be refused, or OK.
  absl::Status RefusalLocked(uint64_t bytes) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void WriterLoop();
  // Writes `group` (in order) and reports to every done.
  void WriteGroup(std::vector<Pending>& group);
  // Writer-thread helpers; see wal.cc.
  absl::Status OpenSegment();
  absl::Status WriteBytes(std::string_view bytes);
  absl::Status FlushGather();
  absl::Status SyncSegment();
  absl::Status FinishSegment();
  void RecoverAfterError(const absl::Status& error, uint64_t good_size, uint64_t good_records);
  void CloseSegmentAfterError(uint64_t good_records);
  void MaybeIntervalSync();

  const WalOptions options_;
  FileSystem& fs_;
  const Clock& clock_;
  const uint64_t first_segment_;  // segments before it existed at Open (Replay's)
  std::unique_ptr<Metrics> metrics_;
  std::atomic<uint64_t> current_segment_;

  mutable absl::Mutex mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t queue_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // queued plus being written
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status close_status_ ABSL_GUARDED_BY(mu_);
  absl::Mutex close_mu_;  // serialises Close() calls (joining the writer)

  // Owned by the writer thread (no lock).
  std::unique_ptr<WritableFile> file_;
  uint64_t segment_records_ = 0;  // records in file_
  bool unsynced_ = false;         // file_ has bytes not yet fdatasync'ed
  uint64_t last_sync_nanos_ = 0;
  std::string gather_;  // small records coalesced into one write

  std::thread writer_;
};

}  // namespace weft::storage::embedded
