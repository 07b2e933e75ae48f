// The embedded store's write path, lifecycle and background thread (see embedded_store.h);
// reads live in embedded_store_read.cc.
#include "storage/embedded/store/embedded_store.h"

#include <utility>

#include <algorithm>
#include <thread>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "storage/embedded/store/data_dir.h"
#include "storage/embedded/store/embedded_store_impl.h"
#include "storage/grouped_batch.h"

namespace weft::storage::embedded {

EmbeddedStore::Impl::Impl(EmbeddedStoreOptions options)
    : options_(std::move(options)),
      fs_(options_.fs != nullptr ? *options_.fs : PosixFileSystem()),
      clock_(options_.clock != nullptr ? *options_.clock : real_clock_),
      metrics_(options_.metrics != nullptr ? *options_.metrics : own_metrics_),
      head_(options_.head, clock_),
      blocks_(fs_, options_.dir, metrics_, [this](std::string_view line) { Log(line); }),
      cuts_(metrics_.GetCounter("weft_store_cuts_total", "Blocks cut from the head.")),
      cut_failures_(metrics_.GetCounter("weft_store_cut_failures_total",
                                        "Attempts to cut head traces into a block that failed.")),
      wal_removed_(metrics_.GetCounter("weft_store_wal_segments_removed_total",
                                       "WAL segments deleted once their spans were in blocks.")),
      refused_(metrics_.GetCounter("weft_store_writes_refused_total",
                                   "Writes refused because the head is full (cuts behind).")),
      compactions_(
          metrics_.GetCounter("weft_store_compactions_total", "Blocks written by compaction.")),
      duplicates_dropped_(metrics_.GetCounter(
          "weft_store_compaction_duplicates_dropped_total",
          "Exact duplicate spans compaction left out (retries, replays after a crash).")),
      blocks_deleted_(metrics_.GetCounter("weft_store_retention_deleted_blocks_total",
                                          "Blocks deleted by retention (age or size cap).")) {
  metrics_.AddCallbackGauge("weft_store_head_bytes", "Bytes of live traces held in the head.", "",
                            [this] { return static_cast<double>(head_.stats().bytes); });
  metrics_.AddCallbackGauge("weft_store_head_spans", "Spans held in the head.", "",
                            [this] { return static_cast<double>(head_.stats().spans); });
}

void EmbeddedStore::Impl::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

absl::Status EmbeddedStore::Impl::Start() {
  if (!options_.codec.encode || !options_.codec.decode) {
    return absl::InvalidArgumentError("embedded store: no WAL codec given");
  }
  if (absl::Status made = fs_.CreateDirs(BlocksDir(options_.dir)); !made.ok()) return made;
  absl::StatusOr<std::unique_ptr<FileLock>> lock = fs_.LockFile(options_.dir + "/LOCK");
  if (!lock.ok()) return lock.status();
  dir_lock_ = *std::move(lock);
  absl::StatusOr<uint64_t> max_sequence = blocks_.Load();
  if (!max_sequence.ok()) return max_sequence.status();
  next_sequence_ = *max_sequence + 1;

  WalOptions wal;
  wal.dir = WalDir(options_.dir);
  wal.sync_mode = options_.wal_sync;
  wal.segment_bytes = options_.wal_segment_bytes;
  wal.fs = &fs_;
  wal.clock = &clock_;
  wal.metrics = &metrics_;
  absl::StatusOr<std::unique_ptr<Wal>> opened = Wal::Open(std::move(wal));
  if (!opened.ok()) return opened.status();
  wal_ = *std::move(opened);

  if (absl::Status replayed = Replay(); !replayed.ok()) return replayed;
  if (options_.background) {
    background_ = std::thread([this] { BackgroundLoop(); });
    maintenance_ = std::thread([this] { MaintenanceLoop(); });
  }
  return absl::OkStatus();
}

absl::Status EmbeddedStore::Impl::Replay() {
  const uint64_t started = clock_.MonotonicNanos();
  uint64_t spans = 0;
  absl::Status cut_error;
  absl::StatusOr<WalReplayStats> stats = wal_->Replay([&](const WalRecord& record) {
    absl::StatusOr<std::unique_ptr<SpanBatch>> batch = options_.codec.decode(record.payload);
    if (!batch.ok()) {
      // A record that passed its checksum but does not decode was written by a bug, not torn
      // by a crash: report it and go on (its spans cannot be recovered).
      Log(absl::StrCat("wal: segment ", record.segment, " offset ", record.offset,
                       ": record does not decode (", batch.status().message(), "); skipped"));
      return absl::OkStatus();
    }
    if ((*batch)->empty()) return absl::OkStatus();
    spans += (*batch)->size();
    head_.Add(record.tenant, GroupBatch(*std::move(batch)), record.segment);
    // A WAL larger than the head: cut as we go (the oldest traces first).
    if (head_.OverBytes(1.0) && cut_error.ok()) cut_error = Cut(/*everything=*/false);
    return absl::OkStatus();
  });
  if (!stats.ok()) return stats.status();
  replay_ = *stats;
  for (const WalProblem& problem : stats->problems) {
    Log(absl::StrCat("wal: segment ", problem.segment, " offset ", problem.offset, ": ",
                     problem.reason, "; ", problem.dropped_bytes, " bytes ",
                     problem.repaired ? "cut off" : "skipped"));
  }
  if (stats->records > 0) {
    Log(absl::StrCat("wal: replayed ", stats->records, " records (", spans, " spans, ",
                     stats->file_bytes, " bytes) from ", stats->segments, " segments in ",
                     (clock_.MonotonicNanos() - started) / 1'000'000, " ms"));
  }
  if (!cut_error.ok()) Log(absl::StrCat("store: cut during replay failed: ", cut_error.message()));
  return absl::OkStatus();
}

void EmbeddedStore::Impl::Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch,
                                WriteDone done) {
  if (batch == nullptr || batch->empty()) {
    std::move(done)(absl::OkStatus());
    return;
  }
  if (head_.OverBytes(2.0)) {
    refused_.Increment();
    WakeBackground();
    std::move(done)(absl::UnavailableError(
        "the store's head is full (cutting traces into blocks is behind or failing)"));
    return;
  }
  std::shared_ptr<const GroupedBatch> grouped = GroupBatch(std::move(batch));
  const std::string payload = options_.codec.encode(*grouped->batch);
  // Registered before reading the segment: see RemoveObsoleteWal.
  const uint64_t segment = BeginWrite();
  wal_->Append(tenant, payload,
               [this, tenant = std::string(tenant), grouped = std::move(grouped), segment,
                done = std::move(done)](absl::Status status) mutable {
                 if (status.ok()) head_.Add(tenant, grouped, segment);
                 EndWrite(segment);
                 if (head_.OverBytes(1.0)) WakeBackground();
                 // Disk full is temporary from the client's side: 503 + Retry-After.
                 if (absl::IsResourceExhausted(status)) {
                   status = absl::UnavailableError(status.message());
                 }
                 std::move(done)(std::move(status));
               });
}

uint64_t EmbeddedStore::Impl::BeginWrite() {
  absl::MutexLock lock(&writes_mu_);
  const uint64_t segment = wal_->CurrentSegment();
  ++in_flight_[segment];
  return segment;
}

void EmbeddedStore::Impl::EndWrite(uint64_t segment) {
  absl::MutexLock lock(&writes_mu_);
  auto it = in_flight_.find(segment);
  if (--it->second == 0) in_flight_.erase(it);
}

absl::Status EmbeddedStore::Impl::RemoveObsoleteWal() {
  // In-flight writes first, then the head: a write leaves the in-flight set only after joining
  // the head, so no record can slip between the two reads.
  uint64_t keep = UINT64_MAX;
  {
    absl::MutexLock lock(&writes_mu_);
    if (!in_flight_.empty()) keep = in_flight_.begin()->first;
  }
  keep = std::min(keep, head_.MinWalSegment());
  absl::StatusOr<int> removed = wal_->RemoveSegmentsBefore(keep);
  if (!removed.ok()) return removed.status();
  wal_removed_.Increment(static_cast<uint64_t>(*removed));
  return absl::OkStatus();
}

absl::Status EmbeddedStore::Impl::Cut(bool everything) {
  absl::MutexLock cut_lock(&cut_mu_);
  const std::vector<HeadCut> cuts = head_.Due(everything);
  absl::Status first_error;
  for (const HeadCut& cut : cuts) {
    absl::Status written = WriteCut(cut);
    if (!written.ok()) {
      cut_failures_.Increment();
      if (first_error.ok()) first_error = written;
    }
  }
  if (!cuts.empty() && first_error.ok()) first_error = RemoveObsoleteWal();
  return first_error;
}

absl::Status EmbeddedStore::Impl::WriteCut(const HeadCut& cut) {
  absl::StatusOr<BlockFileRef> file = NewBlockFile(cut.tenant);
  if (!file.ok()) return file.status();
  BlockWriterOptions block_options = options_.block;
  block_options.tenant = cut.tenant;
  absl::StatusOr<std::unique_ptr<BlockWriter>> writer =
      BlockWriter::Create(fs_, file->path, block_options);
  if (!writer.ok()) return writer.status();
  std::vector<block::SpanRef> refs;
  for (const HeadTrace& trace : cut.traces) {
    refs.clear();
    for (const TraceSlice& slice : trace.slices) {
      for (const uint32_t index : slice.indexes()) refs.push_back({&slice.batch(), index});
    }
    if (absl::Status added = (*writer)->AddTrace(refs); !added.ok()) return added;
  }
  absl::StatusOr<BlockInfo> info = (*writer)->Finish();
  if (!info.ok()) return info.status();
  absl::StatusOr<std::unique_ptr<BlockReader>> reader = BlockReader::Open(fs_, file->path);
  if (!reader.ok()) return reader.status();
  blocks_.Add(LiveBlock{*std::move(file), std::shared_ptr<const BlockReader>(*std::move(reader))},
              [&] { head_.Remove(cut); });
  cuts_.Increment();
  return absl::OkStatus();
}

void EmbeddedStore::Impl::WakeBackground() {
  absl::MutexLock lock(&background_mu_);
  wake_ = true;
}

void EmbeddedStore::Impl::BackgroundLoop() {
  bool failing = false;
  while (true) {
    {
      absl::MutexLock lock(&background_mu_);
      auto woken = [this]()
                       ABSL_SHARED_LOCKS_REQUIRED(background_mu_) { return wake_ || stopping_; };
      background_mu_.AwaitWithTimeout(absl::Condition(&woken),
                                      absl::Nanoseconds(options_.maintenance_interval_nanos));
      if (stopping_) return;
      wake_ = false;
    }
    absl::Status cut = Cut(/*everything=*/false);
    if (!cut.ok() && !failing) {
      Log(absl::StrCat("store: cutting traces into a block failed (retrying every interval): ",
                       cut.message()));
    } else if (cut.ok() && failing) {
      Log("store: cutting traces into blocks works again");
    }
    failing = !cut.ok();
  }
}

void EmbeddedStore::Impl::MaintenanceLoop() {
  // Linux applies nice values per thread: only this one yields to ingest and cutting.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  uint64_t last_compaction = clock_.MonotonicNanos();
  uint64_t last_retention = 0;  // at start: old data may be waiting
  const uint64_t tick =
      std::min(options_.compaction_interval_nanos, options_.retention_interval_nanos);
  while (true) {
    {
      absl::MutexLock lock(&background_mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(background_mu_) { return stopping_; };
      background_mu_.AwaitWithTimeout(absl::Condition(&stopping), absl::Nanoseconds(tick));
      if (stopping_) return;
    }
    const uint64_t now = clock_.MonotonicNanos();
    if (now - last_compaction >= options_.compaction_interval_nanos) {
      last_compaction = now;
      if (absl::Status compacted = Compact(); !compacted.ok()) {
        Log(absl::StrCat("store: compaction failed: ", compacted.message()));
      }
    }
    if (last_retention == 0 || now - last_retention >= options_.retention_interval_nanos) {
      last_retention = now;
      if (absl::Status applied = ApplyRetention(); !applied.ok()) {
        Log(absl::StrCat("store: retention failed: ", applied.message()));
      }
    }
  }
}

absl::Status EmbeddedStore::Impl::Close() {
  absl::MutexLock close_lock(&close_mu_);
  if (closed_) return close_status_;
  closed_ = true;
  {
    absl::MutexLock lock(&background_mu_);
    stopping_ = true;
  }
  cancel_compaction_.store(true);
  if (background_.joinable()) background_.join();
  if (maintenance_.joinable()) maintenance_.join();
  // Stop taking writes and wait for those in flight (their callbacks add to the head).
  absl::Status wal_closed = wal_->Close();
  absl::Status flushed = Cut(/*everything=*/true);
  if (flushed.ok()) {
    absl::StatusOr<int> removed = wal_->RemoveSegmentsBefore(UINT64_MAX);
    if (!removed.ok()) flushed = removed.status();
  } else {
    Log(absl::StrCat("store: flushing the head at close failed (the WAL keeps its spans): ",
                     flushed.message()));
  }
  close_status_ = !wal_closed.ok() ? wal_closed : flushed;
  dir_lock_.reset();  // another process may open the directory now
  return close_status_;
}

EmbeddedStoreStats EmbeddedStore::Impl::stats() const {
  EmbeddedStoreStats stats;
  stats.head = head_.stats();
  stats.blocks = blocks_.blocks();
  stats.block_bytes = blocks_.bytes();
  stats.cuts = cuts_.value();
  stats.cut_failures = cut_failures_.value();
  stats.wal_segments_removed = wal_removed_.value();
  stats.compactions = compactions_.value();
  stats.duplicates_dropped = duplicates_dropped_.value();
  stats.blocks_deleted = blocks_deleted_.value();
  stats.replay = replay_;
  return stats;
}

// EmbeddedStore: forwards to Impl.

absl::StatusOr<std::unique_ptr<EmbeddedStore>> EmbeddedStore::Open(EmbeddedStoreOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (absl::Status started = impl->Start(); !started.ok()) return started;
  return std::unique_ptr<EmbeddedStore>(new EmbeddedStore(std::move(impl)));
}

EmbeddedStore::EmbeddedStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmbeddedStore::~EmbeddedStore() { impl_->Close().IgnoreError(); }

void EmbeddedStore::Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch,
                          WriteDone done) {
  impl_->Write(tenant, std::move(batch), std::move(done));
}
absl::StatusOr<std::unique_ptr<SpanBatch>> EmbeddedStore::GetTrace(std::string_view tenant,
                                                                   const TraceId& trace_id) {
  return impl_->GetTrace(tenant, trace_id);
}
absl::StatusOr<FetchResult> EmbeddedStore::Fetch(const FetchRequest& request) {
  return impl_->Fetch(request);
}
absl::StatusOr<std::vector<std::string>> EmbeddedStore::Services(std::string_view tenant) {
  return impl_->Services(tenant);
}
absl::StatusOr<std::vector<OperationName>> EmbeddedStore::Operations(std::string_view tenant,
                                                                     std::string_view service) {
  return impl_->Operations(tenant, service);
}
absl::Status EmbeddedStore::CutDue() { return impl_->Cut(/*everything=*/false); }
absl::Status EmbeddedStore::Flush() { return impl_->Cut(/*everything=*/true); }
absl::Status EmbeddedStore::Compact() { return impl_->Compact(); }
absl::Status EmbeddedStore::ApplyRetention() { return impl_->ApplyRetention(); }
absl::Status EmbeddedStore::Close() { return impl_->Close(); }
EmbeddedStoreStats EmbeddedStore::stats() const { return impl_->stats(); }
const std::string& EmbeddedStore::dir() const { return impl_->options().dir; }

}  // namespace weft::storage::embedded
