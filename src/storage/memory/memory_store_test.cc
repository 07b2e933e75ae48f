#include "storage/memory/memory_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace weft::storage {
namespace {

TraceId MakeTraceId(uint8_t n) {
  std::array<uint8_t, 16> bytes{};
  bytes[15] = n;
  bytes[0] = 0xab;
  return TraceId(bytes);
}

// A batch with one resource (`service`) and one span per entry of `trace_ids`, named
// "<service>-<i>".
std::unique_ptr<SpanBatch> MakeBatch(const std::vector<TraceId>& trace_ids,
                                     std::string_view service = "checkout") {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  const KeyValue resource_attrs[] = {{"service.name", AnyValue::String(arena.CopyString(service))}};
  const uint32_t r = batch->AddResource({arena.CopyArray(Attributes(resource_attrs)), 0, ""});
  const uint32_t s = batch->AddScope(r, {"scope", "1.0", {}, 0, ""});
  for (size_t i = 0; i < trace_ids.size(); ++i) {
    Span span;
    span.trace_id = trace_ids[i];
    span.span_id = SpanId::Random();
    span.name = arena.CopyString(std::string(service) + "-" + std::to_string(i));
    span.start_time_unix_nano = 100 + i;
    span.end_time_unix_nano = 200 + i;
    span.scope_index = s;
    batch->AddSpan(span);
  }
  return batch;
}

absl::Status WriteSync(SpanStore& store, std::string_view tenant,
                       std::unique_ptr<SpanBatch> batch) {
  absl::Status result = absl::UnknownError("done not called");
  bool called = false;
  store.Write(tenant, std::move(batch), [&](absl::Status status) {
    result = std::move(status);
    called = true;
  });
  EXPECT_TRUE(called) << "memory store completes writes inline";
  return result;
}

std::unique_ptr<SpanBatch> Read(SpanStore& store, std::string_view tenant, const TraceId& id) {
  absl::StatusOr<std::unique_ptr<SpanBatch>> trace = store.GetTrace(tenant, id);
  EXPECT_TRUE(trace.ok()) << trace.status();
  return trace.ok() ? *std::move(trace) : std::make_unique<SpanBatch>();
}

std::vector<std::string> Names(const SpanBatch& batch) {
  std::vector<std::string> names;
  for (const Span& span : batch.spans()) names.emplace_back(span.name);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(MemoryStoreTest, WritesAndReadsBackDeepCopies) {
  auto store = NewMemoryStore();
  const TraceId a = MakeTraceId(1), b = MakeTraceId(2);
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({a, b, a})).ok());

  std::unique_ptr<SpanBatch> trace = Read(*store, kDefaultTenant, a);
  ASSERT_EQ(trace->size(), 2u);
  EXPECT_EQ(Names(*trace), (std::vector<std::string>{"checkout-0", "checkout-2"}));
  for (const Span& span : trace->spans()) {
    EXPECT_EQ(span.trace_id, a);
    EXPECT_EQ(ServiceName(trace->resource_of(span)), "checkout");
    EXPECT_EQ(trace->scope_of(span).version, "1.0");
  }
  EXPECT_EQ(Read(*store, kDefaultTenant, b)->size(), 1u);

  const MemoryStoreStats stats = GetMemoryStoreStats(*store);
  EXPECT_EQ(stats.spans, 3u);
  EXPECT_EQ(stats.traces, 2u);
  EXPECT_GT(stats.bytes, 0u);
  EXPECT_EQ(stats.evicted_batches, 0u);
}

TEST(MemoryStoreTest, UnknownTraceIsAnEmptyBatch) {
  auto store = NewMemoryStore();
  EXPECT_TRUE(Read(*store, kDefaultTenant, MakeTraceId(9))->empty());
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({MakeTraceId(1)})).ok());
  EXPECT_TRUE(Read(*store, kDefaultTenant, MakeTraceId(9))->empty());
}

TEST(MemoryStoreTest, EmptyBatchIsAcceptedAndStoresNothing) {
  auto store = NewMemoryStore();
  EXPECT_TRUE(WriteSync(*store, kDefaultTenant, std::make_unique<SpanBatch>()).ok());
  EXPECT_EQ(GetMemoryStoreStats(*store).bytes, 0u);
}

TEST(MemoryStoreTest, TenantsAreIsolated) {
  auto store = NewMemoryStore();
  const TraceId id = MakeTraceId(1);
  ASSERT_TRUE(WriteSync(*store, "team-a", MakeBatch({id}, "a")).ok());
  ASSERT_TRUE(WriteSync(*store, "team-b", MakeBatch({id, id}, "b")).ok());

  EXPECT_EQ(Names(*Read(*store, "team-a", id)), (std::vector<std::string>{"a-0"}));
  EXPECT_EQ(Names(*Read(*store, "team-b", id)), (std::vector<std::string>{"b-0", "b-1"}));
  EXPECT_TRUE(Read(*store, kDefaultTenant, id)->empty());
  EXPECT_EQ(GetMemoryStoreStats(*store).traces, 2u);
}

TEST(MemoryStoreTest, TraceSpreadOverThreeBatchesComesBackWhole) {
  auto store = NewMemoryStore();
  const TraceId id = MakeTraceId(7), other = MakeTraceId(8);
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({id, other}, "frontend")).ok());
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({other, id}, "cart")).ok());
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({id}, "db")).ok());

  std::unique_ptr<SpanBatch> trace = Read(*store, kDefaultTenant, id);
  EXPECT_EQ(Names(*trace), (std::vector<std::string>{"cart-1", "db-0", "frontend-0"}));
  // Each span keeps its own batch's resource.
  for (const Span& span : trace->spans()) {
    EXPECT_TRUE(std::string(span.name).starts_with(ServiceName(trace->resource_of(span))));
  }
}

TEST(MemoryStoreTest, DuplicatesAreKept) {
  auto store = NewMemoryStore();
  const TraceId id = MakeTraceId(3);
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({id})).ok());
  ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({id})).ok());  // a retry
  EXPECT_EQ(Read(*store, kDefaultTenant, id)->size(), 2u);
}

TEST(MemoryStoreTest, EvictionKeepsMemoryBoundedAndEvictsOldestFirst) {
  // Measure one batch's charge, then allow a little over three of them.
  size_t one_batch = 0;
  {
    auto probe = NewMemoryStore();
    ASSERT_TRUE(WriteSync(*probe, kDefaultTenant, MakeBatch({MakeTraceId(0)})).ok());
    one_batch = GetMemoryStoreStats(*probe).bytes;
  }
  ASSERT_GT(one_batch, 0u);
  const size_t max_bytes = one_batch * 3 + one_batch / 2;
  auto store = NewMemoryStore({.max_bytes = max_bytes});

  for (uint8_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(WriteSync(*store, kDefaultTenant, MakeBatch({MakeTraceId(i)})).ok());
    EXPECT_LE(GetMemoryStoreStats(*store).bytes, max_bytes);
  }
  const MemoryStoreStats stats = GetMemoryStoreStats(*store);
  EXPECT_EQ(stats.evicted_batches, 7u);
  EXPECT_EQ(stats.spans, 3u);
  EXPECT_EQ(stats.traces, 3u);
  for (uint8_t i = 0; i < 7; ++i)
    EXPECT_TRUE(Read(*store, kDefaultTenant, MakeTraceId(i))->empty());
  for (uint8_t i = 7; i < 10; ++i)
    EXPECT_EQ(Read(*store, kDefaultTenant, MakeTraceId(i))->size(), 1u);
}

TEST(MemoryStoreTest, EvictionRemovesOnlyTheEvictedBatchesSpansOfATrace) {
  size_t one_batch = 0;
  {
    auto probe = NewMemoryStore();
    ASSERT_TRUE(WriteSync(*probe, kDefaultTenant, MakeBatch({MakeTraceId(0)})).ok());
    one_batch = GetMemoryStoreStats(*probe).bytes;
  }
  auto store = NewMemoryStore({.max_bytes = one_batch * 2 + one_batch / 2});
  const TraceId id = MakeTraceId(1);
  ASSERT_TRUE(WriteSync(*store, "t", MakeBatch({id}, "old")).ok());
  ASSERT_TRUE(WriteSync(*store, "t", MakeBatch({id}, "mid")).ok());
  ASSERT_TRUE(WriteSync(*store, "t", MakeBatch({id}, "new")).ok());  // evicts "old"
  EXPECT_EQ(Names(*Read(*store, "t", id)), (std::vector<std::string>{"mid-0", "new-0"}));
  EXPECT_EQ(GetMemoryStoreStats(*store).traces, 1u);
}

TEST(MemoryStoreTest, BatchLargerThanTheWholeStoreIsRefused) {
  auto store = NewMemoryStore({.max_bytes = 64});
  const absl::Status status = WriteSync(*store, kDefaultTenant, MakeBatch({MakeTraceId(1)}));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(GetMemoryStoreStats(*store).spans, 0u);
}

TEST(MemoryStoreTest, StatsOfAnotherStoreAreZero) {
  class OtherStore : public SpanStore {
    void Write(std::string_view, std::unique_ptr<SpanBatch>, WriteDone done) override {
      std::move(done)(absl::OkStatus());
    }
    absl::StatusOr<std::unique_ptr<SpanBatch>> GetTrace(std::string_view, const TraceId&) override {
      return std::make_unique<SpanBatch>();
    }
    absl::StatusOr<FetchResult> Fetch(const FetchRequest&) override { return FetchResult{}; }
    absl::StatusOr<std::vector<std::string>> Services(std::string_view) override {
      return std::vector<std::string>{};
    }
    absl::StatusOr<std::vector<OperationName>> Operations(std::string_view,
                                                          std::string_view) override {
      return std::vector<OperationName>{};
    }
  } other;
  EXPECT_EQ(GetMemoryStoreStats(other).spans, 0u);
}

TEST(MemoryStoreTest, ConcurrentWritersAndReaders) {
  size_t one_batch = 0;
  {
    auto probe = NewMemoryStore();
    ASSERT_TRUE(
        WriteSync(*probe, kDefaultTenant, MakeBatch({MakeTraceId(0), MakeTraceId(1)})).ok());
    one_batch = GetMemoryStoreStats(*probe).bytes;
  }
  // Small enough that eviction runs while readers read.
  const size_t max_bytes = one_batch * 50;
  auto store = NewMemoryStore({.max_bytes = max_bytes});
  constexpr int kWriters = 3, kReaders = 3, kBatchesPerWriter = 400;
  std::atomic<bool> writers_done{false};
  std::atomic<uint64_t> spans_read{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      const std::string tenant = "tenant-" + std::to_string(w % 2);
      for (int i = 0; i < kBatchesPerWriter; ++i) {
        const TraceId shared = MakeTraceId(static_cast<uint8_t>(i % 16));
        EXPECT_TRUE(WriteSync(*store, tenant, MakeBatch({shared, TraceId::Random()})).ok());
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      const std::string tenant = "tenant-" + std::to_string(r % 2);
      // At least one pass after the writers finish, however the threads are scheduled.
      do {
        for (uint8_t i = 0; i < 16; ++i) {
          std::unique_ptr<SpanBatch> trace = Read(*store, tenant, MakeTraceId(i));
          for (const Span& span : trace->spans()) {
            EXPECT_EQ(span.trace_id, MakeTraceId(i));
            EXPECT_EQ(ServiceName(trace->resource_of(span)), "checkout");
          }
          spans_read += trace->size();
        }
        GetMemoryStoreStats(*store);
      } while (!writers_done.load());
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  writers_done = true;
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();

  const MemoryStoreStats stats = GetMemoryStoreStats(*store);
  EXPECT_LE(stats.bytes, max_bytes);
  EXPECT_GT(stats.evicted_batches, 0u);
  EXPECT_EQ(stats.spans + stats.evicted_batches * 2, uint64_t{kWriters} * kBatchesPerWriter * 2);
  EXPECT_GT(spans_read.load(), 0u);
}

}  // namespace
}  // namespace weft::storage
