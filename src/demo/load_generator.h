// The shop's load generator: POST /checkout requests to the frontend at a steady rate, with
// attributes drawn from a fixed mix (region, payment method, cart size) so that every behaviour of
// the shop shows up, and a progress line once per second (requests/s, errors, latency).
// Thread rule: Start/Stop/Wait/Summary from one controlling thread; the progress switch
// (SetProgress) from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shop_topology.h"

namespace weft::shop {

struct LoadOptions {
  Endpoint target = EndpointOf("frontend", kDefaultBasePort);
  double rate = 10;                       // requests per second
  std::chrono::milliseconds duration{0};  // 0: until stopped (or `requests`)
  int64_t requests = 0;                   // 0: no limit
  int concurrency = 64;                   // requests in flight at most
  bool progress = true;                   // the once-a-second line on stdout
};

struct LoadSummary {
  int64_t sent = 0;
  int64_t ok = 0;
  int64_t errors = 0;    // non-2xx answers
  int64_t failures = 0;  // no answer at all
  int64_t skipped = 0;   // not sent because `concurrency` requests were already in flight
  double seconds = 0;
};

class LoadGenerator {
 public:
  LoadGenerator() = default;
  ~LoadGenerator();  // Stop()s
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  void Start(const LoadOptions& options);
  // Blocks until the duration or request count is reached, or Stop.
  void Wait();
  // Stops sending, waits for requests in flight.
  void Stop();
  bool Done() const { return done_; }
  void SetProgress(bool on) { progress_ = on; }
  LoadSummary Summary() const;

 private:
  void Dispatch();
  void SendLoop();
  void Report();
  std::string ProgressLine();

  LoadOptions options_;
  std::chrono::steady_clock::time_point started_at_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<bool> progress_{true};

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable state_changed_;
  int64_t pending_ = 0;            // guarded by mutex_: tickets not yet taken by a worker
  int64_t in_flight_ = 0;          // guarded by mutex_
  bool dispatching_ = false;       // guarded by mutex_
  std::vector<double> window_ms_;  // guarded by mutex_: latencies since the last progress line

  std::atomic<int64_t> sent_{0}, ok_{0}, errors_{0}, failures_{0}, skipped_{0};
  int64_t last_sent_ = 0;  // Report thread only

  std::thread dispatcher_;
  std::thread reporter_;
  std::vector<std::thread> workers_;
};

}  // namespace weft::shop
