// The shop's load generator (see load_generator.h).
// Thread rule: see the header. One dispatcher thread hands out tickets at the rate, `concurrency`
// workers send them, one reporter thread prints the progress line.
#include "load_generator.h"

#include <algorithm>
#include <cstdio>

#include <unistd.h>

#include "query_params.h"
#include "shop_http_client.h"
#include "shop_random.h"

namespace weft::shop {
namespace {

// The request mix. Which behaviour a request meets follows from these attributes.
std::string NextCheckoutTarget() {
  const int region_draw = RandomInt(1, 100);
  const char* region = region_draw <= 45 ? "eu-west" : region_draw <= 75 ? "us-east" : "ap-south";
  const int payment_draw = RandomInt(1, 100);
  const char* payment = payment_draw <= 60 ? "card" : payment_draw <= 85 ? "paypal" : "giftcard";
  const int items = Chance(0.15) ? RandomInt(9, 14) : RandomInt(1, 6);
  return MakeTarget("/checkout", QueryParams()
                                     .Set("user", "u" + std::to_string(RandomInt(1000, 1999)))
                                     .Set("region", region)
                                     .Set("payment", payment)
                                     .Set("items", items));
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
}

}  // namespace

LoadGenerator::~LoadGenerator() { Stop(); }

void LoadGenerator::Start(const LoadOptions& options) {
  options_ = options;
  options_.rate = std::max(options_.rate, 0.1);
  options_.concurrency = std::max(options_.concurrency, 1);
  progress_ = options_.progress;
  started_at_ = std::chrono::steady_clock::now();
  dispatching_ = true;
  for (int i = 0; i < options_.concurrency; ++i) workers_.emplace_back([this] { SendLoop(); });
  dispatcher_ = std::thread([this] { Dispatch(); });
  reporter_ = std::thread([this] { Report(); });
}

void LoadGenerator::Dispatch() {
  std::unique_lock lock(mutex_);
  for (int64_t i = 0; !stop_; ++i) {
    if (options_.requests > 0 && i >= options_.requests) break;
    const auto due =
        started_at_ + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / options_.rate));
    if (options_.duration.count() > 0 && due >= started_at_ + options_.duration) break;
    if (state_changed_.wait_until(lock, due, [this] { return stop_.load(); })) break;
    if (pending_ + in_flight_ >= options_.concurrency) {
      ++skipped_;
      continue;
    }
    ++pending_;
    work_ready_.notify_one();
  }
  dispatching_ = false;
  work_ready_.notify_all();
  state_changed_.wait(lock, [this] { return pending_ == 0 && in_flight_ == 0; });
  done_ = true;
  state_changed_.notify_all();
}

void LoadGenerator::SendLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [this] { return pending_ > 0 || !dispatching_; });
    if (pending_ == 0) return;
    --pending_;
    ++in_flight_;
    lock.unlock();
    const std::string target = NextCheckoutTarget();
    const auto begin = std::chrono::steady_clock::now();
    const CallResult result =
        PlainCall(options_.target, http::verb::post, target, {}, std::chrono::seconds(15));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    ++sent_;
    if (result.ok()) {
      ++ok_;
    } else if (result.status == 0) {
      ++failures_;
    } else {
      ++errors_;
    }
    lock.lock();
    --in_flight_;
    window_ms_.push_back(ms);
    state_changed_.notify_all();
  }
}

std::string LoadGenerator::ProgressLine() {
  std::vector<double> window;
  int64_t in_flight = 0;
  {
    std::lock_guard lock(mutex_);
    window.swap(window_ms_);
    in_flight = in_flight_;
  }
  const int64_t sent = sent_;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  char line[256];
  std::snprintf(line, sizeof(line),
                "load %5.0fs  sent %6lld  %5.1f req/s  errors %4lld  no answer %3lld  "
                "p50 %5.0f ms  p95 %5.0f ms  in flight %3lld",
                seconds, static_cast<long long>(sent), static_cast<double>(sent - last_sent_),
                static_cast<long long>(errors_.load()), static_cast<long long>(failures_.load()),
                Percentile(window, 0.50), Percentile(window, 0.95),
                static_cast<long long>(in_flight));
  last_sent_ = sent;
  return line;
}

void LoadGenerator::Report() {
  const bool tty = isatty(STDOUT_FILENO) != 0;
  auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  std::unique_lock lock(mutex_);
  while (!done_ && !stop_) {
    state_changed_.wait_until(lock, next, [this] { return done_ || stop_; });
    if (std::chrono::steady_clock::now() < next) continue;
    next += std::chrono::seconds(1);
    lock.unlock();
    const std::string line = ProgressLine();
    if (progress_) {
      std::printf(tty ? "\r%s\033[K" : "%s\n", line.c_str());
      std::fflush(stdout);
    }
    lock.lock();
  }
  if (tty && progress_) std::printf("\n");
}

void LoadGenerator::Wait() {
  std::unique_lock lock(mutex_);
  state_changed_.wait(lock, [this] { return done_ || stop_; });
}

void LoadGenerator::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  state_changed_.notify_all();
  work_ready_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  if (reporter_.joinable()) reporter_.join();
}

LoadSummary LoadGenerator::Summary() const {
  return LoadSummary{
      .sent = sent_,
      .ok = ok_,
      .errors = errors_,
      .failures = failures_,
      .skipped = skipped_,
      .seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count()};
}

}  // namespace weft::shop
