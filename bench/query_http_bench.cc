// Trace by ID end to end over HTTP: a real in-process `weft serve` (server::Server, embedded
// store) holding QUERY_BENCH_SPANS (default 10 million) realistic spans over one hour, asked by
// http::Fetch (a new connection per request, so connection setup is included) for random stored
// traces on the Jaeger API, as OTLP protobuf (what `weft trace` reads) and as Jaeger JSON (what
// Grafana's Jaeger data source reads), and a structural TraceQL search on Tempo's API. Reports
// p50 / p99 in microseconds.
// Run: build/bench/query_http_bench; WEFT_BENCH_DIR chooses the directory (default /tmp).
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
#include "http/http_client.h"
#include "model/trace_generator.h"
#include "otlp/batch_payload.h"
#include "server/server.h"
#include "storage/embedded/store/embedded_store.h"

namespace {

using weft::SpanBatch;
using weft::TraceId;

constexpr uint64_t kHourNanos = 3600ULL * 1'000'000'000;
constexpr uint64_t kStart = 1'700'000'000'000'000'000ULL;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

struct Fixture {
  std::unique_ptr<weft::server::Server> server;
  std::string http;   // host:port
  std::string tempo;  // host:port
  std::vector<TraceId> ids;
  uint64_t spans = 0;
};

// Writes the data set through the store (blocks of ~1M spans), closes it, then starts a server
// on the directory.
Fixture& Data() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    const char* base = std::getenv("WEFT_BENCH_DIR");
    const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/weft_query_http_bench";
    std::filesystem::remove_all(dir);
    const uint64_t spans = EnvOr("QUERY_BENCH_SPANS", 10'000'000);
    {
      weft::storage::embedded::EmbeddedStoreOptions options;
      options.dir = dir;
      options.codec = {weft::otlp::EncodeBatch, weft::otlp::DecodeBatch};
      options.wal_sync = weft::storage::embedded::WalSyncMode::kNever;
      options.background = false;
      options.head.max_bytes = uint64_t{1} << 40;
      auto store = weft::storage::embedded::EmbeddedStore::Open(options);
      if (!store.ok()) std::abort();
      weft::TraceGeneratorOptions gen;
      gen.start_time_unix_nano = kStart;
      gen.trace_interval_nanos = std::max<uint64_t>(1, kHourNanos / (spans / 27));
      weft::TraceGenerator generator(42, gen);
      std::mt19937_64 pick(3);
      uint64_t since_cut = 0;
      while (f->spans < spans) {
        auto batch = std::make_unique<SpanBatch>();
        generator.Fill(*batch, 4096);
        f->spans += batch->size();
        since_cut += batch->size();
        if (pick() % 8 == 0) f->ids.push_back(batch->spans()[pick() % batch->size()].trace_id);
        absl::Notification done;
        (*store)->Write("single-tenant", std::move(batch), [&](absl::Status) { done.Notify(); });
        done.WaitForNotification();
        if (since_cut >= 1'000'000) {
          if (!(*store)->Flush().ok()) std::abort();
          since_cut = 0;
        }
      }
      if (!(*store)->Close().ok()) std::abort();
    }
    weft::server::ServerConfig config;
    config.data_dir = dir;
    config.otlp_grpc_addr = config.otlp_http_addr = config.zipkin_addr = config.tempo_addr =
        config.http_addr = "127.0.0.1:0";
    config.retention_nanos = 100ULL * 365 * 24 * 3600 * 1'000'000'000;  // keep 2023's data
    config.log = [](std::string_view) {};
    auto server = weft::server::Server::Start(config);
    if (!server.ok()) std::abort();
    f->server = *std::move(server);
    for (const auto& [name, address] : f->server->listeners()) {
      if (name == "http") f->http = address;
      if (name == "tempo") f->tempo = address;
    }
    std::fprintf(stderr, "query_http_bench: %llu spans stored, server at %s\n",
                 static_cast<unsigned long long>(f->spans), f->http.c_str());
    return f;
  }();
  return *fixture;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

void TraceByIdOverHttp(benchmark::State& state, bool protobuf) {
  Fixture& data = Data();
  std::mt19937_64 pick(1);
  std::vector<double> micros;
  for (auto _ : state) {
    weft::http::ClientRequest request;
    request.host_port = data.http;
    request.target = "/api/traces/" + data.ids[pick() % data.ids.size()].ToHex();
    if (protobuf) request.headers.emplace_back("Accept", "application/protobuf");
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<weft::http::ClientResponse> response = weft::http::Fetch(request);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!response.ok() || response->status != 200) state.SkipWithError("trace not served");
  }
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["stored_spans"] = static_cast<double>(data.spans);
}

void BM_TraceByIdHttpProtobuf(benchmark::State& state) { TraceByIdOverHttp(state, true); }
void BM_TraceByIdHttpJaegerJson(benchmark::State& state) { TraceByIdOverHttp(state, false); }
BENCHMARK(BM_TraceByIdHttpProtobuf)->Iterations(2000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TraceByIdHttpJaegerJson)->Iterations(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

// TraceQL with a structural operator through Tempo's search API: candidates fetched with the
// filters pushed down, assembled, evaluated; the newest 20 over the whole hour.
void BM_TraceQLStructuralOverHttp(benchmark::State& state) {
  Fixture& data = Data();
  std::vector<double> micros;
  size_t traces = 0;
  for (auto _ : state) {
    weft::http::ClientRequest request;
    request.host_port = data.tempo;
    // { resource.service.name = "frontend" } >> { status = error }, URL-encoded.
    request.target =
        "/api/search?q=%7B+resource.service.name+%3D+%22frontend%22+%7D+%3E%3E+%7B+status+%3D+"
        "error+%7D&limit=20&start=1699990000&end=1700010000";
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<weft::http::ClientResponse> response = weft::http::Fetch(request);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!response.ok() || response->status != 200) {
      state.SkipWithError("search failed");
      break;
    }
    traces = 0;
    for (size_t at = response->body.find("\"traceID\""); at != std::string::npos;
         at = response->body.find("\"traceID\"", at + 1)) {
      ++traces;
    }
  }
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["traces_found"] = static_cast<double>(traces);
  state.counters["stored_spans"] = static_cast<double>(data.spans);
}
BENCHMARK(BM_TraceQLStructuralOverHttp)->Iterations(30)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
