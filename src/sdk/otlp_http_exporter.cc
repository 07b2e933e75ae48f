// OTLP/HTTP protobuf exporter: records -> weft's own OTLP encoder -> POST over a keep-alive
// connection, gzip optional, retries with backoff + jitter honouring Retry-After, never retrying
// 400, response bodies read up to a cap. Also ParseEndpoint.
// Thread rule: Export is called by one processor thread at a time. With a listener (the batch
// processor), encoded bodies go to the exporter's own sender thread through a queue guarded by
// mutex_; Shutdown may come from another thread and interrupts a backoff sleep.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include <strings.h>

#include "common/random.h"
#include "http/gzip.h"
#include "http/keepalive_client.h"
#include "sdk/exporter_factories.h"
#include "sdk/otlp_endpoint.h"
#include "sdk/otlp_records.h"
#include "sdk/retry_policy.h"

namespace weft::sdk_otlp {

std::optional<Endpoint> ParseEndpoint(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.substr(0, kHttp.size()) != kHttp) return std::nullopt;
  url.remove_prefix(kHttp.size());
  const size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  Endpoint e;
  e.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  e.host_port = std::string(authority);
  if (!has_port) e.host_port += ":80";
  return e;
}

namespace {

using v1::detail::Deadline;
using v1::detail::ExportResult;
using v1::detail::SpanRecord;

class OtlpHttpExporter final : public v1::detail::ExporterImpl {
 public:
  OtlpHttpExporter(const v1::detail::OtlpConfig& config, Endpoint endpoint)
      : config_(config), endpoint_(std::move(endpoint)) {
    for (auto& c : clients_) c = std::make_unique<http::KeepAliveClient>(endpoint_.host_port);
    headers_ = config.headers;
    headers_.emplace_back("content-type",
                          config.json ? "application/json" : "application/x-protobuf");
    if (config.gzip) headers_.emplace_back("content-encoding", "gzip");
    headers_.emplace_back("user-agent", "weft-sdk-cpp/0.1.0");
  }

  ~OtlpHttpExporter() override { Shutdown(std::chrono::steady_clock::now()); }

  void SetListener(v1::detail::ExportListener* listener) override { listener_ = listener; }

  ExportResult Export(std::span<SpanRecord* const> records, Deadline deadline) override {
    if (shut_down_) return ExportResult::kFailure;
    deadline = std::min(deadline, std::chrono::steady_clock::now() + config_.timeout);
    Job job;
    job.spans = records.size();
    job.deadline = deadline;
    {
      std::lock_guard lock(mutex_);
      if (!free_bodies_.empty()) {
        job.body = std::move(free_bodies_.back());
        free_bodies_.pop_back();
      }
    }
    job.body.clear();
    EncodeRecords(records, job.body, config_.json);
    if (config_.gzip) job.body = http::Gzip(job.body, 1);
    if (listener_ == nullptr) {
      const bool ok = Send(*clients_[0], job.body, job.deadline);
      Recycle(std::move(job.body));
      return ok ? ExportResult::kSuccess : ExportResult::kFailure;
    }
    // Pipelined: the sender thread posts while the processor encodes the next batch.
    std::unique_lock lock(mutex_);
    if (senders_.empty()) {
      for (auto& client : clients_) {
        senders_.emplace_back([this, c = client.get()] { SendLoop(*c); });
      }
    }
    if (!cv_.wait_until(lock, deadline,
                        [&] { return queue_.size() < kMaxQueued || shut_down_.load(); }) ||
        shut_down_) {
      return ExportResult::kFailure;
    }
    queue_.push_back(std::move(job));
    cv_.notify_all();
    return ExportResult::kPending;
  }

  bool Flush(Deadline deadline) override {
    std::unique_lock lock(mutex_);
    return cv_.wait_until(lock, deadline, [&] { return queue_.empty() && sending_ == 0; });
  }

  void Shutdown(Deadline) override {
    {
      std::lock_guard lock(mutex_);
      shut_down_ = true;
    }
    cv_.notify_all();
    for (auto& t : senders_) t.join();
    senders_.clear();
  }

 private:
  struct Job {
    std::string body;
    size_t spans = 0;
    Deadline deadline;
  };
  // Bodies encoded ahead of those being sent, and requests in flight (one connection each):
  // two senders let the collector work on one batch while the other is on the wire.
  static constexpr size_t kMaxQueued = 1;
  static constexpr size_t kSenders = 2;

  void Recycle(std::string body) {
    std::lock_guard lock(mutex_);
    if (free_bodies_.size() < kSenders + kMaxQueued) free_bodies_.push_back(std::move(body));
  }

  void SendLoop(http::KeepAliveClient& client) {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return !queue_.empty() || shut_down_.load(); });
      if (queue_.empty()) return;  // shut down with nothing left
      Job job = std::move(queue_.front());
      queue_.pop_front();
      ++sending_;
      cv_.notify_all();  // room in the queue
      lock.unlock();
      const bool ok = !shut_down_ && Send(client, job.body, job.deadline);
      listener_->OnExportDone(job.spans, ok);
      Recycle(std::move(job.body));
      lock.lock();
      --sending_;
      cv_.notify_all();
    }
  }

  // POSTs `body`, retrying as retry_policy.h says, until `deadline`. Sender thread only (or the
  // Export caller when synchronous).
  bool Send(http::KeepAliveClient& client, std::string_view body, Deadline deadline) {
    for (int attempt = 0;; ++attempt) {
      http::KeepAliveRequest request;
      request.target = endpoint_.target;
      request.headers = &headers_;
      request.body = body;
      request.deadline = deadline;
      request.max_response_bytes = config_.max_response_bytes;
      const absl::StatusOr<http::ClientResponse> response = client.Send(request);
      std::optional<std::chrono::milliseconds> server_delay;
      if (response.ok()) {
        if (response->status >= 200 && response->status < 300) return true;
        if (!IsRetryableHttpStatus(response->status)) {
          Report("HTTP " + std::to_string(response->status) + " (not retried)");
          return false;
        }
        for (const auto& [name, value] : response->headers) {
          if (name.size() == 11 && strncasecmp(name.c_str(), "retry-after", 11) == 0) {
            server_delay = ParseRetryAfter(value, std::chrono::system_clock::now());
          }
        }
      } else if (absl::IsInvalidArgument(response.status()) ||
                 absl::IsResourceExhausted(response.status())) {
        // A bad endpoint, or a response over the cap: retrying cannot help.
        Report(response.status().ToString());
        return false;
      }
      if (attempt + 1 >= config_.max_attempts) {
        Report(response.ok() ? "HTTP " + std::to_string(response->status) + " after retries"
                             : response.status().ToString());
        return false;
      }
      const auto delay = server_delay.value_or(Backoff(
          attempt, config_.initial_backoff, config_.max_backoff, ThreadLocalRandom().Next()));
      if (std::chrono::steady_clock::now() + delay >= deadline) {
        Report(response.ok() ? "HTTP " + std::to_string(response->status) +
                                   ": retry would pass the export deadline"
                             : response.status().ToString());
        return false;
      }
      std::unique_lock lock(mutex_);
      if (cv_.wait_for(lock, delay, [&] { return shut_down_.load(); })) return false;
    }
  }

  // stderr, at most once per 10 s, so a dead collector does not flood the application's logs.
  void Report(const std::string& what) {
    std::lock_guard lock(report_mutex_);
    const auto now = std::chrono::steady_clock::now();
    ++failures_;
    if (now < next_report_) return;
    next_report_ = now + std::chrono::seconds(10);
    std::fprintf(stderr, "weft sdk: OTLP export to http://%s%s failed: %s (%llu failed batches)\n",
                 endpoint_.host_port.c_str(), endpoint_.target.c_str(), what.c_str(),
                 static_cast<unsigned long long>(failures_));
  }

  const v1::detail::OtlpConfig config_;
  const Endpoint endpoint_;
  std::vector<std::pair<std::string, std::string>> headers_;
  // One per sender thread; clients_[0] also serves synchronous exports (no sender threads then).
  std::unique_ptr<http::KeepAliveClient> clients_[kSenders];
  v1::detail::ExportListener* listener_ = nullptr;
  std::atomic<bool> shut_down_{false};
  std::mutex report_mutex_;
  uint64_t failures_ = 0;  // guarded by report_mutex_
  std::chrono::steady_clock::time_point next_report_{};

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  size_t sending_ = 0;
  std::vector<std::string> free_bodies_;
  std::vector<std::thread> senders_;
};

}  // namespace
}  // namespace weft::sdk_otlp

namespace weft {
inline namespace v1 {
namespace detail {

std::unique_ptr<ExporterImpl> MakeOtlpHttpExporter(const OtlpConfig& config) {
  std::optional<sdk_otlp::Endpoint> endpoint = sdk_otlp::ParseEndpoint(config.endpoint);
  if (!endpoint) {
    std::fprintf(stderr, "weft sdk: OTLP endpoint '%s' is not an http:// URL\n",
                 config.endpoint.c_str());
    return nullptr;
  }
  return std::make_unique<sdk_otlp::OtlpHttpExporter>(config, std::move(*endpoint));
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
