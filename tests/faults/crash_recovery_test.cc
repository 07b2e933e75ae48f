// Crash recovery of `weft serve --storage embedded`: the real binary is SIGKILLed at random moments
// while client threads post traces (paced: see kRequestInterval), then restarted on the same data
// directory. Every trace the server acknowledged (HTTP 200: its spans are fsync'ed in the WAL)
// must be served by id afterwards with exactly its spans: none lost, none altered, none twice. A
// request in flight at the kill has an unknown outcome and is not checked.
//
// Each round: start, load for a random 50-1500 ms, SIGKILL, `weft store verify` (exit 0: a kill
// may leave a torn WAL tail, never corruption), restart, check every trace acknowledged in the
// round and a sample of older ones. At the end: a clean stop (SIGTERM), verify, restart, check
// every trace again. A short head (--head-idle 300ms, --head-max-live 2s) makes the server cut
// blocks and drop WAL segments during the load, so kills land in those too.
//
// WEFT_FAULT_KILLS sets the rounds (default 3: 10-30 s; `make test-faults` runs 50: 3-6 min);
// WEFT_FAULT_SEED repeats a run's kill delays and traces (the seed is printed; the interleaving of
// threads is the machine's); WEFT_KEEP_FAULT_DIRS=1 keeps the data directory. Thread rule: the test
// thread drives the server; kClientThreads post; checks fan out over kCheckThreads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>

#include "common/random.h"
#include "gtest/gtest.h"
#include "model/span_batch.h"
#include "model/trace_generator.h"
#include "subprocess.h"
#include "trace_roundtrip.h"

namespace weft::faults {
namespace {

using weft::testing::RunCommand;
using weft::testing::ServerProcess;

constexpr int kClientThreads = 4;
constexpr int kCheckThreads = 4;
constexpr int kTracesPerBatch = 3;
constexpr int kMinLoadMillis = 50;
constexpr int kMaxLoadMillis = 1500;
constexpr size_t kOlderTracesChecked = 300;  // per round; every one at the end
constexpr auto kRefusedPause = std::chrono::milliseconds(20);
// At most one request per client per interval (4 clients x 3 traces: up to 3000 traces/s). Unpaced,
// the server acknowledges ~6000 traces/s here while reading one back from a block costs it ~1 ms,
// so the checks, not the crashes, would take most of the run.
constexpr auto kRequestInterval = std::chrono::milliseconds(4);

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

long long MillisBetween(std::chrono::steady_clock::time_point from,
                        std::chrono::steady_clock::time_point to) {
  return static_cast<long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

uint64_t NowUnixNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

struct AckedTrace {
  TraceId id;
  std::vector<SpanKey> keys;
};

class CrashRecoveryTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> StartServer() {
    auto server = std::make_unique<ServerProcess>(
        WEFT_BINARY,
        std::vector<std::string>{"--storage", "embedded", "--data-dir", dir_.path(), "--wal-sync",
                                 "always", "--head-idle", "300ms", "--head-max-live", "2s"});
    return server;
  }

  // Posts batches of new traces from kClientThreads threads until `stop`, recording the acked.
  void Load(int otlp_port, uint64_t round_seed, const std::atomic<bool>& stop) {
    std::vector<std::thread> clients;
    for (int t = 0; t < kClientThreads; ++t) {
      clients.emplace_back([this, otlp_port, round_seed, t, &stop] {
        TraceGeneratorOptions options;
        options.start_time_unix_nano = NowUnixNanos();
        options.max_spans_per_trace = 30;
        TraceGenerator generator(round_seed * 64 + static_cast<uint64_t>(t), options);
        auto next_request = std::chrono::steady_clock::now();
        while (!stop.load()) {
          std::this_thread::sleep_until(next_request);
          next_request += kRequestInterval;
          SpanBatch batch;
          for (int i = 0; i < kTracesPerBatch; ++i) generator.NextTrace(batch);
          for (;;) {  // the same batch again after a refusal: the store must drop the copies
            std::string body;
            const int status = PostTraces(otlp_port, batch, &body);
            if (status == 200) {
              Record(batch);
              break;
            }
            if (status == 0) {  // the server is gone; the batch may or may not be stored
              unknown_.fetch_add(1);
              return;
            }
            if (status == 429 || status == 503) {
              refused_.fetch_add(1);
              if (stop.load()) return;
              std::this_thread::sleep_for(kRefusedPause);
              continue;
            }
            std::lock_guard<std::mutex> lock(mu_);
            errors_.push_back("POST answered " + std::to_string(status) + ": " + body);
            return;
          }
        }
      });
    }
    for (std::thread& c : clients) c.join();
  }

  void Record(const SpanBatch& batch) {
    TraceKeys keys = KeysByTrace(batch);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, k] : keys) acked_.push_back({id, std::move(k)});
  }

  // Checks acked_[i] for every i in `which` over kCheckThreads threads; returns the failures.
  std::vector<std::string> Check(int tempo_port, const std::vector<size_t>& which) {
    std::atomic<size_t> next{0};
    std::mutex failures_mu;
    std::vector<std::string> failures;
    std::vector<std::thread> checkers;
    for (int t = 0; t < kCheckThreads; ++t) {
      checkers.emplace_back([&] {
        for (size_t n; (n = next.fetch_add(1)) < which.size();) {
          const AckedTrace& trace = acked_[which[n]];
          const FetchedTrace got = FetchTrace(tempo_port, trace.id);
          std::string problem;
          if (got.status != 200) {
            problem = "answered " + std::to_string(got.status) + " " + got.error;
          } else if (!got.error.empty()) {
            problem = got.error;
          } else {
            problem = DiffKeys(trace.keys, got.keys);
          }
          if (!problem.empty()) {
            std::lock_guard<std::mutex> lock(failures_mu);
            failures.push_back("trace " + trace.id.ToHex() + ": " + problem);
          }
        }
      });
    }
    for (std::thread& c : checkers) c.join();
    return failures;
  }

  // Runs `weft store verify` on the data directory; expects exit 0.
  void ExpectStoreVerifies(const std::string& when) {
    const testing::CommandResult r = RunCommand({WEFT_BINARY, "store", "verify", dir_.path()});
    EXPECT_EQ(r.exit_code, 0) << "weft store verify " << when << ":\n" << r.output;
  }

  ScratchDir dir_{"crash_recovery"};
  std::mutex mu_;
  std::vector<AckedTrace> acked_;    // written under mu_ during a load; read between loads
  std::vector<std::string> errors_;  // under mu_
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> unknown_{0};  // requests without an answer (in flight at a kill)
};

void ExpectNoFailures(const std::vector<std::string>& failures, const std::string& when,
                      size_t checked) {
  if (failures.empty()) return;
  std::string text;
  for (size_t i = 0; i < failures.size() && i < 20; ++i) text += "\n  " + failures[i];
  ADD_FAILURE() << failures.size() << " of " << checked << " acknowledged traces wrong " << when
                << ":" << text;
}

TEST_F(CrashRecoveryTest, EveryAcknowledgedTraceSurvivesSigkill) {
  const uint64_t kills = EnvOr("WEFT_FAULT_KILLS", 3);
  const uint64_t seed = EnvOr("WEFT_FAULT_SEED", NowUnixNanos() % 1'000'000'007);
  std::printf(
      "crash_recovery: %llu kills, seed %llu (WEFT_FAULT_SEED=%llu repeats the kill delays and "
      "the traces; WEFT_KEEP_FAULT_DIRS=1 keeps the data directory)\n",
      static_cast<unsigned long long>(kills), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(seed));
  RandomGenerator rng(seed);
  size_t checked_upto = 0;  // acked_[0, checked_upto) were checked after the crash that followed

  for (uint64_t round = 1; round <= kills; ++round) {
    const auto round_start = std::chrono::steady_clock::now();
    std::unique_ptr<ServerProcess> server = StartServer();
    ASSERT_TRUE(server->ready()) << "round " << round << ": server did not start:\n"
                                 << server->output();
    const auto started = std::chrono::steady_clock::now();
    size_t checked = 0;
    // What the previous crash left must be served before new load arrives.
    if (round > 1) {
      std::vector<size_t> which;
      for (size_t i = checked_upto; i < acked_.size(); ++i) which.push_back(i);
      for (size_t n = 0; n < kOlderTracesChecked && checked_upto > 0; ++n) {
        which.push_back(rng.Next() % checked_upto);
      }
      ExpectNoFailures(Check(server->port("tempo"), which),
                       "after kill " + std::to_string(round - 1), which.size());
      checked = which.size();
      checked_upto = acked_.size();
      if (HasFailure()) return;  // stop at the first bad state (seed printed above)
    }

    const int load_millis =
        kMinLoadMillis + static_cast<int>(rng.Next() % (kMaxLoadMillis - kMinLoadMillis + 1));
    const size_t acked_before = acked_.size();
    const auto load_start = std::chrono::steady_clock::now();
    std::atomic<bool> stop{false};
    std::thread load([&] { Load(server->port("otlp-http"), seed * 1000 + round, stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(load_millis));
    ::kill(server->pid(), SIGKILL);
    stop.store(true);
    load.join();
    EXPECT_EQ(server->Stop(), 128 + SIGKILL);
    std::printf(
        "round %llu: start %lld ms, %zu traces checked in %lld ms; killed after %d ms of load, "
        "%zu traces acknowledged (%zu in all); %llu requests unanswered so far\n",
        static_cast<unsigned long long>(round), MillisBetween(round_start, started), checked,
        MillisBetween(started, load_start), load_millis, acked_.size() - acked_before,
        acked_.size(), static_cast<unsigned long long>(unknown_.load()));
    ASSERT_TRUE(errors_.empty()) << errors_.front();
    ExpectStoreVerifies("after kill " + std::to_string(round));
    if (HasFailure()) return;
  }

  // A clean stop flushes the head into blocks; everything must still be there after it.
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<ServerProcess> server = StartServer();
  ASSERT_TRUE(server->ready()) << server->output();
  auto t1 = std::chrono::steady_clock::now();
  std::vector<size_t> which;
  for (size_t i = checked_upto; i < acked_.size(); ++i) which.push_back(i);
  ExpectNoFailures(Check(server->port("tempo"), which), "after the last kill", which.size());
  auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(server->Stop(), 0) << server->output();
  EXPECT_NE(server->output().find("weft: stopped"), std::string::npos) << server->output();
  auto t3 = std::chrono::steady_clock::now();
  std::printf("last: start %lld ms, %zu traces checked in %lld ms, clean stop %lld ms\n",
              MillisBetween(t0, t1), which.size(), MillisBetween(t1, t2), MillisBetween(t2, t3));
  ExpectStoreVerifies("after a clean stop");

  t0 = std::chrono::steady_clock::now();
  server = StartServer();
  ASSERT_TRUE(server->ready()) << server->output();
  t1 = std::chrono::steady_clock::now();
  std::vector<size_t> all(acked_.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  ExpectNoFailures(Check(server->port("tempo"), all), "after a clean stop and restart", all.size());
  t2 = std::chrono::steady_clock::now();
  EXPECT_GT(acked_.size(), 0u);
  std::printf(
      "after restart: start %lld ms, all %zu acknowledged traces checked in %lld ms; %llu "
      "refusals (429/503)\n",
      MillisBetween(t0, t1), all.size(), MillisBetween(t1, t2),
      static_cast<unsigned long long>(refused_.load()));
  EXPECT_EQ(server->Stop(), 0) << server->output();
}

}  // namespace
}  // namespace weft::faults
