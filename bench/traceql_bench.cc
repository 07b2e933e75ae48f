// TraceQL search through query::SearchTraces (the path behind Tempo's /api/search, the native
// search and `weft search`) over the embedded store at the query issue's scale:
// TRACEQL_BENCH_TRACES (default 1 million) traces of 5-15 spans (~10 million spans; TraceGenerator:
// six services, ~10 attributes a span) spread over one hour, cut into blocks of ~1 million spans.
//
//   BM_StatusCodeAndDuration: `{ span.http.status_code = 500 && duration > 1s }`, newest 20 —
//     one filter, pushed down whole into the store's scan.
//   BM_FrontendAncestorOfError: `{ resource.service.name = "frontend" } >> { status = error }`,
//     newest 20 — candidates fetched with the filters pushed down, assembled and evaluated.
//   BM_FrontendAncestorOfErrorLimit1000: the same, newest 1000: assembly and evaluation dominate,
//     so its traces/s is the evaluator's rate.
//   BM_CountPipeline: `{ status = error } | count() > 2`, newest 20 — a pipeline over candidates.
//
// Reported: p50 / p99 latency (ms) and the store's inspected spans per second (one thread, so per
// core). Run: build/bench/traceql_bench; WEFT_BENCH_DIR chooses the directory (default /tmp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "benchmark/benchmark.h"
#include "model/trace_generator.h"
#include "otlp/batch_payload.h"
#include "query/search/trace_search.h"
#include "storage/embedded/store/embedded_store.h"

namespace {

using weft::SpanBatch;
using weft::storage::embedded::EmbeddedStore;

constexpr uint64_t kHourNanos = 3600ULL * 1'000'000'000;
constexpr uint64_t kStart = 1'700'000'000'000'000'000ULL;
constexpr std::string_view kTenant = "single-tenant";

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

struct DataSet {
  std::unique_ptr<EmbeddedStore> store;
  uint64_t traces = 0;
  uint64_t spans = 0;
};

DataSet& Data() {
  static DataSet* data = [] {
    auto* d = new DataSet;
    const char* base = std::getenv("WEFT_BENCH_DIR");
    const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/weft_traceql_bench";
    std::filesystem::remove_all(dir);
    weft::storage::embedded::EmbeddedStoreOptions options;
    options.dir = dir;
    options.codec = {weft::otlp::EncodeBatch, weft::otlp::DecodeBatch};
    options.wal_sync = weft::storage::embedded::WalSyncMode::kNever;
    options.background = false;
    options.head.max_bytes = uint64_t{1} << 40;  // cut only when told to
    auto store = EmbeddedStore::Open(options);
    if (!store.ok()) std::abort();
    d->store = *std::move(store);

    const uint64_t traces = EnvOr("TRACEQL_BENCH_TRACES", 1'000'000);
    weft::TraceGeneratorOptions gen;
    gen.start_time_unix_nano = kStart;
    gen.trace_interval_nanos = std::max<uint64_t>(1, kHourNanos / traces);
    gen.min_spans_per_trace = 5;
    gen.max_spans_per_trace = 15;
    weft::TraceGenerator generator(42, gen);
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t since_cut = 0;
    while (d->traces < traces) {
      auto batch = std::make_unique<SpanBatch>();
      for (int i = 0; i < 400 && d->traces < traces; ++i, ++d->traces) {
        generator.NextTrace(*batch);
      }
      d->spans += batch->size();
      since_cut += batch->size();
      absl::Notification done;
      d->store->Write(kTenant, std::move(batch), [&](absl::Status s) {
        if (!s.ok())
          std::fprintf(stderr, "traceql_bench: write failed: %s\n", s.ToString().c_str());
        done.Notify();
      });
      done.WaitForNotification();
      if (since_cut >= 1'000'000) {
        if (!d->store->Flush().ok()) std::abort();
        since_cut = 0;
      }
    }
    if (!d->store->Flush().ok()) std::abort();
    std::fprintf(stderr, "traceql_bench: %llu traces, %llu spans stored in %.1f s\n",
                 static_cast<unsigned long long>(d->traces),
                 static_cast<unsigned long long>(d->spans),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return d;
  }();
  return *data;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void RunQuery(benchmark::State& state, const char* traceql, size_t limit) {
  DataSet& data = Data();
  std::vector<double> millis;
  uint64_t inspected = 0;
  uint64_t found = 0;
  double seconds = 0;
  for (auto _ : state) {
    weft::query::TraceSearchRequest request;
    request.tenant = std::string(kTenant);
    request.traceql = traceql;
    request.limit = limit;
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<weft::query::TraceSearchResult> result =
        weft::query::SearchTraces(*data.store, request);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    seconds += elapsed;
    millis.push_back(elapsed * 1e3);
    inspected += result->inspected_spans;
    found += result->traces.size();
  }
  state.counters["p50_ms"] = Percentile(millis, 0.50);
  state.counters["p99_ms"] = Percentile(millis, 0.99);
  state.counters["traces_found"] = static_cast<double>(found) / static_cast<double>(millis.size());
  state.counters["inspected_spans/s"] = static_cast<double>(inspected) / seconds;
  state.counters["found_traces/s"] = static_cast<double>(found) / seconds;
  state.counters["stored_traces"] = static_cast<double>(data.traces);
  state.counters["stored_spans"] = static_cast<double>(data.spans);
}

void BM_StatusCodeAndDuration(benchmark::State& state) {
  RunQuery(state, "{ span.http.status_code = 500 && duration > 1s }", 20);
}
BENCHMARK(BM_StatusCodeAndDuration)->Iterations(30)->Unit(benchmark::kMillisecond);

void BM_FrontendAncestorOfError(benchmark::State& state) {
  RunQuery(state, R"({ resource.service.name = "frontend" } >> { status = error })", 20);
}
BENCHMARK(BM_FrontendAncestorOfError)->Iterations(30)->Unit(benchmark::kMillisecond);

void BM_FrontendAncestorOfErrorLimit1000(benchmark::State& state) {
  RunQuery(state, R"({ resource.service.name = "frontend" } >> { status = error })", 1000);
}
BENCHMARK(BM_FrontendAncestorOfErrorLimit1000)->Iterations(5)->Unit(benchmark::kMillisecond);

void BM_CountPipeline(benchmark::State& state) {
  RunQuery(state, "{ status = error } | count() > 2", 20);
}
BENCHMARK(BM_CountPipeline)->Iterations(30)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
