// Compaction of the embedded store (src/storage/embedded/compaction): 300k generated spans written
// as small blocks of ~2,000 spans each (whole traces, as the head cuts them every couple of
// seconds), then compacted as the store would: PlanCompaction groups of at most 16 blocks, then
// the outputs again, until one block is left. Reports bytes per span of the small blocks and of
// the compacted block, and compaction throughput (spans per CPU second of the compacting thread,
// every round included). Target (issue 4): <= 25 bytes/span after compaction.
// Run: build/bench/compaction_bench. Blocks are written under $WEFT_BENCH_DIR (default /tmp) and
// removed at exit. A summary table with the figures is printed last.
#include <utility>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <time.h>

#include "benchmark/benchmark.h"
#include "common/file_system.h"
#include "model/trace_generator.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_writer.h"
#include "storage/embedded/compaction/compaction_plan.h"
#include "storage/embedded/compaction/compactor.h"

namespace weft::storage::embedded {
namespace {

constexpr size_t kSpans = 300'000;
constexpr size_t kSpansPerSmallBlock = 2'000;

const std::string& Dir() {
  static const std::string* dir = [] {
    const char* base = std::getenv("WEFT_BENCH_DIR");
    std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/weft_compaction_XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    return new std::string(tmpl);
  }();
  return *dir;
}

// The small blocks, written once (zstd 3, as the head writes them).
struct SmallBlocks {
  std::vector<BlockInfo> blocks;
  uint64_t spans = 0;
  uint64_t bytes = 0;
  uint64_t traces = 0;
};

const SmallBlocks& Small() {
  static const SmallBlocks* small = [] {
    auto* out = new SmallBlocks();
    SpanBatch all;
    TraceGenerator generator(42);
    generator.FillExactly(all, kSpans);
    std::vector<uint32_t> indexes;
    for (uint32_t i = 0; i < all.size(); ++i) {
      indexes.push_back(i);
      const bool trace_ends =
          i + 1 == all.size() || all.spans()[i + 1].trace_id != all.spans()[i].trace_id;
      if (trace_ends) ++out->traces;
      if (trace_ends && (indexes.size() >= kSpansPerSmallBlock || i + 1 == all.size())) {
        SpanBatch part;
        part.CopySpansFrom(all, indexes);
        indexes.clear();
        const SpanBatch* batches[] = {&part};
        const std::string path = Dir() + "/small_" + std::to_string(out->blocks.size()) + ".block";
        absl::StatusOr<BlockInfo> info = WriteBlock(PosixFileSystem(), path, batches, {});
        if (!info.ok()) std::abort();
        out->spans += info->spans;
        out->bytes += info->bytes;
        out->blocks.push_back(*info);
      }
    }
    return out;
  }();
  return *small;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<std::pair<std::string, std::string>>& Summary() {
  static std::vector<std::pair<std::string, std::string>> rows;
  return rows;
}
void Report(const std::string& what, const char* format, double a) {
  char value[128];
  std::snprintf(value, sizeof(value), format, a);
  for (auto& row : Summary()) {
    if (row.first == what) {
      row.second = value;
      return;
    }
  }
  Summary().emplace_back(what, value);
}

// Compacts the small blocks round by round into one block at zstd level range(0), row groups of
// range(1) spans.
void BM_CompactSmallBlocks(benchmark::State& state) {
  const SmallBlocks& small = Small();
  BlockWriterOptions options;
  options.zstd_level = static_cast<int>(state.range(0));
  options.row_group_spans = static_cast<uint32_t>(state.range(1));
  CompactionPolicy policy;
  policy.min_inputs = 2;  // merge down to a single block
  policy.max_inputs = 16;

  BlockInfo final_block;
  double cpu_seconds = 0, round1_cpu_seconds = 0;
  uint64_t rounds = 0, duplicates = 0, compacted_spans = 0;
  int output_number = 0;
  for (auto _ : state) {
    std::vector<BlockInfo> blocks = small.blocks;
    std::vector<std::string> outputs;  // this iteration's files, removed after it
    rounds = 0;
    const double cpu0 = ThreadCpuSeconds();
    while (blocks.size() > 1) {
      const std::vector<std::vector<size_t>> groups = PlanCompaction(blocks, policy);
      if (groups.empty()) break;
      std::vector<BlockInfo> next;
      std::vector<bool> merged(blocks.size());
      for (const std::vector<size_t>& group : groups) {
        std::vector<std::unique_ptr<BlockReader>> readers;
        std::vector<const BlockReader*> inputs;
        for (size_t i : group) {
          absl::StatusOr<std::unique_ptr<BlockReader>> reader =
              BlockReader::Open(PosixFileSystem(), blocks[i].path);
          if (!reader.ok()) {
            state.SkipWithError(std::string(reader.status().message()).c_str());
            return;
          }
          inputs.push_back(reader->get());
          readers.push_back(std::move(*reader));
          merged[i] = true;
        }
        const std::string path = Dir() + "/compacted_" + std::to_string(output_number++) + ".block";
        absl::StatusOr<CompactionResult> result =
            CompactBlocks(PosixFileSystem(), inputs, path, options);
        if (!result.ok()) {
          state.SkipWithError(std::string(result.status().message()).c_str());
          return;
        }
        duplicates += result->duplicates_dropped;
        compacted_spans += result->input_spans;
        outputs.push_back(path);
        next.push_back(result->block);
      }
      for (size_t i = 0; i < blocks.size(); ++i) {
        if (!merged[i]) next.push_back(blocks[i]);
      }
      blocks = std::move(next);
      if (++rounds == 1) round1_cpu_seconds += ThreadCpuSeconds() - cpu0;
    }
    cpu_seconds += ThreadCpuSeconds() - cpu0;
    if (blocks.size() != 1) {
      state.SkipWithError("compaction did not end in one block");
      return;
    }
    final_block = blocks[0];
    state.PauseTiming();
    for (const std::string& path : outputs) PosixFileSystem().Remove(path).IgnoreError();
    state.ResumeTiming();
  }
  const double spans = static_cast<double>(small.spans);
  const double iterations = static_cast<double>(state.iterations());
  const double small_bytes_per_span = static_cast<double>(small.bytes) / spans;
  const double bytes_per_span = static_cast<double>(final_block.bytes) / spans;
  const double spans_per_s = spans * iterations / cpu_seconds;
  const double round1_spans_per_s = spans * iterations / round1_cpu_seconds;
  state.counters["small_blocks"] = static_cast<double>(small.blocks.size());
  state.counters["small_bytes_per_span"] = small_bytes_per_span;
  state.counters["bytes_per_span"] = bytes_per_span;
  state.counters["rounds"] = static_cast<double>(rounds);
  state.counters["spans_per_s"] = spans_per_s;
  state.counters["round1_spans_per_s"] = round1_spans_per_s;
  state.counters["compacted_spans_per_s"] = static_cast<double>(compacted_spans) / cpu_seconds;
  state.counters["duplicates"] = static_cast<double>(duplicates) / iterations;

  Report(std::to_string(small.blocks.size()) + " small blocks (zstd 3): size", "%.2f bytes/span",
         small_bytes_per_span);
  const std::string what = "compacted to one block, zstd " + std::to_string(options.zstd_level) +
                           ", row groups of " + std::to_string(options.row_group_spans);
  Report(what + ": size", "%.2f bytes/span", bytes_per_span);
  Report(what + ": " + std::to_string(rounds) + " rounds, all rounds", "%.0f k spans/s per core",
         spans_per_s / 1e3);
  Report(what + ": first round (small blocks in)", "%.0f k spans/s per core",
         round1_spans_per_s / 1e3);
}
BENCHMARK(BM_CompactSmallBlocks)
    ->ArgNames({"level", "row_group"})
    ->Args({3, 8192})
    ->Args({9, 8192})
    ->Args({9, 32768})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace weft::storage::embedded

int main(int argc, char** argv) {
  namespace embedded = weft::storage::embedded;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  const embedded::SmallBlocks& small = embedded::Small();
  std::printf("\nweft compaction: %llu generated spans in %llu traces, %zu small blocks\n",
              static_cast<unsigned long long>(small.spans),
              static_cast<unsigned long long>(small.traces), small.blocks.size());
  for (const auto& [what, value] : embedded::Summary()) {
    std::printf("  %-88s %s\n", what.c_str(), value.c_str());
  }
  std::printf("target: <= 25 bytes/span after compaction\n");
  std::error_code ignored;
  std::filesystem::remove_all(embedded::Dir(), ignored);
  benchmark::Shutdown();
  return 0;
}
