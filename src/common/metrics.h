// Self-metrics: counters and gauges registered once by name (with fixed labels) and exposed in the
// Prometheus text format at /metrics. Label values come only from weft's own code, never from
// request data, so cardinality is fixed at registration.
// Thread rule: registration and rendering are thread-safe (mutex); Counter/Gauge updates are
// lock-free atomics and may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace weft {

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class MetricsRegistry {
 public:
  // `labels` is a preformatted Prometheus label set such as `receiver="otlp_http",code="400"`
  // (or empty). Registering the same name+labels twice returns the same metric. Returned
  // references live as long as the registry.
  Counter& GetCounter(std::string_view name, std::string_view help, std::string_view labels = "");
  Gauge& GetGauge(std::string_view name, std::string_view help, std::string_view labels = "");
  // A gauge read at render time (e.g. bytes in flight owned by another object). The callback must
  // stay valid for the registry's lifetime.
  void AddCallbackGauge(std::string_view name, std::string_view help, std::string_view labels,
                        std::function<double()> read);

  // Prometheus text exposition format 0.0.4, metrics grouped by name.
  std::string RenderPrometheus() const;

  // The process-wide registry used by the server.
  static MetricsRegistry& Default();

 private:
  enum class Kind { kCounter, kGauge, kCallback };
  struct Entry {
    std::string name, help, labels;
    Kind kind;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::function<double()> read;
  };
  Entry& FindOrAdd(std::string_view name, std::string_view help, std::string_view labels, Kind kind)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft
