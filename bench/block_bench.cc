// Columnar blocks of the embedded store (src/storage/embedded/block, docs/format/block.md) over
// 1M spans from the trace generator: bytes per span on disk, write throughput, FindTrace latency
// (p50/p99 over random trace ids), scan rates of pushed-down conditions, and the cost of walking
// every trace with BlockTraceCursor (as compaction does), also over 40k single-span traces with
// 40k distinct span names or attribute keys, which must cost about what one name and one key
// cost (per-trace work independent of the dictionaries). Targets (issue 4):
// <= 25 bytes/span after compaction (Tempo's Parquet ~57, Jaeger on ClickHouse ~76); trace by id
// well under 1 ms; attribute-equality column scan >= 50 M spans/s per core.
// Run: build/bench/block_bench [--benchmark_min_time=0.5]. Blocks are written to $WEFT_BENCH_DIR
// (default /tmp) and removed at exit. A summary table with the figures is printed last.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <time.h>

#include "benchmark/benchmark.h"
#include "common/file_system.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {
namespace {

constexpr size_t kSpans = 1'000'000;

const SpanBatch& Spans() {
  static const SpanBatch* batch = [] {
    auto* b = new SpanBatch();
    TraceGenerator generator(42);
    generator.FillExactly(*b, kSpans);
    return b;
  }();
  return *batch;
}

const std::vector<TraceId>& TraceIds() {
  static const std::vector<TraceId>* ids = [] {
    auto* v = new std::vector<TraceId>();
    for (const Span& s : Spans().spans()) {
      if (v->empty() || v->back() != s.trace_id) v->push_back(s.trace_id);
    }
    return v;
  }();
  return *ids;
}

std::string Dir() {
  const char* dir = std::getenv("WEFT_BENCH_DIR");
  return dir != nullptr ? dir : "/tmp";
}

std::vector<std::string>& Written() {
  static std::vector<std::string> files;
  return files;
}

// Figures for the summary, in the order they are first set.
std::vector<std::pair<std::string, std::string>>& Summary() {
  static std::vector<std::pair<std::string, std::string>> rows;
  return rows;
}
void Report(const std::string& what, const char* format, double a, double b = 0) {
  char value[128];
  std::snprintf(value, sizeof(value), format, a, b);
  for (auto& row : Summary()) {
    if (row.first == what) {
      row.second = value;
      return;
    }
  }
  Summary().emplace_back(what, value);
}

double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Writes the 1M spans as blocks of `spans_per_block` spans (whole traces each), zstd level and
// row-group size from the arguments.
void BM_WriteBlocks(benchmark::State& state) {
  const SpanBatch& all = Spans();
  const int level = static_cast<int>(state.range(0));
  const auto row_group = static_cast<uint32_t>(state.range(1));
  const auto per_block = static_cast<size_t>(state.range(2));
  // Cut the input into batches of whole traces (as the head cuts idle traces).
  std::vector<std::unique_ptr<SpanBatch>> parts;
  std::vector<uint32_t> indexes;
  for (uint32_t i = 0; i < all.size(); ++i) {
    const bool trace_ends =
        i + 1 == all.size() || all.spans()[i + 1].trace_id != all.spans()[i].trace_id;
    indexes.push_back(i);
    if (trace_ends && (indexes.size() >= per_block || i + 1 == all.size())) {
      parts.push_back(std::make_unique<SpanBatch>());
      parts.back()->CopySpansFrom(all, indexes);
      indexes.clear();
    }
  }
  BlockWriterOptions options;
  options.zstd_level = level;
  options.row_group_spans = row_group;
  uint64_t bytes = 0;
  double cpu_seconds = 0;
  for (auto _ : state) {
    bytes = 0;
    const double cpu0 = ThreadCpuMicros();
    for (size_t p = 0; p < parts.size(); ++p) {
      const std::string path = Dir() + "/weft_block_bench_w" + std::to_string(p) + ".block";
      const SpanBatch* batches[] = {parts[p].get()};
      absl::StatusOr<BlockInfo> info = WriteBlock(PosixFileSystem(), path, batches, options);
      if (!info.ok()) {
        state.SkipWithError(std::string(info.status().message()).c_str());
        return;
      }
      bytes += info->bytes;
      Written().push_back(path);
    }
    cpu_seconds += (ThreadCpuMicros() - cpu0) / 1e6;
  }
  const double spans_per_s =
      static_cast<double>(all.size()) * static_cast<double>(state.iterations()) / cpu_seconds;
  state.counters["bytes/span"] = static_cast<double>(bytes) / static_cast<double>(all.size());
  state.counters["spans/s"] = spans_per_s;
  const std::string what = std::to_string(parts.size()) + " block" + (parts.size() > 1 ? "s" : "") +
                           ", zstd " + std::to_string(level) + ", row groups of " +
                           std::to_string(row_group);
  Report("size: " + what, "%.2f bytes/span",
         static_cast<double>(bytes) / static_cast<double>(all.size()));
  Report("write: " + what, "%.0f k spans/s per core", spans_per_s / 1e3);
}
BENCHMARK(BM_WriteBlocks)
    ->ArgNames({"level", "row_group", "per_block"})
    ->Args({3, 8192, 100'000})    // blocks as the head cuts them
    ->Args({3, 8192, 1'000'000})  // one compacted block
    ->Args({9, 8192, 1'000'000})
    ->Args({3, 4096, 1'000'000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// A 1M-span block (zstd 3) with row groups of `row_group` spans, opened once.
const BlockReader& Reader(uint32_t row_group) {
  static std::map<uint32_t, std::unique_ptr<BlockReader>>* readers =
      new std::map<uint32_t, std::unique_ptr<BlockReader>>();
  auto& slot = (*readers)[row_group];
  if (slot == nullptr) {
    const std::string path =
        Dir() + "/weft_block_bench_read_" + std::to_string(row_group) + ".block";
    const SpanBatch* batches[] = {&Spans()};
    BlockWriterOptions options;
    options.row_group_spans = row_group;
    if (!WriteBlock(PosixFileSystem(), path, batches, options).ok()) std::abort();
    Written().push_back(path);
    absl::StatusOr<std::unique_ptr<BlockReader>> r = BlockReader::Open(PosixFileSystem(), path);
    if (!r.ok()) std::abort();
    slot = std::move(*r);
  }
  return *slot;
}

double Percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty()
             ? 0
             : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// FindTrace of random ids of `ids` (all in `reader`): wall and thread-CPU percentiles.
void RunFindTrace(benchmark::State& state, const BlockReader& reader,
                  const std::vector<TraceId>& ids, const std::string& what) {
  uint64_t x = 12345;
  std::vector<double> wall, cpu;
  size_t spans = 0;
  for (auto _ : state) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const TraceId& id = ids[(x >> 33) % ids.size()];
    const double c0 = ThreadCpuMicros();
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<std::unique_ptr<SpanBatch>> trace = reader.FindTrace(id);
    const auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(ThreadCpuMicros() - c0);
    if (!trace.ok() || (*trace)->empty()) {
      state.SkipWithError("trace not found");
      return;
    }
    spans += (*trace)->size();
    wall.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  const double p50 = Percentile(wall, 0.5), p99 = Percentile(wall, 0.99);
  const double c50 = Percentile(cpu, 0.5), c99 = Percentile(cpu, 0.99);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = p99;
  state.counters["cpu_p50_us"] = c50;
  state.counters["cpu_p99_us"] = c99;
  const double per_trace =
      static_cast<double>(spans) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
  state.counters["spans"] = per_trace;
  Report(what + ": spans per trace found", "%.1f", per_trace);
  Report(what + ", wall p50 / p99", "%.0f / %.0f us", p50, p99);
  Report(what + ", CPU p50 / p99", "%.0f / %.0f us", c50, c99);
}

void BM_FindTrace(benchmark::State& state) {
  const auto row_group = static_cast<uint32_t>(state.range(0));
  RunFindTrace(state, Reader(row_group), TraceIds(),
               "FindTrace, 1M generated spans, row groups of " + std::to_string(row_group));
}
BENCHMARK(BM_FindTrace)->ArgName("row_group")->Arg(8192)->Arg(4096)->Unit(benchmark::kMicrosecond);

// High-cardinality dictionaries: kWalkTraces single-span traces whose span names are drawn from
// `names` distinct names ("GET /users/<n>") and whose one attribute key from `keys` distinct
// keys. Reading a trace must not cost time in proportion to the dictionaries (compaction walks
// every trace of a block; FindTrace has a latency target).
constexpr uint32_t kWalkTraces = 40'000;

struct HighCardinalityBlock {
  std::unique_ptr<BlockReader> reader;
  std::vector<TraceId> ids;
};

const HighCardinalityBlock& HighCardinality(uint32_t names, uint32_t keys) {
  static auto* blocks = new std::map<std::pair<uint32_t, uint32_t>, HighCardinalityBlock>();
  HighCardinalityBlock& block = (*blocks)[{names, keys}];
  if (block.reader != nullptr) return block;
  SpanBatch batch;
  Arena& arena = batch.arena();
  Resource resource;
  const KeyValue service{"service.name", AnyValue::String("users")};
  resource.attributes = {&service, 1};
  const uint32_t scope = batch.AddScope(batch.AddResource(resource), InstrumentationScope{});
  RandomGenerator rng(99);
  for (uint32_t i = 0; i < kWalkTraces; ++i) {
    Span span;
    span.trace_id = TraceId::Random(rng);
    span.span_id = SpanId::Random(rng);
    span.name = arena.CopyString("GET /users/" + std::to_string(i % names));
    span.kind = SpanKind::kServer;
    span.start_time_unix_nano = 1'700'000'000'000'000'000 + uint64_t{i} * 1'000'000;
    span.end_time_unix_nano = span.start_time_unix_nano + 250'000;
    span.scope_index = scope;
    auto* attribute = static_cast<KeyValue*>(arena.Allocate(sizeof(KeyValue), alignof(KeyValue)));
    new (attribute) KeyValue{arena.CopyString("app.k" + std::to_string(i % keys)),
                             AnyValue::Int(static_cast<int64_t>(i))};
    span.attributes = {attribute, 1};
    batch.AddSpan(span);
    block.ids.push_back(span.trace_id);
  }
  const std::string path = Dir() + "/weft_block_bench_names_" + std::to_string(names) + "_keys_" +
                           std::to_string(keys) + ".block";
  const SpanBatch* batches[] = {&batch};
  if (!WriteBlock(PosixFileSystem(), path, batches).ok()) std::abort();
  Written().push_back(path);
  absl::StatusOr<std::unique_ptr<BlockReader>> reader = BlockReader::Open(PosixFileSystem(), path);
  if (!reader.ok()) std::abort();
  block.reader = std::move(*reader);
  return block;
}

// Every trace of a block through BlockTraceCursor (what compaction does): CPU per trace.
double WalkCursor(benchmark::State& state, const BlockReader& reader) {
  double cpu_micros = 0;
  uint64_t traces = 0, spans = 0;
  for (auto _ : state) {
    const double c0 = ThreadCpuMicros();
    std::unique_ptr<BlockTraceCursor> cursor = reader.NewTraceCursor();
    TraceId id;
    std::unique_ptr<SpanBatch> batch;
    while (true) {
      absl::StatusOr<bool> more = cursor->Next(&id, &batch);
      if (!more.ok()) {
        state.SkipWithError(std::string(more.status().message()).c_str());
        return 0;
      }
      if (!*more) break;
      ++traces;
      spans += batch->size();
    }
    cpu_micros += ThreadCpuMicros() - c0;
  }
  state.counters["ns/trace"] =
      cpu_micros * 1e3 / static_cast<double>(std::max<uint64_t>(1, traces));
  state.counters["spans/s"] = static_cast<double>(spans) / (cpu_micros / 1e6);
  return cpu_micros / 1e3 / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

void BM_CursorWalkHighCardinality(benchmark::State& state) {
  const auto names = static_cast<uint32_t>(state.range(0));
  const auto keys = static_cast<uint32_t>(state.range(1));
  const double ms = WalkCursor(state, *HighCardinality(names, keys).reader);
  static double baseline_ms = 0;  // names = keys = 1 runs first
  if (names == 1 && keys == 1) baseline_ms = ms;
  const std::string what = "cursor walk, 40k single-span traces, " + std::to_string(names) +
                           " span name" + (names > 1 ? "s" : "") + ", " + std::to_string(keys) +
                           " attribute key" + (keys > 1 ? "s" : "");
  if (baseline_ms > 0 && !(names == 1 && keys == 1)) {
    Report(what, "%.1f ms CPU (%.2fx one name, one key)", ms, ms / baseline_ms);
  } else {
    Report(what, "%.1f ms CPU", ms);
  }
}
BENCHMARK(BM_CursorWalkHighCardinality)
    ->ArgNames({"names", "keys"})
    ->Args({1, 1})
    ->Args({kWalkTraces, 1})
    ->Args({1, kWalkTraces})
    ->Unit(benchmark::kMillisecond);

// The 1M generated spans through the cursor: compaction's read side.
void BM_CursorWalkGenerated(benchmark::State& state) {
  const double ms = WalkCursor(state, Reader(8192));
  Report("cursor walk, 1M generated spans, row groups of 8192", "%.0f ms CPU (%.2f M spans/s)", ms,
         static_cast<double>(kSpans) / ms / 1e3);
}
BENCHMARK(BM_CursorWalkGenerated)->Unit(benchmark::kMillisecond);

void BM_FindTraceHighCardinality(benchmark::State& state) {
  const HighCardinalityBlock& block = HighCardinality(kWalkTraces, kWalkTraces);
  RunFindTrace(state, *block.reader, block.ids,
               "FindTrace, 40k single-span traces, 40k span names and keys");
}
BENCHMARK(BM_FindTraceHighCardinality)->Unit(benchmark::kMicrosecond);

void BM_FindTraceAbsent(benchmark::State& state) {
  const BlockReader& reader = Reader(8192);
  std::vector<double> wall;
  RandomGenerator rng(7);
  for (auto _ : state) {
    const TraceId id = TraceId::Random(rng);
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<std::unique_ptr<SpanBatch>> trace = reader.FindTrace(id);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(trace);
    wall.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  const double p50 = Percentile(wall, 0.5), p99 = Percentile(wall, 0.99);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = p99;
  Report("FindTrace of absent ids (bloom filter), wall p50 / p99", "%.2f / %.1f us", p50, p99);
}
BENCHMARK(BM_FindTraceAbsent)->Unit(benchmark::kMicrosecond);

storage::Condition Attr(std::string key, storage::Operand operand) {
  storage::Condition c;
  c.field = storage::Field::kAttribute;
  c.scope = storage::AttributeScope::kSpan;
  c.key = std::move(key);
  c.operand = std::move(operand);
  return c;
}

// Rate = spans inspected per CPU second of the scanning thread (per core).
void RunScan(benchmark::State& state, const storage::FetchRequest& request,
             const std::string& what) {
  const BlockReader& reader = Reader(8192);
  uint64_t inspected = 0, traces = 0;
  double cpu_micros = 0;
  for (auto _ : state) {
    const double c0 = ThreadCpuMicros();
    absl::StatusOr<storage::FetchResult> result = reader.Scan(request);
    cpu_micros += ThreadCpuMicros() - c0;
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    inspected += result->inspected_spans;
    traces += result->traces.size();
  }
  const double rate = static_cast<double>(inspected) / (cpu_micros / 1e6);
  const double per_scan_ms = cpu_micros / 1e3 / static_cast<double>(state.iterations());
  state.counters["spans/s"] = rate;
  state.counters["traces"] = static_cast<double>(traces) / static_cast<double>(state.iterations());
  Report("scan " + what, "%.1f M spans/s per core (%.1f ms CPU per 1M-span scan)", rate / 1e6,
         per_scan_ms);
}

// A rare user: the pushed-down column scan itself (a handful of traces are rebuilt).
void BM_ScanAttributeEqualsRare(benchmark::State& state) {
  const SpanBatch& spans = Spans();
  const AnyValue* user = FindAttribute(spans.spans()[spans.size() / 2].attributes, "enduser.id");
  storage::FetchRequest request;
  request.filter = storage::ConditionTree::Leaf(
      Attr("enduser.id", std::string(user != nullptr ? user->string_value() : "user-00001")));
  RunScan(state, request, ".enduser.id = \"<one user>\" (column scan, few results)");
}
BENCHMARK(BM_ScanAttributeEqualsRare)->Unit(benchmark::kMillisecond);

void BM_ScanAttributeEqualsInt(benchmark::State& state) {
  storage::FetchRequest request;
  request.filter = storage::ConditionTree::Leaf(Attr("http.status_code", int64_t{500}));
  RunScan(state, request, ".http.status_code = 500 (20 newest traces rebuilt)");
}
BENCHMARK(BM_ScanAttributeEqualsInt)->Unit(benchmark::kMillisecond);

void BM_ScanServiceAndDuration(benchmark::State& state) {
  storage::Condition service;
  service.field = storage::Field::kServiceName;
  service.operand = std::string("payment");
  storage::Condition duration;
  duration.field = storage::Field::kDuration;
  duration.op = storage::CompareOp::kGt;
  duration.operand = int64_t{100'000'000};  // 100 ms
  storage::FetchRequest request;
  request.filter = storage::ConditionTree::And(
      {storage::ConditionTree::Leaf(service), storage::ConditionTree::Leaf(duration)});
  RunScan(state, request, "service = payment && duration > 100ms (20 newest)");
}
BENCHMARK(BM_ScanServiceAndDuration)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft::storage::embedded

int main(int argc, char** argv) {
  using namespace weft::storage::embedded;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  std::printf("\nweft blocks: %zu generated spans in %zu traces (%.1f spans/trace)\n",
              Spans().size(), TraceIds().size(),
              static_cast<double>(Spans().size()) / static_cast<double>(TraceIds().size()));
  for (const auto& [what, value] : Summary())
    std::printf("  %-88s %s\n", what.c_str(), value.c_str());
  std::printf(
      "targets: <= 25 bytes/span after compaction (Tempo Parquet ~57, Jaeger/ClickHouse ~76); "
      "FindTrace well under 1 ms; column scan >= 50 M spans/s per core\n");
  for (const std::string& path : Written()) weft::PosixFileSystem().Remove(path).IgnoreError();
  benchmark::Shutdown();
  return 0;
}
