// Propagation costs on the request path. Targets: traceparent parse and format < 20 ns each;
// inject + extract through a carrier <= 40 ns (the SDK's budget); hostile baggage/tracestate
// headers cost microseconds, not seconds. The baseline is a plain scalar traceparent parser built
// on common/hex.h, to show what the SIMD kernels in lower_hex.h buy.
// Run: build/bench/tracecontext_bench [--benchmark_min_time=0.2]. Prints figures against targets.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/hex.h"
#include "tracecontext/baggage.h"
#include "tracecontext/carrier.h"
#include "tracecontext/propagation.h"
#include "tracecontext/traceparent.h"
#include "tracecontext/tracestate.h"

namespace weft::tracecontext {
namespace {

constexpr char kTraceParent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

void BM_TraceParentParse(benchmark::State& state) {
  std::string_view header = kTraceParent;
  for ([[maybe_unused]] auto _ : state) {
    benchmark::DoNotOptimize(header);
    TraceParentResult result = ParseTraceParent(header);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_TraceParentParse);

// Baseline: the obvious parser (version 00 only) using the table-driven common/hex.h decoder.
bool ScalarParseTraceParent(std::string_view s, TraceParent* out) {
  if (s.size() != kTraceParentLength || s.substr(0, 3) != "00-" || s[35] != '-' || s[52] != '-') {
    return false;
  }
  uint8_t flags;
  if (!HexDecode(s.substr(3, 32), out->trace_id.data(), 16, HexCase::kLowerOnly) ||
      !HexDecode(s.substr(36, 16), out->parent_id.data(), 8, HexCase::kLowerOnly) ||
      !HexDecode(s.substr(53, 2), &flags, 1, HexCase::kLowerOnly)) {
    return false;
  }
  out->flags = flags & kKnownFlags;
  return true;
}

void BM_TraceParentParseScalarBaseline(benchmark::State& state) {
  std::string_view header = kTraceParent;
  TraceParent tp;
  for ([[maybe_unused]] auto _ : state) {
    benchmark::DoNotOptimize(header);
    const bool ok = ScalarParseTraceParent(header, &tp);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(tp);
  }
}
BENCHMARK(BM_TraceParentParseScalarBaseline);

void BM_TraceParentFormat(benchmark::State& state) {
  TraceParent tp = ParseTraceParent(kTraceParent).value;
  char buffer[kTraceParentLength];
  for ([[maybe_unused]] auto _ : state) {
    benchmark::DoNotOptimize(tp);
    FormatTraceParent(tp, buffer);
    benchmark::DoNotOptimize(buffer);
  }
}
BENCHMARK(BM_TraceParentFormat);

// A warm carrier, as in a server that reuses its header storage between requests.
void BM_W3CInjectExtractRoundTrip(benchmark::State& state) {
  HeaderMapCarrier carrier{{"content-type", "application/json"}, {"traceparent", kTraceParent}};
  SpanContext ctx = ExtractW3C(carrier);
  for ([[maybe_unused]] auto _ : state) {
    ctx = ExtractW3C(carrier);
    InjectW3C(ctx, carrier);
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_W3CInjectExtractRoundTrip);

void BM_W3CExtract(benchmark::State& state) {
  HeaderMapCarrier carrier{{"content-type", "application/json"}, {"traceparent", kTraceParent}};
  for ([[maybe_unused]] auto _ : state) {
    SpanContext ctx = ExtractW3C(carrier);
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_W3CExtract);

void BM_W3CInject(benchmark::State& state) {
  HeaderMapCarrier carrier{{"content-type", "application/json"}, {"traceparent", kTraceParent}};
  const SpanContext ctx = ExtractW3C(carrier);
  for ([[maybe_unused]] auto _ : state) {
    InjectW3C(ctx, carrier);
    benchmark::DoNotOptimize(carrier);
  }
}
BENCHMARK(BM_W3CInject);

std::string RealisticTraceState() {
  return "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,dd=s:1;o:rum;t.dm:-1,"
         "fw529a3039@dt=4ff6b6a3bb23af53,sn=2a4c9e41e3,abc123=0123456789abcdef,"
         "vendor/x=opaque-value-1,ot=th:8;rv:9b5e3c4d7a1f2e,lb=zone-eu-west-1,"
         "k8s=pod-7f9c6d5b8-xkq2z";
}

void BM_TraceStateParse10Members(benchmark::State& state) {
  const std::string header = RealisticTraceState();
  for ([[maybe_unused]] auto _ : state) {
    TraceState ts = TraceState::Parse(header);
    benchmark::DoNotOptimize(ts);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header.size()));
}
BENCHMARK(BM_TraceStateParse10Members);

// The worst case that is still scanned: a header just under TraceState::kMaxInputLength.
void BM_TraceStateParseCommasUpToCap(benchmark::State& state) {
  const std::string header(TraceState::kMaxInputLength, ',');
  for ([[maybe_unused]] auto _ : state) {
    TraceState ts = TraceState::Parse(header);
    benchmark::DoNotOptimize(ts);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header.size()));
}
BENCHMARK(BM_TraceStateParseCommasUpToCap)->Unit(benchmark::kMicrosecond);

// Over the cap: discarded without scanning.
void BM_TraceStateParse1MBCommas(benchmark::State& state) {
  const std::string header(1 << 20, ',');
  for ([[maybe_unused]] auto _ : state) {
    TraceState ts = TraceState::Parse(header);
    benchmark::DoNotOptimize(ts);
  }
}
BENCHMARK(BM_TraceStateParse1MBCommas);

void BM_BaggageParseRealistic(benchmark::State& state) {
  const std::string header =
      "userId=alice,serverNode=DF%2028,isProduction=false,tenant=acme;ttl=60,"
      "session=7f3a9c%20b";
  for ([[maybe_unused]] auto _ : state) {
    Baggage b = Baggage::Parse(header);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_BaggageParseRealistic);

void BM_BaggageParse1MBCommas(benchmark::State& state) {
  const std::string header(1 << 20, ',');
  for ([[maybe_unused]] auto _ : state) {
    Baggage b = Baggage::Parse(header);
    benchmark::DoNotOptimize(b);
  }
}
// Only the first Baggage::kMaxScanBytes are examined, so this is flat in the header's size.
BENCHMARK(BM_BaggageParse1MBCommas)->Unit(benchmark::kMicrosecond);

// Remembers each benchmark's CPU time per iteration so main() can compare it with the targets.
class TargetReporter : public benchmark::ConsoleReporter {
 public:
  TargetReporter() : ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      cpu_ns_[run.benchmark_name()] =
          run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // Prints the measured CPU time of the sum of `names` against `target_ns`.
  void PrintTarget(const char* what, const std::vector<std::string>& names,
                   double target_ns) const {
    double total = 0;
    for (const std::string& name : names) {
      const auto it = cpu_ns_.find(name);
      if (it == cpu_ns_.end()) return;  // Filtered out.
      total += it->second;
    }
    auto unit = [](double ns) { return ns >= 1e4 ? "us" : "ns"; };
    auto scaled = [](double ns) { return ns >= 1e4 ? ns * 1e-3 : ns; };
    std::printf("%-46s %9.1f %s  target < %6.0f %s  %s\n", what, scaled(total), unit(total),
                scaled(target_ns), unit(target_ns), total < target_ns ? "ok" : "MISSED");
  }

  void PrintRatio(const char* what, const std::string& ours, const std::string& baseline) const {
    const auto a = cpu_ns_.find(ours);
    const auto b = cpu_ns_.find(baseline);
    if (a == cpu_ns_.end() || b == cpu_ns_.end()) return;
    std::printf("%-46s %9.2fx\n", what, a->second / b->second);
  }

 private:
  std::map<std::string, double> cpu_ns_;
};

}  // namespace
}  // namespace weft::tracecontext

int main(int argc, char** argv) {
  using weft::tracecontext::TargetReporter;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  TargetReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nCPU time per operation against targets:\n");
  reporter.PrintTarget("traceparent parse", {"BM_TraceParentParse"}, 20);
  reporter.PrintTarget("traceparent format", {"BM_TraceParentFormat"}, 20);
  reporter.PrintTarget("W3C inject + extract (HeaderMapCarrier)", {"BM_W3CInjectExtractRoundTrip"},
                       40);
  reporter.PrintTarget("baggage parse, 1 MB of commas", {"BM_BaggageParse1MBCommas"}, 1e6);
  reporter.PrintTarget("tracestate parse, 1 MB of commas", {"BM_TraceStateParse1MBCommas"}, 1e6);
  reporter.PrintTarget("tracestate parse, 32 KiB of commas (scanned)",
                       {"BM_TraceStateParseCommasUpToCap"}, 1e6);
  reporter.PrintRatio("traceparent parse: weft / scalar baseline", "BM_TraceParentParse",
                      "BM_TraceParentParseScalarBaseline");
  benchmark::Shutdown();
  return 0;
}
