// OTLP protobuf decode/encode throughput: weft's zero-copy codec against libprotobuf's generated
// code (proto/) on the same bytes. The request is what a busy SDK exporter sends: 512 spans from a
// few services, ~10 attributes each (strings, ints, bools), ~450 bytes per span.
// Run: build/bench/otlp_decode_bench [--benchmark_min_time=0.5]. Prints weft/libprotobuf ratios.
#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "benchmark/benchmark.h"
#include "google/protobuf/arena.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/proto_codec.h"
#include "ratio_reporter.h"

namespace {

using ProtoRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
namespace common_pb = opentelemetry::proto::common::v1;

constexpr int kSpans = 512;
constexpr int kServices = 4;

void AddString(google::protobuf::RepeatedPtrField<common_pb::KeyValue>* attrs,
               const std::string& key, const std::string& value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}
void AddInt(google::protobuf::RepeatedPtrField<common_pb::KeyValue>* attrs, const std::string& key,
            int64_t value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}
void AddBool(google::protobuf::RepeatedPtrField<common_pb::KeyValue>* attrs, const std::string& key,
             bool value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_bool_value(value);
}

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() | 1);
  return s;
}

const std::string& RealisticRequest() {
  static const std::string bytes = [] {
    static const char* kServiceNames[kServices] = {"frontend", "checkout", "cart", "payments"};
    static const char* kRoutes[] = {"/api/v1/cart/{id}", "/api/v1/checkout", "/api/v1/products",
                                    "/healthz"};
    std::mt19937_64 rng(42);
    ProtoRequest request;
    for (int s = 0; s < kServices; ++s) {
      auto* rs = request.add_resource_spans();
      auto* resource_attrs = rs->mutable_resource()->mutable_attributes();
      AddString(resource_attrs, "service.name", kServiceNames[s]);
      AddString(resource_attrs, "service.version", "1.42.0");
      AddString(resource_attrs, "host.name", "ip-10-0-3-17.ec2.internal");
      AddString(resource_attrs, "telemetry.sdk.language", "go");
      AddString(resource_attrs, "telemetry.sdk.version", "1.21.0");
      auto* ss = rs->add_scope_spans();
      ss->mutable_scope()->set_name("go.opentelemetry.io/contrib/instrumentation/net/http");
      ss->mutable_scope()->set_version("0.46.0");
      const std::string trace_id = RandomBytes(rng, 16);
      for (int i = 0; i < kSpans / kServices; ++i) {
        auto* span = ss->add_spans();
        span->set_trace_id(i % 8 == 0 ? RandomBytes(rng, 16) : trace_id);
        span->set_span_id(RandomBytes(rng, 8));
        if (i % 8 != 0) span->set_parent_span_id(RandomBytes(rng, 8));
        const char* route = kRoutes[rng() % 4];
        span->set_name(std::string("HTTP GET ") + route);
        span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
        const uint64_t start = 1700000000000000000ULL + rng() % 1000000000000ULL;
        span->set_start_time_unix_nano(start);
        span->set_end_time_unix_nano(start + rng() % 50000000);
        auto* attrs = span->mutable_attributes();
        AddString(attrs, "http.method", i % 3 ? "GET" : "POST");
        AddString(attrs, "http.route", route);
        AddString(attrs, "http.url",
                  "https://shop.example.com/api/v1/cart/" + std::to_string(rng() % 100000));
        AddInt(attrs, "http.status_code", i % 17 ? 200 : 503);
        AddString(attrs, "net.peer.ip", "10.0." + std::to_string(rng() % 256) + ".17");
        AddInt(attrs, "net.peer.port", 40000 + static_cast<int64_t>(rng() % 20000));
        AddString(attrs, "user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0");
        AddInt(attrs, "http.response_content_length", static_cast<int64_t>(rng() % 100000));
        AddBool(attrs, "cache.hit", i % 2 == 0);
        AddString(attrs, "deployment.environment", "production");
        if (i % 17 == 0) {
          span->mutable_status()->set_code(
              opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
          span->mutable_status()->set_message("upstream unavailable");
        }
        span->set_flags(0x101);
      }
    }
    return request.SerializeAsString();
  }();
  return bytes;
}

void SetCounters(benchmark::State& state) {
  state.counters["spans/s"] =
      benchmark::Counter(static_cast<double>(kSpans) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["bytes/span"] =
      static_cast<double>(RealisticRequest().size()) / static_cast<double>(kSpans);
  state.SetBytesProcessed(static_cast<int64_t>(RealisticRequest().size()) * state.iterations());
}

void BM_WeftDecode(benchmark::State& state) {
  const std::string& bytes = RealisticRequest();
  for (auto _ : state) {
    weft::SpanBatch batch;
    auto result = weft::otlp::DecodeExportRequest(bytes, batch);
    if (!result.ok() || batch.size() != kSpans) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch);
  }
  SetCounters(state);
}
BENCHMARK(BM_WeftDecode);

void BM_LibprotobufParse(benchmark::State& state) {
  const std::string& bytes = RealisticRequest();
  for (auto _ : state) {
    ProtoRequest request;  // fresh per request, as a server handles them
    if (!request.ParseFromString(bytes)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(request);
  }
  SetCounters(state);
}
BENCHMARK(BM_LibprotobufParse);

void BM_LibprotobufParseArena(benchmark::State& state) {
  const std::string& bytes = RealisticRequest();
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<ProtoRequest>(&arena);
    if (!request->ParseFromString(bytes)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(request);
  }
  SetCounters(state);
}
BENCHMARK(BM_LibprotobufParseArena);

void BM_WeftEncode(benchmark::State& state) {
  weft::SpanBatch batch;
  if (!weft::otlp::DecodeExportRequest(RealisticRequest(), batch).ok()) std::abort();
  for (auto _ : state) {
    std::string out;
    weft::otlp::EncodeExportRequest(batch, out);
    benchmark::DoNotOptimize(out);
  }
  SetCounters(state);
}
BENCHMARK(BM_WeftEncode);

void BM_LibprotobufSerialize(benchmark::State& state) {
  ProtoRequest request;
  if (!request.ParseFromString(RealisticRequest())) std::abort();
  for (auto _ : state) {
    std::string out;
    request.SerializeToString(&out);
    benchmark::DoNotOptimize(out);
  }
  SetCounters(state);
}
BENCHMARK(BM_LibprotobufSerialize);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  weft::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nrequest: %d spans, %zu bytes (%.0f bytes/span)\n", kSpans,
              RealisticRequest().size(), static_cast<double>(RealisticRequest().size()) / kSpans);
  reporter.PrintRatio("decode: weft / libprotobuf ParseFromString", "BM_WeftDecode",
                      "BM_LibprotobufParse");
  reporter.PrintRatio("decode: weft / libprotobuf with arena", "BM_WeftDecode",
                      "BM_LibprotobufParseArena");
  reporter.PrintRatio("encode: weft / libprotobuf SerializeToString", "BM_WeftEncode",
                      "BM_LibprotobufSerialize");
  benchmark::Shutdown();
  return 0;
}
