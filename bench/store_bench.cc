// The embedded store as the server uses it, at the scale: STORE_BENCH_SPANS (default 10
// million) realistic spans (TraceGenerator: six services, 5-50 spans per trace, ~10 attributes)
// spread over one hour of trace time, written through EmbeddedStore::Write (WAL sync: never, to
// build the data set quickly) and cut into blocks of ~STORE_BENCH_BLOCK_SPANS spans each.
//
//   BM_TraceById: GetTrace of random stored traces (bloom filters, sparse index, one row group).
//   BM_SearchServiceDuration: Fetch `service = "payment" && duration > 100ms`, the newest 20, over
//     the last hour (all the data).
//   BM_AttributeEqualityScan: Fetch `span.enduser.id = "<a user>"` over every span, up to 1000
//     traces: the effective rate (stored spans / elapsed, what a user sees) and the evaluated
//     rate (spans whose column values were compared / elapsed).
//   BM_TraceQLStatusCodeAndDuration: `{ span.http.status_code = 500 && duration > 1s }` parsed,
//     pushed down and fetched (newest 20) over every span.
//   BM_RestartReplay: a store whose WAL holds STORE_BENCH_WAL_MB (default 1024) MB on disk and no
//     blocks: the time EmbeddedStore::Open takes to replay it and be ready to serve.
//
// Latencies are reported as p50 / p99 counters (microseconds). Single-threaded: figures are per
// core. Run: build/bench/store_bench; WEFT_BENCH_DIR chooses the directory (default /tmp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "benchmark/benchmark.h"
#include "model/trace_generator.h"
#include "otlp/batch_payload.h"
#include "query/traceql/parser.h"
#include "query/traceql/pushdown.h"
#include "storage/embedded/store/data_dir.h"
#include "storage/embedded/store/embedded_store.h"
#include "storage/embedded/wal/wal.h"

namespace {

using weft::SpanBatch;
using weft::TraceId;
using weft::storage::Condition;
using weft::storage::ConditionTree;
using weft::storage::FetchRequest;
using weft::storage::FetchResult;
using weft::storage::embedded::EmbeddedStore;
using weft::storage::embedded::EmbeddedStoreOptions;
using weft::storage::embedded::WalSyncMode;

constexpr uint64_t kHourNanos = 3600ULL * 1'000'000'000;
constexpr uint64_t kStart = 1'700'000'000'000'000'000ULL;
constexpr size_t kWriteBatchSpans = 4096;
constexpr std::string_view kTenant = "single-tenant";

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

std::string Dir(const std::string& name) {
  const char* dir = std::getenv("WEFT_BENCH_DIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/weft_store_bench_" + name;
}

EmbeddedStoreOptions Options(const std::string& dir) {
  EmbeddedStoreOptions options;
  options.dir = dir;
  options.codec = {weft::otlp::EncodeBatch, weft::otlp::DecodeBatch};
  options.wal_sync = WalSyncMode::kNever;
  options.background = false;
  options.head.max_bytes = uint64_t{1} << 40;  // cut only when told to
  return options;
}

void WriteSync(EmbeddedStore& store, std::unique_ptr<SpanBatch> batch) {
  absl::Notification done;
  store.Write(kTenant, std::move(batch), [&](absl::Status s) {
    if (!s.ok()) std::fprintf(stderr, "store_bench: write failed: %s\n", s.ToString().c_str());
    done.Notify();
  });
  done.WaitForNotification();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The shared data set, built on first use.
struct DataSet {
  std::unique_ptr<EmbeddedStore> store;
  std::vector<TraceId> trace_ids;  // a sample
  uint64_t spans = 0;
  std::string user;  // an enduser.id value that exists
};

DataSet& Data() {
  static DataSet* data = [] {
    auto* d = new DataSet;
    const uint64_t spans = EnvOr("STORE_BENCH_SPANS", 10'000'000);
    const uint64_t block_spans = EnvOr("STORE_BENCH_BLOCK_SPANS", 1'000'000);
    const std::string dir = Dir("data");
    std::filesystem::remove_all(dir);
    auto store = EmbeddedStore::Open(Options(dir));
    if (!store.ok()) std::abort();
    d->store = *std::move(store);
    weft::TraceGeneratorOptions gen;
    gen.start_time_unix_nano = kStart;
    // ~27.5 spans per trace: spread `spans` over one hour.
    gen.trace_interval_nanos = std::max<uint64_t>(1, kHourNanos / (spans / 27));
    weft::TraceGenerator generator(42, gen);
    std::mt19937_64 pick(7);
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t since_cut = 0;
    while (d->spans < spans) {
      auto batch = std::make_unique<SpanBatch>();
      generator.Fill(*batch, kWriteBatchSpans);
      d->spans += batch->size();
      since_cut += batch->size();
      if (pick() % 8 == 0) d->trace_ids.push_back(batch->spans()[pick() % batch->size()].trace_id);
      if (d->user.empty()) {
        for (const weft::KeyValue& kv : batch->spans()[0].attributes) {
          if (kv.key == "enduser.id") d->user = std::string(kv.value.string_value());
        }
      }
      WriteSync(*d->store, std::move(batch));
      if (since_cut >= block_spans) {
        if (!d->store->Flush().ok()) std::abort();
        since_cut = 0;
      }
    }
    if (!d->store->Flush().ok()) std::abort();
    const auto stats = d->store->stats();
    std::fprintf(
        stderr,
        "store_bench: %llu spans in %llu blocks, %.1f MB (%.2f bytes/span), built in %.1f s\n",
        static_cast<unsigned long long>(d->spans), static_cast<unsigned long long>(stats.blocks),
        stats.block_bytes / 1e6,
        static_cast<double>(stats.block_bytes) / static_cast<double>(d->spans), SecondsSince(t0));
    return d;
  }();
  return *data;
}

void BM_TraceById(benchmark::State& state) {
  DataSet& data = Data();
  std::mt19937_64 pick(1);
  std::vector<double> micros;
  for (auto _ : state) {
    const TraceId& id = data.trace_ids[pick() % data.trace_ids.size()];
    const auto t0 = std::chrono::steady_clock::now();
    auto trace = data.store->GetTrace(kTenant, id);
    micros.push_back(SecondsSince(t0) * 1e6);
    if (!trace.ok() || (*trace)->empty()) state.SkipWithError("trace not found");
    benchmark::DoNotOptimize(trace);
  }
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["stored_spans"] = static_cast<double>(data.spans);
}
BENCHMARK(BM_TraceById)->Iterations(2000)->Unit(benchmark::kMicrosecond);

ConditionTree Leaf(Condition c) { return ConditionTree::Leaf(std::move(c)); }

void BM_SearchServiceDuration(benchmark::State& state) {
  DataSet& data = Data();
  FetchRequest request;
  request.tenant = std::string(kTenant);
  request.start_unix_nanos = kStart;
  request.end_unix_nanos = kStart + kHourNanos;
  request.limit = 20;
  Condition service;
  service.field = weft::storage::Field::kServiceName;
  service.operand = std::string("payment");
  Condition slow;
  slow.field = weft::storage::Field::kDuration;
  slow.op = weft::storage::CompareOp::kGt;
  slow.operand = int64_t{100'000'000};
  request.filter = ConditionTree::And({Leaf(service), Leaf(slow)});
  std::vector<double> micros;
  size_t found = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<FetchResult> result = data.store->Fetch(request);
    micros.push_back(SecondsSince(t0) * 1e6);
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
    found = result.ok() ? result->traces.size() : 0;
  }
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["traces_found"] = static_cast<double>(found);
}
BENCHMARK(BM_SearchServiceDuration)->Iterations(50)->Unit(benchmark::kMillisecond);

void BM_AttributeEqualityScan(benchmark::State& state) {
  DataSet& data = Data();
  FetchRequest request;
  request.tenant = std::string(kTenant);
  request.limit = 1000;
  request.spans_per_trace = 1;
  Condition user;
  user.field = weft::storage::Field::kAttribute;
  user.key = "enduser.id";
  user.operand = data.user;
  request.filter = Leaf(std::move(user));
  double seconds = 0;
  uint64_t evaluated = 0;
  size_t found = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<FetchResult> result = data.store->Fetch(request);
    seconds += SecondsSince(t0);
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
    evaluated += result.ok() ? result->inspected_spans : 0;
    found = result.ok() ? result->traces.size() : 0;
  }
  const double runs = static_cast<double>(state.iterations());
  state.counters["effective_spans/s"] = static_cast<double>(data.spans) * runs / seconds;
  state.counters["evaluated_spans/s"] = static_cast<double>(evaluated) / seconds;
  state.counters["traces_found"] = static_cast<double>(found);
}
BENCHMARK(BM_AttributeEqualityScan)->Iterations(10)->Unit(benchmark::kMillisecond);

// TraceQL through the push-down path (parse, translate, Fetch): the query issue's figure.
void BM_TraceQLStatusCodeAndDuration(benchmark::State& state) {
  DataSet& data = Data();
  absl::StatusOr<weft::query::traceql::Query> query =
      weft::query::traceql::Parse("{ span.http.status_code = 500 && duration > 1s }");
  if (!query.ok()) std::abort();
  std::vector<double> micros;
  size_t found = 0;
  uint64_t inspected = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<ConditionTree> filter = weft::query::traceql::PushDownSpansetFilter(*query);
    if (!filter.ok()) std::abort();
    FetchRequest request;
    request.tenant = std::string(kTenant);
    request.filter = *std::move(filter);
    absl::StatusOr<FetchResult> result = data.store->Fetch(request);
    const double elapsed = SecondsSince(t0);
    seconds += elapsed;
    micros.push_back(elapsed * 1e6);
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
    found = result.ok() ? result->traces.size() : 0;
    inspected += result.ok() ? result->inspected_spans : 0;
  }
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["traces_found"] = static_cast<double>(found);
  state.counters["evaluated_spans/s"] = static_cast<double>(inspected) / seconds;
}
BENCHMARK(BM_TraceQLStatusCodeAndDuration)->Iterations(30)->Unit(benchmark::kMillisecond);

void BM_RestartReplay(benchmark::State& state) {
  const uint64_t wal_bytes = EnvOr("STORE_BENCH_WAL_MB", 1024) << 20;
  const std::string dir = Dir("replay");
  std::filesystem::remove_all(dir);
  uint64_t spans = 0;
  {
    // What a crashed store leaves: WAL segments of encoded batches, written with the WAL itself.
    weft::storage::embedded::WalOptions wal_options;
    wal_options.dir = weft::storage::embedded::WalDir(dir);
    wal_options.sync_mode = WalSyncMode::kNever;
    auto wal = weft::storage::embedded::Wal::Open(wal_options);
    if (!wal.ok()) std::abort();
    weft::TraceGenerator generator(9);
    uint64_t on_disk = 0;
    for (size_t i = 0; on_disk < wal_bytes; ++i) {
      SpanBatch batch;
      generator.Fill(batch, kWriteBatchSpans);
      spans += batch.size();
      absl::Notification done;
      (*wal)->Append(kTenant, weft::otlp::EncodeBatch(batch), [&](absl::Status) { done.Notify(); });
      done.WaitForNotification();
      on_disk = (*wal)->stats().bytes;
    }
    if (!(*wal)->Close().ok()) std::abort();
  }
  double seconds = 0;
  uint64_t replayed_bytes = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    EmbeddedStoreOptions options = Options(dir);
    options.head.max_bytes = uint64_t{256} << 20;  // the server's default: replay cuts blocks
    auto store = EmbeddedStore::Open(options);
    seconds = SecondsSince(t0);
    if (!store.ok()) state.SkipWithError(std::string(store.status().message()).c_str());
    replayed_bytes = (*store)->stats().replay.file_bytes;
    state.PauseTiming();
    store->reset();  // (its Close flushes into blocks: the next run would find no WAL)
    state.ResumeTiming();
  }
  state.counters["wal_MB"] = static_cast<double>(replayed_bytes) / 1e6;
  state.counters["spans"] = static_cast<double>(spans);
  state.counters["seconds_to_serve"] = seconds;
  state.counters["spans/s"] = static_cast<double>(spans) / seconds;
}
BENCHMARK(BM_RestartReplay)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
