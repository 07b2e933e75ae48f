// The batching processor: exports in batches, drops (and counts) when full without blocking,
// flush and shutdown with deadlines.
#include "sdk/batch_processor.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "sdk/record_pool.h"

namespace weft {
namespace {

using namespace v1::detail;  // NOLINT: test of internals

// Counts what it exports; can be made to block until released.
class GateExporter final : public ExporterImpl {
 public:
  struct State {
    std::atomic<uint64_t> exported{0};
    std::atomic<uint64_t> batches{0};
    std::atomic<bool> blocked{false};
    std::atomic<bool> shut_down{false};
  };
  explicit GateExporter(std::shared_ptr<State> s) : s_(std::move(s)) {}
  ExportResult Export(std::span<SpanRecord* const> records, Deadline deadline) override {
    while (s_->blocked.load() && !s_->shut_down.load() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (s_->blocked.load()) return ExportResult::kFailure;
    s_->exported += records.size();
    ++s_->batches;
    return ExportResult::kSuccess;
  }
  void Shutdown(Deadline) override { s_->shut_down = true; }

 private:
  std::shared_ptr<State> s_;
};

void EndOne(ProcessorImpl& p) {
  SpanRecord* r = AcquireRecord();
  r->holders.store(1);
  p.OnEnd(r);
}

Deadline In(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

TEST(BatchProcessorTest, ExportsOnFlushInBatches) {
  auto state = std::make_shared<GateExporter::State>();
  BatchConfig config;
  config.max_queue_size = 1024;
  config.max_export_batch_size = 100;
  config.schedule_delay = std::chrono::seconds(60);
  auto p = MakeBatchProcessor(std::make_unique<GateExporter>(state), config);
  for (int i = 0; i < 250; ++i) EndOne(*p);
  EXPECT_TRUE(p->ForceFlush(In(std::chrono::seconds(5))));
  EXPECT_EQ(state->exported.load(), 250u);
  EXPECT_GE(state->batches.load(), 3u);
  EXPECT_EQ(p->Counters().exported, 250u);
  EXPECT_EQ(p->Counters().dropped, 0u);
  EXPECT_TRUE(p->Shutdown(In(std::chrono::seconds(5))));
  EXPECT_TRUE(state->shut_down.load());
}

TEST(BatchProcessorTest, ScheduleDelayExportsWithoutFlush) {
  auto state = std::make_shared<GateExporter::State>();
  BatchConfig config;
  config.schedule_delay = std::chrono::milliseconds(20);
  auto p = MakeBatchProcessor(std::make_unique<GateExporter>(state), config);
  for (int i = 0; i < 10; ++i) EndOne(*p);
  for (int i = 0; i < 200 && state->exported.load() < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(state->exported.load(), 10u);
}

TEST(BatchProcessorTest, FullQueueDropsAndCountsWithoutBlocking) {
  auto state = std::make_shared<GateExporter::State>();
  state->blocked = true;
  BatchConfig config;
  config.max_queue_size = 64;
  config.max_export_batch_size = 16;
  config.schedule_delay = std::chrono::milliseconds(1);
  config.export_timeout = std::chrono::milliseconds(200);
  auto p = MakeBatchProcessor(std::make_unique<GateExporter>(state), config);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10000; ++i) EndOne(*p);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  const uint64_t dropped = p->Counters().dropped;
  EXPECT_GE(dropped, 10000u - 64 - 16);
  state->blocked = false;
  EXPECT_TRUE(p->ForceFlush(In(std::chrono::seconds(5))));
  EXPECT_EQ(p->Counters().dropped + p->Counters().exported, 10000u);
}

TEST(BatchProcessorTest, FlushAndShutdownHonourDeadlines) {
  auto state = std::make_shared<GateExporter::State>();
  state->blocked = true;
  BatchConfig config;
  config.export_timeout = std::chrono::seconds(30);
  config.schedule_delay = std::chrono::milliseconds(1);
  auto p = MakeBatchProcessor(std::make_unique<GateExporter>(state), config);
  for (int i = 0; i < 10; ++i) EndOne(*p);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(p->ForceFlush(In(std::chrono::milliseconds(100))));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  start = std::chrono::steady_clock::now();
  p->Shutdown(In(std::chrono::milliseconds(200)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_GE(p->Counters().dropped, 10u);
}

TEST(BatchProcessorTest, ManyThreadsNothingLost) {
  auto state = std::make_shared<GateExporter::State>();
  BatchConfig config;
  config.max_queue_size = 1 << 16;
  auto p = MakeBatchProcessor(std::make_unique<GateExporter>(state), config);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) EndOne(*p);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(p->ForceFlush(In(std::chrono::seconds(10))));
  EXPECT_EQ(p->Counters().exported + p->Counters().dropped, 40000u);
  EXPECT_EQ(state->exported.load(), p->Counters().exported);
}

}  // namespace
}  // namespace weft
