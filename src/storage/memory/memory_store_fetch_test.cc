// The memory store's SpanFetcher beyond the conformance suite: how little Fetch evaluates, and
// that search results and the service lists follow eviction.
#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "storage/memory/memory_store.h"

namespace weft::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr uint64_t kBase = 1'700'000'000'000'000'000ULL;
constexpr uint64_t kMillis = 1'000'000;

TraceId Id(uint32_t n) {
  std::array<uint8_t, 16> bytes{};
  bytes[0] = 0xfe;
  for (int i = 15; i >= 12; --i, n >>= 8) bytes[i] = static_cast<uint8_t>(n);
  return TraceId(bytes);
}

struct SpanSpec {
  TraceId trace;
  std::string service;
  std::string name;
  uint64_t start = 0;
  uint64_t duration = 0;
  bool root = true;
};

std::unique_ptr<SpanBatch> Batch(const std::vector<SpanSpec>& specs) {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  for (const SpanSpec& spec : specs) {
    const KeyValue attrs[] = {{"service.name", AnyValue::String(arena.CopyString(spec.service))}};
    const uint32_t r = batch->AddResource({arena.CopyArray(Attributes(attrs)), 0, ""});
    Span span;
    span.trace_id = spec.trace;
    span.span_id = SpanId::Random();
    if (!spec.root) span.parent_span_id = SpanId::Random();
    span.name = arena.CopyString(spec.name);
    span.kind = SpanKind::kServer;
    span.start_time_unix_nano = spec.start;
    span.end_time_unix_nano = spec.start + spec.duration;
    span.scope_index = batch->AddScope(r, {});
    batch->AddSpan(span);
  }
  return batch;
}

void Write(SpanStore& store, std::unique_ptr<SpanBatch> batch, std::string_view tenant = "t") {
  absl::Status result = absl::UnknownError("not done");
  store.Write(tenant, std::move(batch), [&](absl::Status status) { result = std::move(status); });
  ASSERT_TRUE(result.ok()) << result;
}

FetchResult FetchOk(SpanStore& store, FetchRequest request) {
  // Assigning a std::string: g++ 12 warns (-Wrestrict, a false positive) on `= "t"` here.
  if (request.tenant.empty()) request.tenant = std::string("t");
  absl::StatusOr<FetchResult> result = store.Fetch(request);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : FetchResult{};
}

std::vector<TraceId> Ids(const FetchResult& result) {
  std::vector<TraceId> ids;
  for (const TraceMatch& match : result.traces) ids.push_back(match.summary.trace_id);
  return ids;
}

ConditionTree NameIs(std::string name) {
  Condition c;
  c.field = Field::kSpanName;
  c.op = CompareOp::kEq;
  c.operand = std::move(name);
  return ConditionTree::Leaf(std::move(c));
}

// 1000 one-span traces, 1 ms apart, each lasting half a millisecond.
std::unique_ptr<SpanStore> ThousandTraces() {
  auto store = NewMemoryStore();
  std::vector<SpanSpec> specs;
  for (uint32_t i = 0; i < 1000; ++i) {
    specs.push_back({Id(i), "svc", "op", kBase + i * kMillis, kMillis / 2});
  }
  Write(*store, Batch(specs));
  return store;
}

TEST(MemoryStoreFetchTest, StopsEvaluatingAtTheLimit) {
  auto store = ThousandTraces();
  FetchRequest request;
  request.limit = 5;
  const FetchResult result = FetchOk(*store, request);
  EXPECT_THAT(Ids(result), ElementsAre(Id(999), Id(998), Id(997), Id(996), Id(995)));
  EXPECT_EQ(result.inspected_spans, 5u);
}

TEST(MemoryStoreFetchTest, EvaluatesOnlyTracesInTheTimeRange) {
  auto store = ThousandTraces();
  FetchRequest request;
  request.start_unix_nanos = kBase + 500 * kMillis;
  request.end_unix_nanos = kBase + 509 * kMillis;
  request.limit = 100;
  request.filter = NameIs("none");
  EXPECT_THAT(Ids(FetchOk(*store, request)), IsEmpty());
  EXPECT_EQ(FetchOk(*store, request).inspected_spans, 10u);
}

// A store that holds about `batches` one-span batches before evicting the oldest.
std::unique_ptr<SpanStore> StoreHolding(int batches) {
  auto probe = NewMemoryStore();
  Write(*probe, Batch({{Id(0), "probe", "op", kBase, 1}}));
  const size_t one = GetMemoryStoreStats(*probe).bytes;
  return NewMemoryStore({.max_bytes = one * batches + one / 2});
}

TEST(MemoryStoreFetchTest, SearchFollowsEviction) {
  auto store = StoreHolding(3);
  const TraceId id = Id(1);
  Write(*store, Batch({{id, "frontend", "root", kBase, 10 * kMillis}}));
  Write(*store, Batch({{id, "cart", "late", kBase + 100 * kMillis, kMillis, false}}));
  Write(*store, Batch({{Id(2), "other", "op", kBase + 50 * kMillis, kMillis}}));
  Write(*store, Batch({{Id(3), "other", "op", kBase + 60 * kMillis, kMillis}}));  // evicts root
  ASSERT_EQ(GetMemoryStoreStats(*store).evicted_batches, 1u);

  const FetchResult result = FetchOk(*store, FetchRequest{});
  // Trace 1 now starts with its late span, so it is the newest.
  EXPECT_THAT(Ids(result), ElementsAre(id, Id(3), Id(2)));
  EXPECT_EQ(result.traces[0].summary.start_unix_nanos, kBase + 100 * kMillis);
  EXPECT_EQ(result.traces[0].summary.span_count, 1u);
  EXPECT_EQ(result.traces[0].summary.root_service, "") << "the root was evicted";

  FetchRequest by_root;
  by_root.filter = NameIs("root");
  EXPECT_THAT(Ids(FetchOk(*store, by_root)), IsEmpty());
}

TEST(MemoryStoreFetchTest, ServicesAndOperationsFollowEviction) {
  auto store = StoreHolding(2);
  Write(*store, Batch({{Id(1), "old", "a", kBase, 1}}));
  Write(*store, Batch({{Id(2), "kept", "b", kBase, 1}}));
  EXPECT_THAT(*store->Services("t"), ElementsAre("kept", "old"));
  Write(*store, Batch({{Id(3), "kept", "c", kBase, 1}}));  // evicts "old"
  EXPECT_THAT(*store->Services("t"), ElementsAre("kept"));
  EXPECT_THAT(*store->Operations("t", "old"), IsEmpty());
  Write(*store, Batch({{Id(4), "new", "d", kBase, 1}}));  // evicts kept/b
  EXPECT_THAT(*store->Services("t"), ElementsAre("kept", "new"));
  EXPECT_THAT(*store->Operations("t", "kept"), ElementsAre(OperationName{"c", SpanKind::kServer}));
}

TEST(MemoryStoreFetchTest, ConcurrentFetchesWhileWritingAndEvicting) {
  auto store = StoreHolding(200);
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (uint32_t i = 0; i < 3000; ++i) {
      const uint64_t start = kBase + (i % 500) * kMillis;  // traces' starts move back and forth
      Write(*store, Batch({{Id(i % 300), "svc", "op", start, kMillis, i % 2 == 0}}));
    }
    writing = false;
  });
  std::vector<std::thread> fetchers;
  std::atomic<uint64_t> traces_seen{0};
  for (int f = 0; f < 2; ++f) {
    fetchers.emplace_back([&] {
      // At least one pass after the writer finishes, however the threads are scheduled.
      do {
        FetchRequest request;
        request.limit = 50;
        request.whole_traces = true;
        const FetchResult result = FetchOk(*store, request);
        EXPECT_LE(result.traces.size(), 50u);
        for (size_t i = 0; i < result.traces.size(); ++i) {
          const TraceMatch& match = result.traces[i];
          EXPECT_EQ(match.spans->size(), match.summary.span_count);
          if (i > 0) {
            const TraceSummary& newer = result.traces[i - 1].summary;
            EXPECT_TRUE(newer.start_unix_nanos > match.summary.start_unix_nanos ||
                        (newer.start_unix_nanos == match.summary.start_unix_nanos &&
                         newer.trace_id < match.summary.trace_id));
          }
        }
        traces_seen += result.traces.size();
      } while (writing.load());
    });
  }
  writer.join();
  for (std::thread& t : fetchers) t.join();
  EXPECT_GT(GetMemoryStoreStats(*store).evicted_batches, 0u);
  EXPECT_GT(traces_seen.load(), 0u);
}

}  // namespace
}  // namespace weft::storage
