// Batch and simple processors (batch_processor.h).
// Thread rule: application threads touch only the ring and atomics; the export thread owns
// `batch_` and the exporter; mutex_ guards the flags the export thread waits on.
#include "sdk/batch_processor.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "sdk/fast_clock.h"
#include "sdk/mpsc_ring.h"

namespace weft {
inline namespace v1 {
namespace detail {
namespace {

using SteadyClock = std::chrono::steady_clock;

class BatchProcessor final : public ProcessorImpl, public ExportListener {
 public:
  BatchProcessor(std::unique_ptr<ExporterImpl> exporter, const BatchConfig& config)
      : config_(Sanitize(config)),
        exporter_(std::move(exporter)),
        ring_(config_.max_queue_size),
        thread_([this] { Run(); }) {
    exporter_->SetListener(this);
  }

  ~BatchProcessor() override { Shutdown(SteadyClock::now() + std::chrono::seconds(5)); }

  void OnEnd(SpanRecord* record) override {
    size_t ticket;
    if (stopping_.load(std::memory_order_relaxed) || !ring_.TryPush(record, ticket)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      ReleaseHold(record);
      return;
    }
    // Every max_export_batch_size-th span wakes the export thread (unless a wake-up is already
    // pending): no shared counter is read on the way.
    if ((ticket + 1) % config_.max_export_batch_size == 0 &&
        !wake_.load(std::memory_order_relaxed) && !wake_.exchange(true)) {
      std::lock_guard lock(mutex_);
      cv_.notify_one();
    }
  }

  bool ForceFlush(Deadline deadline) override {
    {
      std::unique_lock lock(mutex_);
      if (exited_) return ring_.SizeApprox() == 0;
      const uint64_t generation = ++flush_requested_;
      cv_.notify_one();
      if (!done_cv_.wait_until(lock, deadline,
                               [&] { return flush_done_ >= generation || exited_; })) {
        return false;
      }
    }
    return exporter_->Flush(deadline);  // batches the exporter is still sending
  }

  void OnExportDone(size_t spans, bool ok) override {
    (ok ? exported_ : dropped_).fetch_add(spans, std::memory_order_relaxed);
  }

  bool Shutdown(Deadline deadline) override {
    {
      std::unique_lock lock(mutex_);
      if (!thread_.joinable()) return true;
      stop_deadline_ = deadline;
      stop_ = true;
      stopping_.store(true, std::memory_order_relaxed);
      cv_.notify_one();
      done_cv_.wait_until(lock, deadline, [&] { return exited_; });
    }
    // Exports started after stop_ are bounded by stop_deadline_; one already running is told to
    // give up (Shutdown may run concurrently with Export), so the join is short.
    exporter_->Flush(deadline);
    exporter_->Shutdown(deadline);
    thread_.join();
    // Anything still queued (pushed during shutdown) is dropped.
    while (SpanRecord* r = ring_.TryPop()) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      ReleaseHold(r);
    }
    std::lock_guard lock(mutex_);
    return exited_clean_;
  }

  ProcessorCounters Counters() const override {
    return {dropped_.load(std::memory_order_relaxed), exported_.load(std::memory_order_relaxed)};
  }

 private:
  static BatchConfig Sanitize(BatchConfig c) {
    c.max_queue_size = std::max<uint32_t>(c.max_queue_size, 2);
    c.max_export_batch_size = std::clamp<uint32_t>(c.max_export_batch_size, 1, c.max_queue_size);
    if (c.schedule_delay.count() <= 0) c.schedule_delay = std::chrono::milliseconds(1);
    if (c.export_timeout.count() <= 0) c.export_timeout = std::chrono::milliseconds(30000);
    return c;
  }

  // Pops up to one batch and exports it; returns how many were popped.
  size_t ExportOneBatch() {
    batch_.clear();
    while (batch_.size() < config_.max_export_batch_size) {
      SpanRecord* r = ring_.TryPop();
      if (r == nullptr) break;
      batch_.push_back(r);
    }
    if (batch_.empty()) return 0;
    Deadline deadline = SteadyClock::now() + config_.export_timeout;
    {
      std::lock_guard lock(mutex_);
      if (stop_) deadline = std::min(deadline, stop_deadline_);
    }
    switch (exporter_->Export(batch_, deadline)) {
      case ExportResult::kSuccess:
        exported_.fetch_add(batch_.size(), std::memory_order_relaxed);
        break;
      case ExportResult::kFailure:
        dropped_.fetch_add(batch_.size(), std::memory_order_relaxed);
        break;
      case ExportResult::kPending:
        break;  // counted in OnExportDone
    }
    for (SpanRecord* r : batch_) ReleaseHold(r);
    return batch_.size();
  }

  void Run() {
    batch_.reserve(config_.max_export_batch_size);
    auto next_export = SteadyClock::now() + config_.schedule_delay;
    auto next_calibration = SteadyClock::now() + std::chrono::seconds(1);
    for (;;) {
      uint64_t flush_generation = 0;
      bool flush = false;
      bool stop = false;
      {
        std::unique_lock lock(mutex_);
        cv_.wait_until(lock, next_export, [&] {
          return stop_ || flush_requested_ > flush_done_ || wake_.load(std::memory_order_relaxed);
        });
        flush_generation = flush_requested_;
        flush = flush_requested_ > flush_done_;
        stop = stop_;
      }
      wake_.store(false, std::memory_order_relaxed);
      const bool drain_all = stop || flush;
      // Full batches always go; a partial one when the delay passed, or flushing/stopping.
      while (ring_.SizeApprox() >= config_.max_export_batch_size) {
        if (ExportOneBatch() == 0) break;
      }
      if (drain_all || SteadyClock::now() >= next_export) {
        while (ExportOneBatch() > 0) {
        }
        next_export = SteadyClock::now() + config_.schedule_delay;
      }
      if (SteadyClock::now() >= next_calibration) {
        RecalibrateClock();
        next_calibration = SteadyClock::now() + std::chrono::seconds(1);
      }
      std::lock_guard lock(mutex_);
      if (flush_generation > flush_done_) {
        flush_done_ = flush_generation;
        done_cv_.notify_all();
      }
      if (stop) {
        exited_ = true;
        exited_clean_ = ring_.SizeApprox() == 0;
        done_cv_.notify_all();
        return;
      }
    }
  }

  const BatchConfig config_;
  std::unique_ptr<ExporterImpl> exporter_;
  MpscRing<SpanRecord> ring_;
  std::atomic<bool> wake_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> exported_{0};
  std::vector<SpanRecord*> batch_;  // export thread only

  std::mutex mutex_;
  std::condition_variable cv_;       // wakes the export thread
  std::condition_variable done_cv_;  // wakes flush/shutdown waiters
  uint64_t flush_requested_ = 0;
  uint64_t flush_done_ = 0;
  bool stop_ = false;
  Deadline stop_deadline_{};
  bool exited_ = false;
  bool exited_clean_ = false;

  std::thread thread_;  // last: starts after every member above is built
};

class SimpleProcessor final : public ProcessorImpl {
 public:
  explicit SimpleProcessor(std::unique_ptr<ExporterImpl> exporter)
      : exporter_(std::move(exporter)) {}

  void OnEnd(SpanRecord* record) override {
    {
      std::lock_guard lock(mutex_);
      SpanRecord* one[1] = {record};
      if (!shut_down_ && exporter_->Export(one, SteadyClock::now() + std::chrono::seconds(10)) ==
                             ExportResult::kSuccess) {
        ++exported_;
      } else {
        ++dropped_;
      }
    }
    ReleaseHold(record);
  }
  bool ForceFlush(Deadline) override { return true; }
  bool Shutdown(Deadline deadline) override {
    std::lock_guard lock(mutex_);
    if (!shut_down_) exporter_->Shutdown(deadline);
    shut_down_ = true;
    return true;
  }
  ProcessorCounters Counters() const override {
    std::lock_guard lock(mutex_);
    return {dropped_, exported_};
  }

 private:
  std::unique_ptr<ExporterImpl> exporter_;
  mutable std::mutex mutex_;
  bool shut_down_ = false;
  uint64_t dropped_ = 0;
  uint64_t exported_ = 0;
};

}  // namespace

std::unique_ptr<ProcessorImpl> MakeBatchProcessor(std::unique_ptr<ExporterImpl> exporter,
                                                  const BatchConfig& config) {
  return std::make_unique<BatchProcessor>(std::move(exporter), config);
}

std::unique_ptr<ProcessorImpl> MakeSimpleProcessor(std::unique_ptr<ExporterImpl> exporter) {
  return std::make_unique<SimpleProcessor>(std::move(exporter));
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
