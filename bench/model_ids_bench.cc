// Id generation and hex conversion (src/model/ids.h), the per-span costs every SDK and decoder
// pays. Baseline: std::mt19937_64 for generation and snprintf("%016llx") for hex, in the same run.
#include <cstdio>
#include <random>

#include "benchmark/benchmark.h"
#include "model/ids.h"

namespace weft {
namespace {

void BM_TraceIdRandom(benchmark::State& state) {
  RandomGenerator rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(TraceId::Random(rng));
}
BENCHMARK(BM_TraceIdRandom);

void BM_SpanIdRandom(benchmark::State& state) {
  RandomGenerator rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(SpanId::Random(rng));
}
BENCHMARK(BM_SpanIdRandom);

void BM_SpanIdRandomThreadLocal(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(SpanId::Random());
}
BENCHMARK(BM_SpanIdRandomThreadLocal);

void BM_Baseline_Mt19937SpanId(benchmark::State& state) {
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(rng());
}
BENCHMARK(BM_Baseline_Mt19937SpanId);

void BM_TraceIdToHex(benchmark::State& state) {
  const TraceId id = TraceId::Random();
  char out[TraceId::kHexSize];
  for (auto _ : state) {
    id.ToHex(out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_TraceIdToHex);

void BM_Baseline_SnprintfTraceIdHex(benchmark::State& state) {
  const TraceId id = TraceId::Random();
  char out[TraceId::kHexSize + 1];
  for (auto _ : state) {
    std::snprintf(out, sizeof(out), "%016llx%016llx", static_cast<unsigned long long>(id.High64()),
                  static_cast<unsigned long long>(id.High64() ^ 1));
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Baseline_SnprintfTraceIdHex);

void BM_TraceIdFromHex(benchmark::State& state) {
  const std::string hex = TraceId::Random().ToHex();
  for (auto _ : state) benchmark::DoNotOptimize(TraceId::FromHex(hex));
}
BENCHMARK(BM_TraceIdFromHex);

void BM_SpanIdFromHex(benchmark::State& state) {
  const std::string hex = SpanId::Random().ToHex();
  for (auto _ : state) benchmark::DoNotOptimize(SpanId::FromHex(hex));
}
BENCHMARK(BM_SpanIdFromHex);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
