// OTLP/JSON decode/encode throughput on a realistic request: 512 spans of a small web shop from
// TraceGenerator (six services, ~10 semantic-convention attributes per span, some events),
// grouped by service as an OTel SDK's or Collector's HTTP/JSON exporter sends them. Baselines:
// simdjson's DOM parse of the same text alone (the floor under any decoder built on it), and weft's
// protobuf codec on the same spans. Run: build/bench/otlp_json_bench [--benchmark_min_time=0.5].
// Prints the ratios at the end.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "model/trace_generator.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"
#include "ratio_reporter.h"
#include "simdjson.h"

namespace {

constexpr size_t kSpans = 512;

// The request's spans, exactly kSpans of them, grouped by service as an exporter or a
// Collector's batch processor sends them (one ResourceSpans per service).
const weft::SpanBatch& RealisticBatch() {
  static const weft::SpanBatch batch = [] {
    weft::SpanBatch generated;
    weft::TraceGenerator(42).Fill(generated, kSpans);
    std::vector<uint32_t> order(kSpans);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return generated.spans()[a].scope_index < generated.spans()[b].scope_index;
    });
    weft::SpanBatch grouped;
    grouped.CopySpansFrom(generated, order);
    return grouped;
  }();
  return batch;
}

const std::string& RealisticJson() {
  static const std::string json = [] {
    std::string out;
    weft::otlp::EncodeExportRequestJson(RealisticBatch(), out);
    return out;
  }();
  return json;
}

const std::string& RealisticProto() {
  static const std::string bytes = [] {
    std::string out;
    weft::otlp::EncodeExportRequest(RealisticBatch(), out);
    return out;
  }();
  return bytes;
}

void SetCounters(benchmark::State& state, size_t request_bytes) {
  state.counters["spans/s"] =
      benchmark::Counter(static_cast<double>(kSpans) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(request_bytes) * state.iterations());
}

void BM_JsonDecode(benchmark::State& state) {
  const std::string& json = RealisticJson();
  for (auto _ : state) {
    weft::SpanBatch batch;
    auto result = weft::otlp::DecodeExportRequestJson(json, batch);
    if (!result.ok() || batch.size() != kSpans) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch);
  }
  SetCounters(state, json.size());
}
BENCHMARK(BM_JsonDecode);

void BM_SimdjsonParseOnly(benchmark::State& state) {
  const std::string& json = RealisticJson();
  simdjson::dom::parser parser;  // reused, as the decoder reuses its per-thread parser
  for (auto _ : state) {
    simdjson::dom::element root;
    if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
      state.SkipWithError("parse failed");
    }
    benchmark::DoNotOptimize(root);
  }
  SetCounters(state, json.size());
}
BENCHMARK(BM_SimdjsonParseOnly);

void BM_ProtoDecode(benchmark::State& state) {
  const std::string& bytes = RealisticProto();
  for (auto _ : state) {
    weft::SpanBatch batch;
    auto result = weft::otlp::DecodeExportRequest(bytes, batch);
    if (!result.ok() || batch.size() != kSpans) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch);
  }
  SetCounters(state, bytes.size());
}
BENCHMARK(BM_ProtoDecode);

void BM_JsonEncode(benchmark::State& state) {
  const weft::SpanBatch& batch = RealisticBatch();
  for (auto _ : state) {
    std::string out;
    weft::otlp::EncodeExportRequestJson(batch, out);
    benchmark::DoNotOptimize(out);
  }
  SetCounters(state, RealisticJson().size());
}
BENCHMARK(BM_JsonEncode);

void BM_ProtoEncode(benchmark::State& state) {
  const weft::SpanBatch& batch = RealisticBatch();
  for (auto _ : state) {
    std::string out;
    weft::otlp::EncodeExportRequest(batch, out);
    benchmark::DoNotOptimize(out);
  }
  SetCounters(state, RealisticProto().size());
}
BENCHMARK(BM_ProtoEncode);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  weft::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nrequest: %zu spans, %zu bytes of JSON (%.0f bytes/span), %zu bytes of protobuf\n",
              kSpans, RealisticJson().size(), static_cast<double>(RealisticJson().size()) / kSpans,
              RealisticProto().size());
  reporter.PrintRatio("decode: JSON / simdjson parse alone", "BM_JsonDecode",
                      "BM_SimdjsonParseOnly");
  reporter.PrintRatio("decode: JSON / protobuf", "BM_JsonDecode", "BM_ProtoDecode");
  reporter.PrintRatio("encode: JSON / protobuf", "BM_JsonEncode", "BM_ProtoEncode");
  benchmark::Shutdown();
  return 0;
}
