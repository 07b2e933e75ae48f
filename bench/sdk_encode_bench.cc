// The SDK's export-side CPU cost per span: finished SpanRecords -> SpanBatch -> OTLP protobuf
// bytes (what the batch processor's thread does for the OTLP exporters), for spans with three
// attributes. Separate from sdk_bench.cc because it includes model/ and otlp/, whose type names
// overlap the public weft/ headers.
// Run: build/bench/sdk_encode_bench
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "sdk/otlp_records.h"
#include "sdk/record_pool.h"

namespace weft {
namespace {

using v1::detail::AttrSlot;
using v1::detail::AttrType;
using v1::detail::SpanRecord;

void AddAttr(SpanRecord* r, std::string_view key, std::string_view value) {
  AttrSlot& a = r->attrs.emplace_back();
  a.key = r->Append(key);
  a.type = AttrType::kString;
  a.s = r->Append(value);
}

void BM_EncodeRecords(benchmark::State& state) {
  static v1::detail::ScopeInfo scope{"bench", "1.0"};
  v1::detail::AttrList resource;
  AttrSlot& service = resource.attrs.emplace_back();
  resource.bytes.append("service.namebench", 17);
  service.key = {0, 12};
  service.type = AttrType::kString;
  service.s = {12, 5};
  std::vector<SpanRecord*> records;
  const size_t n = static_cast<size_t>(state.range(0));
  for (size_t i = 0; i < n; ++i) {
    SpanRecord* r = v1::detail::AcquireRecord();
    for (int b = 0; b < 16; ++b) r->trace_id[b] = static_cast<uint8_t>(i * 7 + b);
    for (int b = 0; b < 8; ++b) r->span_id[b] = static_cast<uint8_t>(i * 3 + b + 1);
    r->has_parent = i % 8 != 0;
    r->parent_span_id = {1, 2, 3, 4, 5, 6, 7, 8};
    r->flags = 1;
    r->kind = 3;
    r->start_ns = 1'700'000'000'000'000'000ULL + i * 1000;
    r->end_ns = r->start_ns + 5000;
    r->name = r->Append("SELECT cart_items");
    AddAttr(r, "db.system", "postgresql");
    AttrSlot& rows = r->attrs.emplace_back();
    rows.key = r->Append("db.rows");
    rows.type = AttrType::kInt;
    rows.i = static_cast<int64_t>(i);
    AddAttr(r, "worker", "w1");
    r->scope = &scope;
    r->resource = &resource;
    records.push_back(r);
  }
  std::string out;
  for ([[maybe_unused]] auto _ : state) {
    out.clear();
    sdk_otlp::EncodeRecords(records, out);
    benchmark::DoNotOptimize(out);
  }
  state.counters["spans/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
  state.counters["bytes/span"] = static_cast<double>(out.size()) / static_cast<double>(n);
  for (SpanRecord* r : records) v1::detail::ReleaseRecord(r);
}
BENCHMARK(BM_EncodeRecords)->Arg(8192);

}  // namespace
}  // namespace weft

BENCHMARK_MAIN();
