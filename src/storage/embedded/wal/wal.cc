// Wal: group commit on one writer thread. The byte format is docs/format/wal.md.
//
// Life of a record: Append frames it (checksum, optional zstd) on the caller's thread, then queues
// it under mu_. The writer swaps the whole queue out, writes it (small records coalesced into
// ~1 MiB writes), fdatasyncs once (kAlways), and calls every done. While it writes and syncs, the
// next group accumulates: the busier the log, the more records share one fsync.
//
// After a failed write or sync, the bytes the group left behind are cut off again (truncate to the
// last good offset), so a partial record never sits in front of later ones. Disk full keeps the
// segment; any other error also rolls to a new segment, because after a failed fdatasync the state
// of the file's unsynced pages is unknowable.
#include "storage/embedded/wal/wal.h"

#include <utility>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"

namespace weft::storage::embedded {
namespace {

// Records smaller than this are copied into one buffer and written together.
constexpr size_t kGatherBytes = size_t{1} << 20;

}  // namespace

// Counters kept for stats() and, when a registry is given, exported as well.
class Wal::Metrics {
 public:
  struct Pair {
    Counter own;
    Counter* exported = nullptr;
    void Add(uint64_t n) {
      own.Increment(n);
      if (exported != nullptr) exported->Increment(n);
    }
  };

  explicit Metrics(MetricsRegistry* r) {
    if (r == nullptr) return;
    appends.exported = &r->GetCounter("weft_wal_records_total", "Records written to the WAL.");
    bytes.exported =
        &r->GetCounter("weft_wal_appended_bytes_total", "Framed bytes written to WAL segments.");
    payload_bytes.exported = &r->GetCounter("weft_wal_payload_bytes_total",
                                            "Payload bytes appended to the WAL, uncompressed.");
    groups.exported = &r->GetCounter("weft_wal_groups_total",
                                     "Group commits (records_total / groups_total = group size).");
    syncs.exported = &r->GetCounter("weft_wal_syncs_total", "fdatasync calls on WAL segments.");
    rejected.exported = &r->GetCounter("weft_wal_rejected_total",
                                       "Appends refused because the WAL queue was full.");
    failed.exported = &r->GetCounter("weft_wal_failed_records_total",
                                     "Appends answered with a write or sync error.");
    io_errors.exported = &r->GetCounter("weft_wal_io_errors_total",
                                        "Failed WAL writes, syncs and segment creations.");
    segments_created.exported =
        &r->GetCounter("weft_wal_segments_created_total", "WAL segment files created.");
    queue_bytes_exported =
        &r->GetGauge("weft_wal_queue_bytes", "Bytes queued for the WAL writer or being written.");
    last_group_exported =
        &r->GetGauge("weft_wal_last_group_records", "Records in the most recent group commit.");
  }

  void AddQueueBytes(int64_t d) {
    if (queue_bytes_exported != nullptr) queue_bytes_exported->Add(d);
  }
  void SetLastGroup(int64_t n) {
    if (last_group_exported != nullptr) last_group_exported->Set(n);
  }

  Pair appends, bytes, payload_bytes, groups, syncs, rejected, failed, io_errors, segments_created;

 private:
  Gauge* queue_bytes_exported = nullptr;
  Gauge* last_group_exported = nullptr;
};

absl::StatusOr<WalSyncMode> ParseWalSyncMode(std::string_view text) {
  if (text == "always") return WalSyncMode::kAlways;
  if (text == "interval") return WalSyncMode::kInterval;
  if (text == "never") return WalSyncMode::kNever;
  return absl::InvalidArgumentError(
      absl::StrCat("wal.sync must be always, interval or never, not '",
                   absl::string_view(text.data(), text.size()), "'"));
}

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(WalOptions options) {
  if (options.dir.empty()) return absl::InvalidArgumentError("WAL directory not set");
  if (options.segment_bytes <= kSegmentHeaderSize) {
    return absl::InvalidArgumentError("WAL segment size too small");
  }
  if (options.max_queue_bytes == 0) return absl::InvalidArgumentError("WAL queue size is 0");
  if (options.sync_mode == WalSyncMode::kInterval && options.sync_interval_ms == 0) {
    return absl::InvalidArgumentError("WAL sync interval is 0");
  }
  FileSystem& fs = options.fs != nullptr ? *options.fs : PosixFileSystem();
  WEFT_RETURN_IF_ERROR(fs.CreateDirs(options.dir));
  WEFT_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, ListWalSegments(fs, options.dir));
  const uint64_t first = ids.empty() ? 1 : ids.back() + 1;
  std::unique_ptr<Wal> wal(new Wal(std::move(options), first));
  wal->writer_ = std::thread(&Wal::WriterLoop, wal.get());
  return wal;
}

Wal::Wal(WalOptions options, uint64_t first_segment)
    : options_(std::move(options)),
      fs_(options_.fs != nullptr ? *options_.fs : PosixFileSystem()),
      clock_(options_.clock != nullptr ? *options_.clock : RealClock::Get()),
      first_segment_(first_segment),
      metrics_(std::make_unique<Metrics>(options_.metrics)),
      current_segment_(first_segment),
      last_sync_nanos_(clock_.MonotonicNanos()) {}

Wal::~Wal() { (void)Close(); }

void Wal::Append(std::string_view tenant, std::string_view payload, WalDone done) {
  if (tenant.size() > kMaxTenantBytes || payload.size() > kMaxPayloadBytes) {
    std::move(done)(
        absl::InvalidArgumentError(absl::StrCat("WAL record too large: tenant ", tenant.size(),
                                                " bytes, payload ", payload.size(), " bytes")));
    return;
  }
  // Refuses without framing when the answer is already known; checked again before queueing.
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    status = RefusalLocked(0);
  }
  if (status.ok()) {
    std::string framed = FrameRecord(tenant, payload, options_.compression);
    const uint64_t n = framed.size();
    absl::MutexLock lock(&mu_);
    status = RefusalLocked(n);
    if (status.ok()) {
      queue_bytes_ += n;
      metrics_->AddQueueBytes(static_cast<int64_t>(n));
      queue_.push_back(Pending{std::move(framed), std::move(done), payload.size()});
      return;
    }
  }
  if (absl::IsUnavailable(status)) metrics_->rejected.Add(1);
  std::move(done)(std::move(status));
}

absl::Status Wal::RefusalLocked(uint64_t bytes) const {
  if (closing_) return absl::FailedPreconditionError("WAL is closed");
  // One record is always admitted into an empty queue, however large: it could never fit else.
  const bool full = bytes == 0
                        ? queue_bytes_ >= options_.max_queue_bytes
                        : queue_bytes_ > 0 && queue_bytes_ + bytes > options_.max_queue_bytes;
  if (full) {
    return absl::UnavailableError(
        absl::StrCat("WAL queue full (", queue_bytes_, " bytes waiting); retry later"));
  }
  return absl::OkStatus();
}

void Wal::WriterLoop() {
  std::vector<Pending> group;
  for (;;) {
    bool stop = false;
    {
      absl::MutexLock lock(&mu_);
      const absl::Condition has_work(this, &Wal::WriterHasWork);
      if (options_.sync_mode == WalSyncMode::kInterval && unsynced_) {
        const uint64_t deadline = last_sync_nanos_ + options_.sync_interval_ms * 1'000'000;
        const uint64_t now = clock_.MonotonicNanos();
        if (now < deadline) {
          mu_.AwaitWithTimeout(has_work, absl::Nanoseconds(static_cast<int64_t>(deadline - now)));
        }
      } else {
        mu_.Await(has_work);
      }
      group.swap(queue_);
      stop = closing_ && group.empty();
    }
    if (!group.empty()) WriteGroup(group);
    group.clear();
    if (options_.sync_mode == WalSyncMode::kInterval) MaybeIntervalSync();
    if (stop) break;
  }
  absl::Status status;
  if (file_ != nullptr) {
    if (unsynced_) status = SyncSegment();
    absl::Status closed = file_->Close();
    if (status.ok()) status = closed;
    file_.reset();
  }
  absl::MutexLock lock(&mu_);
  close_status_ = status;
}

void Wal::WriteGroup(std::vector<Pending>& group) {
  std::vector<absl::Status> results(group.size());
  size_t reported = 0;  // results[0, reported) are set
  auto report = [&](size_t end, const absl::Status& s) {
    for (; reported < end; ++reported) results[reported] = s;
  };
  // Where this segment's part of the group starts: cut back to here on error.
  uint64_t good_size = file_ != nullptr ? file_->Size() : 0;
  uint64_t good_records = segment_records_;

  absl::Status status;
  for (size_t i = 0; i < group.size(); ++i) {
    const std::string& record = group[i].framed;
    if (file_ != nullptr && segment_records_ > 0 &&
        file_->Size() + gather_.size() + record.size() > options_.segment_bytes) {
      status = FlushGather();
      if (status.ok()) status = FinishSegment();
      if (!status.ok()) break;
      report(i, absl::OkStatus());  // durable as the mode promises: FinishSegment synced
    }
    if (file_ == nullptr) {
      status = OpenSegment();
      if (!status.ok()) break;
      good_size = file_->Size();
      good_records = 0;
    }
    status = WriteBytes(record);
    if (!status.ok()) break;
    ++segment_records_;
  }
  if (status.ok()) status = FlushGather();
  if (status.ok() && options_.sync_mode == WalSyncMode::kAlways) status = SyncSegment();
  if (!status.ok()) RecoverAfterError(status, good_size, good_records);
  report(group.size(), status);

  uint64_t total = 0, ok = 0, ok_bytes = 0, payload = 0;
  for (size_t i = 0; i < group.size(); ++i) {
    total += group[i].framed.size();
    if (results[i].ok()) {
      ++ok;
      ok_bytes += group[i].framed.size();
      payload += group[i].payload_bytes;
    }
  }
  metrics_->groups.Add(1);
  metrics_->appends.Add(ok);
  metrics_->bytes.Add(ok_bytes);
  metrics_->payload_bytes.Add(payload);
  metrics_->failed.Add(group.size() - ok);
  metrics_->SetLastGroup(static_cast<int64_t>(group.size()));
  {
    // Room is given back before the dones run, so a done that retries finds it.
    absl::MutexLock lock(&mu_);
    queue_bytes_ -= total;
    metrics_->AddQueueBytes(-static_cast<int64_t>(total));
  }
  for (size_t i = 0; i < group.size(); ++i) std::move(group[i].done)(std::move(results[i]));
}

absl::Status Wal::OpenSegment() {
  const uint64_t id = current_segment_.load(std::memory_order_relaxed);
  const std::string path = options_.dir + "/" + SegmentFileName(id);
  auto file = fs_.NewWritableFile(path);
  if (!file.ok()) {
    metrics_->io_errors.Add(1);
    return file.status();
  }
  absl::Status status = (*file)->Append(EncodeSegmentHeader(id));
  // The name must be durable before any record in the file is acknowledged.
  if (status.ok() && options_.sync_mode != WalSyncMode::kNever) status = fs_.SyncDir(options_.dir);
  if (!status.ok()) {
    metrics_->io_errors.Add(1);
    (void)(*file)->Close();
    (void)fs_.Remove(path);  // no record in it; creating it again truncates it anyway
    return status;
  }
  file_ = *std::move(file);
  segment_records_ = 0;
  unsynced_ = true;
  metrics_->segments_created.Add(1);
  return absl::OkStatus();
}

absl::Status Wal::WriteBytes(std::string_view bytes) {
  unsynced_ = true;
  if (bytes.size() >= kGatherBytes) {
    WEFT_RETURN_IF_ERROR(FlushGather());
    absl::Status s = file_->Append(bytes);
    if (!s.ok()) metrics_->io_errors.Add(1);
    return s;
  }
  if (gather_.size() + bytes.size() > kGatherBytes) WEFT_RETURN_IF_ERROR(FlushGather());
  gather_.append(bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::Status Wal::FlushGather() {
  if (gather_.empty()) return absl::OkStatus();
  absl::Status s = file_->Append(gather_);
  gather_.clear();
  if (!s.ok()) metrics_->io_errors.Add(1);
  return s;
}

absl::Status Wal::SyncSegment() {
  metrics_->syncs.Add(1);
  absl::Status s = file_->Sync();
  if (!s.ok()) {
    metrics_->io_errors.Add(1);
    return s;
  }
  unsynced_ = false;
  last_sync_nanos_ = clock_.MonotonicNanos();
  return absl::OkStatus();
}

absl::Status Wal::FinishSegment() {
  if (unsynced_ && options_.sync_mode != WalSyncMode::kNever) WEFT_RETURN_IF_ERROR(SyncSegment());
  // A close error after a successful sync loses nothing: ignore it.
  (void)file_->Close();
  file_.reset();
  unsynced_ = false;
  current_segment_.fetch_add(1, std::memory_order_release);
  return absl::OkStatus();
}

void Wal::RecoverAfterError(const absl::Status& error, uint64_t good_size, uint64_t good_records) {
  gather_.clear();
  if (file_ == nullptr) return;
  const bool cut = file_->Truncate(good_size).ok();
  segment_records_ = good_records;
  if (!cut || !absl::IsResourceExhausted(error)) CloseSegmentAfterError(good_records);
}

void Wal::CloseSegmentAfterError(uint64_t good_records) {
  // Records acknowledged without a sync (interval, never) get one more chance to reach the disk.
  if (unsynced_ && good_records > 0 && options_.sync_mode != WalSyncMode::kAlways) {
    (void)file_->Sync();
  }
  (void)file_->Close();
  file_.reset();
  unsynced_ = false;
  const uint64_t id = current_segment_.load(std::memory_order_relaxed);
  if (good_records == 0) {
    // Only a header: reuse the id (creating the file again truncates it).
    (void)fs_.Remove(options_.dir + "/" + SegmentFileName(id));
  } else {
    current_segment_.fetch_add(1, std::memory_order_release);
  }
}

void Wal::MaybeIntervalSync() {
  if (file_ == nullptr || !unsynced_) return;
  const uint64_t now = clock_.MonotonicNanos();
  if (now - last_sync_nanos_ < options_.sync_interval_ms * 1'000'000) return;
  absl::Status s = SyncSegment();
  // The records were acknowledged already; what an unknowable file still holds stays where it
  // is, and new records go to a fresh segment.
  if (!s.ok()) CloseSegmentAfterError(segment_records_);
}

absl::StatusOr<WalReplayStats> Wal::Replay(WalRecordCallback callback) {
  return ReadWal(fs_, options_.dir, WalReadOptions{first_segment_, /*repair=*/true}, callback);
}

absl::StatusOr<int> Wal::RemoveSegmentsBefore(uint64_t segment_id) {
  bool closed = false;
  {
    absl::MutexLock lock(&mu_);
    closed = closing_;
  }
  // Once closed, the current segment takes no more records and may go too.
  const uint64_t limit = closed ? segment_id : std::min(segment_id, CurrentSegment());
  WEFT_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, ListWalSegments(fs_, options_.dir));
  int removed = 0;
  for (uint64_t id : ids) {
    if (id >= limit) break;
    WEFT_RETURN_IF_ERROR(fs_.Remove(options_.dir + "/" + SegmentFileName(id)));
    ++removed;
  }
  if (removed > 0) WEFT_RETURN_IF_ERROR(fs_.SyncDir(options_.dir));
  return removed;
}

absl::Status Wal::Close() {
  absl::MutexLock close_lock(&close_mu_);
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  if (writer_.joinable()) writer_.join();
  absl::MutexLock lock(&mu_);
  return close_status_;
}

WalStats Wal::stats() const {
  WalStats s;
  s.appends = metrics_->appends.own.value();
  s.bytes = metrics_->bytes.own.value();
  s.payload_bytes = metrics_->payload_bytes.own.value();
  s.groups = metrics_->groups.own.value();
  s.syncs = metrics_->syncs.own.value();
  s.rejected = metrics_->rejected.own.value();
  s.failed = metrics_->failed.own.value();
  s.io_errors = metrics_->io_errors.own.value();
  s.segments_created = metrics_->segments_created.own.value();
  return s;
}

}  // namespace weft::storage::embedded
