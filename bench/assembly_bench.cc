// Trace assembly (src/query/assembly/): AssembleTrace on one TraceGenerator trace of 10, 100,
// 10,000 and 10,008 spans, reporting spans/s. The budget: a 10,008-span trace assembles in well
// under 50 ms. "Copy" assembles from a const batch (deep copy, as trace-by-ID does when it keeps
// the fetched batch); "Adopt" hands the batch over; "ClockSkew" adds skew adjustment.
#include <string>

#include "benchmark/benchmark.h"
#include "model/trace_generator.h"
#include "query/assembly/trace_assembler.h"

namespace weft {
namespace {

SpanBatch GeneratedTrace(uint32_t spans) {
  TraceGeneratorOptions options;
  options.min_spans_per_trace = options.max_spans_per_trace = spans;
  TraceGenerator generator(7, options);
  SpanBatch batch;
  generator.NextTrace(batch);
  return batch;
}

void Report(benchmark::State& state, size_t spans) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * spans));
  state.counters["spans/s"] = benchmark::Counter(static_cast<double>(state.iterations() * spans),
                                                 benchmark::Counter::kIsRate);
}

void BM_AssembleTraceCopy(benchmark::State& state) {
  const SpanBatch batch = GeneratedTrace(static_cast<uint32_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(query::AssembleTrace(batch));
  Report(state, batch.size());
}
BENCHMARK(BM_AssembleTraceCopy)
    ->Arg(10)
    ->Arg(100)
    ->Arg(10'000)
    ->Arg(10'008)
    ->Unit(benchmark::kMicrosecond);

void BM_AssembleTraceAdopt(benchmark::State& state) {
  const SpanBatch batch = GeneratedTrace(static_cast<uint32_t>(state.range(0)));
  std::vector<uint32_t> all(batch.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  for (auto _ : state) {
    state.PauseTiming();
    SpanBatch copy;
    copy.CopySpansFrom(batch, all);
    state.ResumeTiming();
    benchmark::DoNotOptimize(query::AssembleTrace(std::move(copy)));
  }
  Report(state, batch.size());
}
BENCHMARK(BM_AssembleTraceAdopt)->Arg(10'000)->Unit(benchmark::kMicrosecond);

void BM_AssembleTraceClockSkew(benchmark::State& state) {
  const SpanBatch batch = GeneratedTrace(static_cast<uint32_t>(state.range(0)));
  query::AssemblyOptions options;
  options.adjust_clock_skew = true;
  for (auto _ : state) benchmark::DoNotOptimize(query::AssembleTrace(batch, options));
  Report(state, batch.size());
}
BENCHMARK(BM_AssembleTraceClockSkew)->Arg(10'000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
