// WAL append throughput with group commit. The payloads are ~64 KB OTLP protobuf encodings of
// TraceGenerator batches (realistic traces: six services, ~10 attributes per span), as the
// embedded store will write them. Each appending thread behaves like a receiver: it keeps
// `window` appends in flight and waits for their `done` before it sends more.
//
//   BM_WalAppend/sync:{0 always,1 interval,2 never}/threads/window/zstd:{0,1}
//   BM_FrameRecord/zstd:{0,1}: CPU per record on the appending thread (CRC-32C, zstd level 1).
//   BM_WalReplay/zstd:{0,1}: replay speed over 256 MB of payload (page-cached files).
//   BM_WriteFsyncBaseline: one 64 KB write + fdatasync per record, one thread, no WAL. This is
//   what durable appends cost without group commit.
//
// Counters: appends/s, payload MB/s, spans/s (spans in the payloads), syncs/s, records per group,
// and on-disk bytes / payload bytes.
// Run: build/bench/wal_bench [--benchmark_min_time=...]. WAL_BENCH_DIR chooses the directory
// (default $TMPDIR or /tmp); use the disk the server will use, since fdatasync costs are the
// disk's.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "model/span_batch.h"
#include "model/trace_generator.h"
#include "otlp/proto_codec.h"
#include "storage/embedded/wal/wal.h"

namespace {

using weft::storage::embedded::Wal;
using weft::storage::embedded::WalOptions;
using weft::storage::embedded::WalSyncMode;

constexpr size_t kSpansPerPayload = 88;
constexpr int kPayloads = 32;
constexpr double kSecondsPerRun = 3.0;

struct Payload {
  std::string bytes;
  size_t spans = 0;
};

// Distinct OTLP requests of kSpansPerPayload spans (~64 KB: the generator's spans encode to
// ~740 bytes each, resources and scopes included).
const std::vector<Payload>& Payloads() {
  static const std::vector<Payload> payloads = [] {
    std::vector<Payload> out;
    weft::TraceGenerator gen(7);
    for (int i = 0; i < kPayloads; ++i) {
      weft::SpanBatch batch;
      gen.FillExactly(batch, kSpansPerPayload);
      Payload p;
      weft::otlp::EncodeExportRequest(batch, p.bytes);
      p.spans = batch.size();
      out.push_back(std::move(p));
    }
    return out;
  }();
  return payloads;
}

std::string MakeDir() {
  const char* base = getenv("WAL_BENCH_DIR");
  if (base == nullptr) base = getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/wal_bench_XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  return tmpl;
}

// Counts outstanding appends of one thread; Wait blocks until fewer than `limit` are in flight.
class Window {
 public:
  void Add() {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  void Done(bool ok) {
    absl::MutexLock lock(&mu_);
    --in_flight_;
    if (!ok) ++failed_;
  }
  void WaitBelow(int limit) {
    absl::MutexLock lock(&mu_);
    auto below = [this, limit]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return in_flight_ < limit; };
    mu_.Await(absl::Condition(&below));
  }
  int failed() {
    absl::MutexLock lock(&mu_);
    return failed_;
  }

 private:
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_ ABSL_GUARDED_BY(mu_) = 0;
};

void BM_WalAppend(benchmark::State& state) {
  const auto mode = static_cast<WalSyncMode>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const int window = static_cast<int>(state.range(2));
  const bool zstd = state.range(3) != 0;
  const auto& payloads = Payloads();
  const std::string dir = MakeDir();

  WalOptions options;
  options.dir = dir;
  options.sync_mode = mode;
  options.compression.min_bytes = zstd ? 1024 : 0;
  auto wal = Wal::Open(options);
  if (!wal.ok()) {
    state.SkipWithError(std::string(wal.status().message()).c_str());
    return;
  }
  uint64_t appends = 0, spans = 0;
  for (auto _ : state) {
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> done_appends{0}, done_spans{0};
    std::vector<std::thread> workers;
    workers.reserve(threads);
    std::vector<Window> windows(threads);
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (size_t i = t; !stop.load(std::memory_order_relaxed); i += threads) {
          const Payload& p = payloads[i % payloads.size()];
          windows[t].WaitBelow(window);
          windows[t].Add();
          (*wal)->Append("bench", p.bytes, [&, t, n = p.spans](const absl::Status& s) {
            if (s.ok()) {
              done_appends.fetch_add(1, std::memory_order_relaxed);
              done_spans.fetch_add(n, std::memory_order_relaxed);
            }
            windows[t].Done(s.ok());
          });
        }
        windows[t].WaitBelow(1);
      });
    }
    const weft::Clock& clock = weft::RealClock::Get();
    const uint64_t start = clock.MonotonicNanos();
    while (clock.MonotonicNanos() - start < static_cast<uint64_t>(kSecondsPerRun * 1e9)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop = true;
    for (auto& w : workers) w.join();
    appends += done_appends.load();
    spans += done_spans.load();
    for (auto& w : windows) {
      if (w.failed() > 0) state.SkipWithError("appends failed");
    }
  }
  (void)(*wal)->Close();
  const auto stats = (*wal)->stats();
  using benchmark::Counter;
  state.counters["appends/s"] = Counter(static_cast<double>(appends), Counter::kIsRate);
  state.counters["MB/s"] =
      Counter(static_cast<double>(stats.payload_bytes) / 1e6, Counter::kIsRate);
  state.counters["spans/s"] = Counter(static_cast<double>(spans), Counter::kIsRate);
  state.counters["syncs/s"] = Counter(static_cast<double>(stats.syncs), Counter::kIsRate);
  state.counters["per_group"] =
      static_cast<double>(stats.appends) / static_cast<double>(std::max<uint64_t>(stats.groups, 1));
  state.counters["disk/payload"] = static_cast<double>(stats.bytes) /
                                   static_cast<double>(std::max<uint64_t>(stats.payload_bytes, 1));
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// args: sync mode, threads, window (appends in flight per thread), zstd.
BENCHMARK(BM_WalAppend)
    ->ArgNames({"sync", "threads", "window", "zstd"})
    ->Args({0, 1, 1, 1})  // always, one caller: no one to group with
    ->Args({0, 8, 1, 1})  // always, 8 receivers each waiting for its ack: group commit
    ->Args({0, 8, 1, 0})
    ->Args({0, 8, 8, 1})  // always, 64 requests in flight
    ->Args({1, 8, 1, 1})  // interval (100 ms)
    ->Args({2, 8, 1, 1})  // never
    ->Args({2, 8, 1, 0})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

// CPU cost of framing one ~64 KB payload on the appending thread (CRC, and zstd when on).
void BM_FrameRecord(benchmark::State& state) {
  const auto& payloads = Payloads();
  weft::storage::embedded::CompressionOptions compression;
  compression.min_bytes = state.range(0) != 0 ? 1024 : 0;
  size_t i = 0;
  uint64_t bytes = 0, framed = 0;
  for (auto _ : state) {
    const std::string& p = payloads[i++ % payloads.size()].bytes;
    std::string record = weft::storage::embedded::FrameRecord("bench", p, compression);
    benchmark::DoNotOptimize(record.data());
    bytes += p.size();
    framed += record.size();
  }
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
  state.counters["disk/payload"] = static_cast<double>(framed) / static_cast<double>(bytes);
}
BENCHMARK(BM_FrameRecord)->ArgName("zstd")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Replay speed (restart time): 256 MB of payload written once, then read back with checksums
// verified and payloads decompressed. Decoding the payloads into spans is the store's part.
void BM_WalReplay(benchmark::State& state) {
  const bool zstd = state.range(0) != 0;
  const auto& payloads = Payloads();
  const std::string dir = MakeDir();
  uint64_t spans_written = 0;
  {
    WalOptions options;
    options.dir = dir;
    options.sync_mode = WalSyncMode::kNever;
    options.compression.min_bytes = zstd ? 1024 : 0;
    auto wal = Wal::Open(options);
    if (!wal.ok()) {
      state.SkipWithError("open failed");
      return;
    }
    uint64_t bytes = 0;
    for (size_t i = 0; bytes < (uint64_t{256} << 20); ++i) {
      const Payload& p = payloads[i % payloads.size()];
      (*wal)->Append("bench", p.bytes, [](const absl::Status&) {});
      bytes += p.bytes.size();
      spans_written += p.spans;
    }
    (void)(*wal)->Close();
  }
  uint64_t payload_bytes = 0, file_bytes = 0, records = 0;
  for (auto _ : state) {
    auto stats = weft::storage::embedded::ReadWal(weft::PosixFileSystem(), dir, {},
                                                  [&](const weft::storage::embedded::WalRecord& r) {
                                                    benchmark::DoNotOptimize(r.payload.data());
                                                    return absl::OkStatus();
                                                  });
    if (!stats.ok()) state.SkipWithError("replay failed");
    payload_bytes += stats->payload_bytes;
    file_bytes += stats->file_bytes;
    records += stats->records;
  }
  using benchmark::Counter;
  state.counters["payload_MB/s"] =
      Counter(static_cast<double>(payload_bytes) / 1e6, Counter::kIsRate);
  state.counters["file_MB/s"] = Counter(static_cast<double>(file_bytes) / 1e6, Counter::kIsRate);
  state.counters["spans/s"] = Counter(
      static_cast<double>(records) * static_cast<double>(kSpansPerPayload), Counter::kIsRate);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(BM_WalReplay)
    ->ArgName("zstd")
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_WriteFsyncBaseline(benchmark::State& state) {
  const auto& payloads = Payloads();
  const std::string dir = MakeDir();
  auto file = weft::PosixFileSystem().NewWritableFile(dir + "/baseline");
  if (!file.ok()) {
    state.SkipWithError("open failed");
    return;
  }
  size_t i = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    const std::string& p = payloads[i++ % payloads.size()].bytes;
    if (!(*file)->Append(p).ok() || !(*file)->Sync().ok()) state.SkipWithError("I/O failed");
    bytes += p.size();
  }
  state.counters["appends/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
  (void)(*file)->Close();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
BENCHMARK(BM_WriteFsyncBaseline)->UseRealTime()->MinTime(2.0)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  size_t bytes = 0, spans = 0;
  for (const auto& p : Payloads()) {
    bytes += p.bytes.size();
    spans += p.spans;
  }
  std::printf("payloads: %d OTLP requests, mean %zu bytes, %zu spans, %.0f bytes/span\n", kPayloads,
              bytes / kPayloads, spans / kPayloads,
              static_cast<double>(bytes) / static_cast<double>(spans));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
