// Export throughput: the SDK's batch processor + OTLP/HTTP exporter into a real `weft serve`
// (memory storage) on this machine. Issue 6's target: 1 million spans/s without drops.
// Two runs: producers as fast as they can go (what the pipeline sustains, drops counted), and
// paced at WEFT_EXPORT_RATE spans/s (default 1,000,000) to see whether that rate goes through
// without drops. Traces of 8 spans, each with a name and three attributes. Client, server and
// producers share this machine's cores, so the figure is for the whole loop, not the SDK alone.
// Run: build/bench/sdk_export_bench  (WEFT_EXPORT_SECONDS=5, WEFT_EXPORT_RATE=1000000)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "subprocess.h"
#include "weft/sdk.h"

namespace weft {
namespace {

using Clock = std::chrono::steady_clock;

// Spans per trace: a server span and its database calls. (One span per trace would mostly
// measure the server's trace index, not the export path.)
constexpr int kSpansPerTrace = 8;

double EnvNumber(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atof(v) : fallback;
}

struct Result {
  uint64_t produced = 0;
  uint64_t exported = 0;
  uint64_t dropped = 0;
  double seconds = 0;
};

// Runs `threads` producers for `seconds`; `rate` spans/s in total, or 0 for unpaced.
Result Run(int otlp_port, int threads, double seconds, double rate) {
  TracerProviderOptions options;
  options.resource.Set("service.name", "export-bench");
  OtlpExporterOptions otlp;
  otlp.endpoint = "http://127.0.0.1:" + std::to_string(otlp_port) + "/v1/traces";
  BatchOptions batch;
  batch.schedule_delay = std::chrono::milliseconds(100);
  options.processors.push_back(BatchProcessor(OtlpExporter(otlp), batch));
  TracerProvider provider(std::move(options));
  Tracer tracer = provider.GetTracer("bench");

  std::atomic<uint64_t> produced{0};
  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t n = 0;
      const double per_thread = rate / threads;
      while (true) {
        const auto now = Clock::now();
        if (now >= stop) break;
        if (rate > 0) {
          const double due = std::chrono::duration<double>(now - start).count() * per_thread;
          if (static_cast<double>(n) >= due) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            continue;
          }
        }
        for (int i = 0; i < 32; ++i) {
          Span root = tracer.StartSpan("GET /cart", {.kind = SpanKind::kServer});
          root.SetAttribute("http.request.method", "GET");
          root.SetAttribute("http.response.status_code", 200);
          root.SetAttribute("worker", t);
          Scope scope(root);
          for (int c = 0; c < kSpansPerTrace - 1; ++c) {
            Span child = tracer.StartSpan("SELECT cart_items", {.kind = SpanKind::kClient});
            child.SetAttribute("db.system", "postgresql");
            child.SetAttribute("db.rows", c);
            child.SetAttribute("worker", t);
          }
          n += kSpansPerTrace;
        }
      }
      produced += n;
    });
  }
  for (auto& w : workers) w.join();
  provider.ForceFlush(std::chrono::seconds(60));
  Result r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.produced = produced.load();
  r.exported = provider.Stats().spans_exported;
  r.dropped = provider.Stats().spans_dropped;
  return r;
}

testing::ServerProcess* g_server = nullptr;

void Report(benchmark::State& state, const char* name, const Result& r) {
  state.counters["produced/s"] = static_cast<double>(r.produced) / r.seconds;
  state.counters["spans/s"] = static_cast<double>(r.exported) / r.seconds;
  state.counters["dropped"] = static_cast<double>(r.dropped);
  state.counters["dropped%"] = r.produced ? 100.0 * r.dropped / r.produced : 0;
  std::printf("  %s: produced %.0f spans/s, exported %.0f spans/s, dropped %llu of %llu (%.2f%%)\n",
              name, r.produced / r.seconds, r.exported / r.seconds,
              static_cast<unsigned long long>(r.dropped),
              static_cast<unsigned long long>(r.produced),
              r.produced ? 100.0 * r.dropped / r.produced : 0.0);
}

void BM_ExportUnpaced(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    Report(state, "unpaced",
           Run(g_server->port("otlp-http"), static_cast<int>(state.range(0)),
               EnvNumber("WEFT_EXPORT_SECONDS", 5), 0));
  }
}
BENCHMARK(BM_ExportUnpaced)->Arg(1)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

void BM_ExportPaced(benchmark::State& state) {
  for ([[maybe_unused]] auto _ : state) {
    Report(state, "paced",
           Run(g_server->port("otlp-http"), 1, EnvNumber("WEFT_EXPORT_SECONDS", 5),
               EnvNumber("WEFT_EXPORT_RATE", 1e6)));
  }
}
BENCHMARK(BM_ExportPaced)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace weft

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  weft::testing::ServerProcess server(WEFT_BINARY, {"--storage=memory"});
  if (!server.ready()) {
    std::fprintf(stderr, "weft serve did not start:\n%s\n", server.output().c_str());
    return 1;
  }
  weft::g_server = &server;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
