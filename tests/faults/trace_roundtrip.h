// Helpers of the fault tests: generated traces sent to a real `weft serve` over OTLP/HTTP and read
// back by id through the Tempo API (protobuf), compared span by span; Prometheus text lookups; a
// scratch data directory. Thread rule: free functions are thread-safe (each request owns its
// socket); a ScratchDir belongs to one test.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/ids.h"
#include "model/span_batch.h"

namespace weft::faults {

// One span as the checks see it: its id and a digest of what a store must keep exactly (parent,
// name, kind, status, times, attribute, event and link counts, service). Sorted, a trace's keys
// compare as a multiset: a missing, extra, duplicated or altered span makes them differ.
struct SpanKey {
  SpanId span_id;
  uint64_t digest = 0;
  friend bool operator==(const SpanKey&, const SpanKey&) = default;
  friend bool operator<(const SpanKey& a, const SpanKey& b) {
    return a.span_id.bytes() != b.span_id.bytes() ? a.span_id.bytes() < b.span_id.bytes()
                                                  : a.digest < b.digest;
  }
};

using TraceKeys = absl::flat_hash_map<TraceId, std::vector<SpanKey>, IdHash>;

// The sorted keys of every trace in `batch`.
TraceKeys KeysByTrace(const SpanBatch& batch);

// POSTs `batch` as OTLP protobuf to /v1/traces; returns the HTTP status (0: no answer).
int PostTraces(int otlp_http_port, const SpanBatch& batch, std::string* body = nullptr);

// GET /api/traces/<id> (protobuf) on the Tempo port.
struct FetchedTrace {
  int status = 0;             // 0: no answer
  std::vector<SpanKey> keys;  // sorted; when status is 200
  std::string error;          // the body of a non-200 answer, or why it could not be decoded
};
FetchedTrace FetchTrace(int tempo_port, const TraceId& trace_id);

// "" when `got` equals `expected` (both sorted); otherwise what differs, e.g.
// "3 spans missing, 1 duplicated (first: 00f067aa0ba902b7)".
std::string DiffKeys(const std::vector<SpanKey>& expected, const std::vector<SpanKey>& got);
// True when every key of `got` is in `expected`, at most as often.
bool IsSubset(const std::vector<SpanKey>& expected, const std::vector<SpanKey>& got);

// The sum of every sample of metric `name` (any labels) in Prometheus text, or -1 when absent.
double MetricSum(std::string_view prometheus_text, std::string_view name);

// A fresh directory under the test temp dir, removed with its contents at destruction (kept when
// the environment sets WEFT_KEEP_FAULT_DIRS, for post-mortems).
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace weft::faults
