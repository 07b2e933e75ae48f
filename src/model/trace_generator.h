// TraceGenerator: deterministic, realistic synthetic traces for benchmarks, the load generator
// (`weft loadgen`) and tests. A seeded generator always produces the same traces for the same
// options (it never reads the clock or the OS entropy source).
//
// The shape imitates a small web shop: six services (frontend, checkout, cart, catalog, payment,
// users), each with its own resource and instrumentation scope, and about twenty operations. A
// trace is a call tree rooted at a frontend HTTP request: calls between services appear as a
// CLIENT span in the caller with a SERVER span of the callee as its child; database, cache and
// external calls are single CLIENT spans; some work is INTERNAL. Spans carry about ten attributes
// (strings, ints, bools, the odd double) in the OpenTelemetry semantic conventions' style
// (http.method, http.route, http.status_code, rpc.*, db.system, db.statement, net.peer.name,
// enduser.id, ...). Durations are lognormal with rare large outliers; a small share of spans fail
// (status ERROR, an "exception" event, and the calling CLIENT span fails too). Trace start times
// advance from `start_time_unix_nano` by exponentially distributed gaps.
//
// Thread rule: a TraceGenerator is not thread-safe; give each thread its own (with its own seed).
// Spans appended to a SpanBatch keep their strings in that batch's arena or in static storage, so
// the batch may outlive the generator.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/random.h"
#include "model/span_batch.h"

namespace weft {

struct TraceGeneratorOptions {
  // Start time of the first trace; later traces start later (see trace_interval_nanos).
  uint64_t start_time_unix_nano = 1'700'000'000'000'000'000ULL;
  // Mean gap between the start times of consecutive traces (exponentially distributed).
  uint64_t trace_interval_nanos = 1'000'000;  // 1 ms: ~1000 traces per simulated second
  // Spans per trace, uniformly distributed in [min, max]. REQUIRES: 1 <= min <= max.
  uint32_t min_spans_per_trace = 5;
  uint32_t max_spans_per_trace = 50;
  // Probability that a span fails on its own (the CLIENT span calling a failed SERVER span fails
  // too, so slightly more spans end up with status ERROR).
  double error_rate = 0.02;
  // Probability that a unit of work takes 10-50x its usual time (latency tail).
  double outlier_rate = 0.01;
};

class TraceGenerator {
 public:
  static constexpr size_t kServiceCount = 6;

  explicit TraceGenerator(uint64_t seed, const TraceGeneratorOptions& options = {});

  // Appends one whole trace to `out`, adding the resource and scope of each service it touches
  // the first time that service appears in `out`.
  void NextTrace(SpanBatch& out);

  // Appends whole traces until at least `min_spans` spans have been appended (a batch therefore
  // never splits a trace, and may exceed `min_spans` by up to one trace).
  void Fill(SpanBatch& out, size_t min_spans);

  // Appends whole traces holding exactly `spans` spans in total: trace sizes are drawn as usual
  // except the last one, which is cut to fit (and may then be below min_spans_per_trace).
  void FillExactly(SpanBatch& out, size_t spans);

  uint64_t traces_generated() const { return traces_generated_; }
  uint64_t spans_generated() const { return spans_generated_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // One span of the trace being built; children form a singly linked list in call order.
  struct Node {
    uint32_t op = 0;       // index into the operation table (trace_generator.cc)
    uint32_t service = 0;  // the service that emits the span
    uint32_t parent = kNone;
    uint32_t first_child = kNone;
    uint32_t last_child = kNone;
    uint32_t next_sibling = kNone;
    SpanKind kind = SpanKind::kInternal;
    bool remote_parent = false;  // SERVER half of a cross-service call
    bool error = false;
    bool error_propagated = false;  // failed because the SERVER span it called failed
    uint64_t start = 0;
    uint64_t end = 0;
    SpanId span_id;
  };
  struct ScopeCache {
    const SpanBatch* batch = nullptr;
    std::array<uint32_t, kServiceCount> scope_index{};
    std::array<bool, kServiceCount> present{};
  };

  double Uniform();                 // [0, 1)
  uint64_t UniformInt(uint64_t n);  // [0, n)
  double Normal();                  // standard normal
  uint64_t LogNormalNanos(double median_micros, double sigma);

  void AppendTrace(SpanBatch& out, uint32_t span_count);
  uint32_t DrawSpanCount();
  void BuildTree(uint32_t span_count);
  uint64_t Layout(uint32_t node, uint64_t start);
  uint32_t ScopeFor(SpanBatch& out, uint32_t service);
  void EmitSpans(SpanBatch& out);

  RandomGenerator rng_;
  TraceGeneratorOptions options_;
  uint64_t next_trace_start_;
  uint64_t traces_generated_ = 0;
  uint64_t spans_generated_ = 0;
  // Per-trace scratch, reused across traces.
  std::vector<Node> nodes_;
  std::vector<uint32_t> expandable_;
  uint64_t user_id_ = 0;
  TraceId previous_root_trace_;
  SpanId previous_root_span_;
  ScopeCache scope_cache_;
  std::array<uint64_t, kServiceCount> instance_ids_{};
};

}  // namespace weft
