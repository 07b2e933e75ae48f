// The Wal's writer: group commit, ordering, back-pressure, faults, crashes, rotation.
#include "storage/embedded/wal/wal.h"

#include <atomic>
#include <string>
#include <thread>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/fault_injecting_file_system.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/embedded/wal/wal_test_util.h"

namespace weft::storage::embedded {
namespace {

using testing::DoneLog;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReplayAll;
using testing::ScratchDir;

class WalTest : public ::testing::Test {
 protected:
  WalOptions Options() {
    WalOptions o;
    o.dir = dir_.path();
    o.fs = &fs_;
    return o;
  }
  std::unique_ptr<Wal> OpenWal(const WalOptions& o) {
    auto wal = Wal::Open(o);
    EXPECT_TRUE(wal.ok()) << wal.status();
    return wal.ok() ? *std::move(wal) : nullptr;
  }
  // Appends and waits for the outcome.
  static absl::Status AppendSync(Wal& wal, std::string_view tenant, std::string_view payload) {
    absl::Notification n;
    absl::Status result;
    wal.Append(tenant, payload, [&](absl::Status s) {
      result = std::move(s);
      n.Notify();
    });
    n.WaitForNotification();
    return result;
  }

  ScratchDir dir_;
  FaultInjectingFileSystem fs_{PosixFileSystem()};
};

TEST_F(WalTest, AppendCloseReplay) {
  auto wal = OpenWal(Options());
  EXPECT_EQ(wal->CurrentSegment(), 1u);
  ASSERT_TRUE(AppendSync(*wal, "acme", "first").ok());
  ASSERT_TRUE(AppendSync(*wal, "other", "second").ok());
  ASSERT_TRUE(wal->Close().ok());
  ASSERT_TRUE(wal->Close().ok());  // idempotent
  EXPECT_TRUE(absl::IsFailedPrecondition(AppendSync(*wal, "acme", "late")));

  // The next Wal replays them and writes to segment 2.
  auto next = OpenWal(Options());
  EXPECT_EQ(next->CurrentSegment(), 2u);
  std::vector<std::string> seen;
  auto stats = next->Replay([&](const WalRecord& r) {
    EXPECT_EQ(r.segment, 1u);
    seen.push_back(absl::StrCat(absl::string_view(r.tenant.data(), r.tenant.size()), "|",
                                absl::string_view(r.payload.data(), r.payload.size())));
    return absl::OkStatus();
  });
  ASSERT_TRUE(stats.ok());
  EXPECT_THAT(seen, ElementsAre("acme|first", "other|second"));
  EXPECT_EQ(stats->records, 2u);
  const WalStats s = wal->stats();
  EXPECT_EQ(s.appends, 2u);
  EXPECT_EQ(s.payload_bytes, 11u);
  EXPECT_EQ(s.segments_created, 1u);
  EXPECT_GE(s.syncs, 2u);
}

TEST_F(WalTest, RejectsOversizedRecordsInline) {
  auto wal = OpenWal(Options());
  int calls = 0;
  wal->Append(std::string(kMaxTenantBytes + 1, 't'), "p", [&](const absl::Status& s) {
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

TEST_F(WalTest, EightThreadsEveryDoneOnceOrderPerThreadKept) {
  constexpr int kThreads = 8, kPerThread = 300;
  auto wal = OpenWal(Options());
  DoneLog log(kThreads * kPerThread);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Fire and forget: the writer sees deep queues, as under real load.
        wal->Append(absl::StrCat("tenant", t), absl::StrCat(t, ":", i),
                    log.Done(t * kPerThread + i));
      }
    });
  }
  for (auto& th : threads) th.join();
  log.WaitFor(kThreads * kPerThread);
  ASSERT_TRUE(wal->Close().ok());
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    ASSERT_EQ(log.calls(i), 1) << i;
    ASSERT_TRUE(log.result(i).ok()) << log.result(i);
  }
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), size_t{kThreads * kPerThread});
  std::vector<int> next(kThreads, 0);
  for (const std::string& rec : r->records) {
    int t = 0, i = 0;
    ASSERT_EQ(std::sscanf(rec.c_str(), "tenant%*d|%d:%d", &t, &i), 2) << rec;
    ASSERT_EQ(i, next[t]++) << "thread " << t << " out of order";
  }
  // Group commit: far fewer fdatasyncs than records.
  const auto c = fs_.counters();
  EXPECT_LT(c.syncs * 4, uint64_t{kThreads * kPerThread}) << c.syncs << " syncs";
  EXPECT_EQ(wal->stats().groups * 4 < wal->stats().appends, true);
}

TEST_F(WalTest, GroupCommitGroupsWaitingCallers) {
  // Each thread waits for its own append before the next, as a receiver does per request.
  constexpr int kThreads = 8, kPerThread = 60;
  fs_.SetSyncDelayMicros(2000);  // a disk with 2 ms fsyncs, whatever this one does
  auto wal = OpenWal(Options());
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!AppendSync(*wal, "t", absl::StrCat(t, ":", i, std::string(4096, 'x'))).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const uint64_t appends = kThreads * kPerThread;
  const uint64_t syncs = fs_.counters().syncs;
  EXPECT_LT(syncs * 2, appends) << syncs << " syncs for " << appends << " appends";
}

TEST_F(WalTest, FullQueueFailsFastWithUnavailable) {
  WalOptions o = Options();
  o.max_queue_bytes = 3 * 1024;
  o.compression.min_bytes = 0;
  auto wal = OpenWal(o);
  // Hold the writer inside the first done (a test may; servers must not).
  absl::Notification release, holding;
  wal->Append("t", std::string(1000, 'a'), [&](const absl::Status&) {
    holding.Notify();
    release.WaitForNotification();
  });
  holding.WaitForNotification();
  DoneLog log(10);
  for (int i = 0; i < 10; ++i) wal->Append("t", std::string(1000, 'b'), log.Done(i));
  // The held record's room was given back before its done ran: three more records of 1017 framed
  // bytes fit in 3 KiB, the other seven are refused at once.
  EXPECT_EQ(log.finished(), 7u);
  for (int i = 3; i < 10; ++i) {
    EXPECT_TRUE(absl::IsUnavailable(log.result(i))) << i << " " << log.result(i);
    EXPECT_THAT(log.result(i).message(), HasSubstr("retry later"));
  }
  release.Notify();
  log.WaitFor(10);
  EXPECT_TRUE(log.result(0).ok());
  EXPECT_TRUE(log.result(1).ok());
  EXPECT_TRUE(log.result(2).ok());
  EXPECT_EQ(wal->stats().rejected, 7u);
  // Room is back.
  EXPECT_TRUE(AppendSync(*wal, "t", std::string(1000, 'c')).ok());
}

TEST_F(WalTest, OneRecordLargerThanTheQueueIsAdmittedWhenAlone) {
  WalOptions o = Options();
  o.max_queue_bytes = 100;
  auto wal = OpenWal(o);
  EXPECT_TRUE(AppendSync(*wal, "t", std::string(5000, 'x')).ok());
}

TEST_F(WalTest, DiskFullFailsThenRecoversWithoutLosingAcknowledgedRecords) {
  WalOptions o = Options();
  o.compression.min_bytes = 0;
  auto wal = OpenWal(o);
  ASSERT_TRUE(AppendSync(*wal, "t", "before").ok());
  // Room for about one and a half more records.
  fs_.SetAppendByteLimit(fs_.counters().bytes_appended + 1500);
  std::vector<std::string> acked = {"t|before"};
  int failures = 0;
  for (int i = 0; i < 10; ++i) {
    const std::string payload = absl::StrCat(i, std::string(1000, 'p'));
    const absl::Status s = AppendSync(*wal, "t", payload);
    if (s.ok()) {
      acked.push_back("t|" + payload);
    } else {
      EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
      EXPECT_THAT(s.message(), HasSubstr("disk full"));
      ++failures;
    }
  }
  EXPECT_EQ(acked.size(), 2u);
  EXPECT_EQ(failures, 9);
  EXPECT_GT(wal->stats().failed, 0u);
  // Space returns: appends succeed again, in the same segment (no roll on disk full).
  fs_.SetAppendByteLimit(std::nullopt);
  for (int i = 0; i < 3; ++i) {
    const std::string payload = absl::StrCat("after", i);
    ASSERT_TRUE(AppendSync(*wal, "t", payload).ok());
    acked.push_back("t|" + payload);
  }
  EXPECT_EQ(wal->CurrentSegment(), 1u);
  ASSERT_TRUE(wal->Close().ok());
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, acked) << "partial writes were cut, nothing acknowledged is missing";
  EXPECT_TRUE(r->stats.problems.empty());
}

TEST_F(WalTest, DiskFullWhenCreatingTheFirstSegment) {
  fs_.SetAppendByteLimit(10);  // not even a segment header fits
  auto wal = OpenWal(Options());
  EXPECT_TRUE(absl::IsResourceExhausted(AppendSync(*wal, "t", "x")));
  EXPECT_TRUE(absl::IsResourceExhausted(AppendSync(*wal, "t", "y")));
  fs_.SetAppendByteLimit(std::nullopt);
  ASSERT_TRUE(AppendSync(*wal, "t", "z").ok());
  ASSERT_TRUE(wal->Close().ok());
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|z"));
  EXPECT_TRUE(r->stats.problems.empty());
}

TEST_F(WalTest, TornWriteIoErrorRollsToANewSegment) {
  auto wal = OpenWal(Options());
  ASSERT_TRUE(AppendSync(*wal, "t", "one").ok());
  fs_.FailNext(FaultOp::kAppend, 1, Fault::kIoError);  // writes half, then fails
  const absl::Status s = AppendSync(*wal, "t", "two");
  EXPECT_TRUE(absl::IsInternal(s)) << s;
  EXPECT_EQ(wal->CurrentSegment(), 2u);
  ASSERT_TRUE(AppendSync(*wal, "t", "three").ok());
  ASSERT_TRUE(wal->Close().ok());
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|one", "t|three"));
  EXPECT_TRUE(r->stats.problems.empty()) << r->stats.problems[0].reason;
}

TEST_F(WalTest, FailedSyncReportsTheGroupAndRolls) {
  auto wal = OpenWal(Options());
  ASSERT_TRUE(AppendSync(*wal, "t", "one").ok());
  fs_.FailNext(FaultOp::kSync, 1, Fault::kIoError);
  EXPECT_FALSE(AppendSync(*wal, "t", "two").ok());
  ASSERT_TRUE(AppendSync(*wal, "t", "three").ok());
  ASSERT_TRUE(wal->Close().ok());
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|one", "t|three"));
  EXPECT_GE(wal->stats().io_errors, 1u);
}

TEST_F(WalTest, FailedSegmentCreationIsRetried) {
  auto wal = OpenWal(Options());
  fs_.FailNext(FaultOp::kCreate, 1, Fault::kIoError);
  EXPECT_FALSE(AppendSync(*wal, "t", "a").ok());
  fs_.FailNext(FaultOp::kSyncDir, 1, Fault::kIoError);
  EXPECT_FALSE(AppendSync(*wal, "t", "b").ok());
  ASSERT_TRUE(AppendSync(*wal, "t", "c").ok());
  ASSERT_TRUE(wal->Close().ok());
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|c"));
  EXPECT_EQ(*ListWalSegments(fs_, dir_.path()), std::vector<uint64_t>{1});
}

TEST_F(WalTest, CrashKeepsEveryAcknowledgedRecord) {
  constexpr int kThreads = 8, kPerThread = 200;
  auto wal = OpenWal(Options());
  DoneLog log(kThreads * kPerThread);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        wal->Append("t", absl::StrCat(t, ":", i), log.Done(t * kPerThread + i));
        if (i % 16 == 15) std::this_thread::yield();
      }
    });
  }
  // Power cut while appends are in flight.
  while (log.finished() < kThreads * kPerThread / 3) std::this_thread::yield();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  for (auto& th : threads) th.join();
  log.WaitFor(kThreads * kPerThread);
  (void)wal->Close();  // fails: its files are gone with the "process"
  wal.reset();

  std::unordered_set<std::string> acked;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      if (log.result(t * kPerThread + i).ok()) acked.insert(absl::StrCat("t|", t, ":", i));
    }
  }
  EXPECT_GE(acked.size(), size_t{kThreads * kPerThread / 3});
  auto next = OpenWal(Options());
  std::unordered_set<std::string> replayed;
  auto stats = next->Replay([&](const WalRecord& r) {
    replayed.insert(absl::StrCat(absl::string_view(r.tenant.data(), r.tenant.size()), "|",
                                 absl::string_view(r.payload.data(), r.payload.size())));
    return absl::OkStatus();
  });
  ASSERT_TRUE(stats.ok()) << stats.status();
  for (const std::string& a : acked) EXPECT_TRUE(replayed.count(a) > 0) << a << " was acknowledged";
  // And the log is writable again.
  EXPECT_TRUE(AppendSync(*next, "t", "after").ok());
}

TEST_F(WalTest, IntervalModeAcksAfterWriteAndSyncsSoonAfter) {
  WalOptions o = Options();
  o.sync_mode = WalSyncMode::kInterval;
  o.sync_interval_ms = 20;
  auto wal = OpenWal(o);
  const uint64_t syncs_before = fs_.counters().syncs;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendSync(*wal, "t", absl::StrCat(i)).ok());
  EXPECT_LT(fs_.counters().syncs - syncs_before, 20u);
  const std::string seg = dir_.File(SegmentFileName(1));
  for (int i = 0; i < 200 && fs_.SyncedSize(seg) < *fs_.FileSize(seg); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(fs_.SyncedSize(seg), *fs_.FileSize(seg)) << "the interval sync happened";
}

TEST_F(WalTest, NeverModeDoesNotSyncUntilClose) {
  WalOptions o = Options();
  o.sync_mode = WalSyncMode::kNever;
  auto wal = OpenWal(o);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendSync(*wal, "t", absl::StrCat(i)).ok());
  EXPECT_EQ(fs_.counters().syncs, 0u);
  EXPECT_EQ(fs_.counters().dir_syncs, 0u);
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(fs_.counters().syncs, 1u);
}

TEST_F(WalTest, SegmentsRotateAndAreRemoved) {
  WalOptions o = Options();
  o.segment_bytes = 4096;
  o.compression.min_bytes = 0;
  auto wal = OpenWal(o);
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    const std::string payload = absl::StrCat(i, ":", std::string(500, 'r'));
    ASSERT_TRUE(AppendSync(*wal, "t", payload).ok());
    expected.push_back("t|" + payload);
  }
  const uint64_t current = wal->CurrentSegment();
  EXPECT_GE(current, 5u);
  auto ids = ListWalSegments(fs_, dir_.path());
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), current);
  for (uint64_t id : *ids) {
    EXPECT_LE(*fs_.FileSize(dir_.File(SegmentFileName(id))), o.segment_bytes);
  }
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records, expected);

  // The segment in use is never removed, whatever is asked.
  auto removed = wal->RemoveSegmentsBefore(UINT64_MAX);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, static_cast<int>(current - 1));
  EXPECT_EQ(*ListWalSegments(fs_, dir_.path()), std::vector<uint64_t>{current});
  ASSERT_TRUE(AppendSync(*wal, "t", "still writing").ok());
  EXPECT_EQ(*wal->RemoveSegmentsBefore(1), 0);
}

TEST_F(WalTest, ALargeRecordGetsASegmentOfItsOwn) {
  WalOptions o = Options();
  o.segment_bytes = 1000;
  o.compression.min_bytes = 0;
  auto wal = OpenWal(o);
  ASSERT_TRUE(AppendSync(*wal, "t", "small").ok());
  ASSERT_TRUE(AppendSync(*wal, "t", std::string(5000, 'L')).ok());
  ASSERT_TRUE(AppendSync(*wal, "t", "small again").ok());
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(*ListWalSegments(fs_, dir_.path()), (std::vector<uint64_t>{1, 2, 3}));
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->records.size(), 3u);
}

TEST_F(WalTest, CompressionShrinksTheFileAndReplaysTheSameBytes) {
  auto wal = OpenWal(Options());  // default: zstd from 1 KiB
  std::string payload;
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&payload, "span ", i % 17, " service checkout; ");
  ASSERT_TRUE(AppendSync(*wal, "t", payload).ok());
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_LT(*fs_.FileSize(dir_.File(SegmentFileName(1))), payload.size() / 5);
  auto r = ReplayAll(fs_, dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->records, ElementsAre("t|" + payload));
  EXPECT_EQ(r->stats.payload_bytes, payload.size());
}

TEST_F(WalTest, ReplayReadsOnlySegmentsThatExistedAtOpen) {
  {
    auto wal = OpenWal(Options());
    ASSERT_TRUE(AppendSync(*wal, "t", "old").ok());
  }
  auto wal = OpenWal(Options());
  ASSERT_TRUE(AppendSync(*wal, "t", "new").ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(wal->Replay([&](const WalRecord& r) {
                   seen.emplace_back(r.payload);
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_THAT(seen, ElementsAre("old"));
}

TEST_F(WalTest, MetricsAreExported) {
  MetricsRegistry registry;
  WalOptions o = Options();
  o.metrics = &registry;
  auto wal = OpenWal(o);
  ASSERT_TRUE(AppendSync(*wal, "t", "x").ok());
  ASSERT_TRUE(wal->Close().ok());
  const std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("weft_wal_records_total 1"));
  EXPECT_THAT(text, HasSubstr("weft_wal_syncs_total"));
  EXPECT_THAT(text, HasSubstr("weft_wal_groups_total 1"));
  EXPECT_THAT(text, HasSubstr("weft_wal_queue_bytes 0"));
}

TEST_F(WalTest, ParseSyncMode) {
  EXPECT_EQ(*ParseWalSyncMode("always"), WalSyncMode::kAlways);
  EXPECT_EQ(*ParseWalSyncMode("interval"), WalSyncMode::kInterval);
  EXPECT_EQ(*ParseWalSyncMode("never"), WalSyncMode::kNever);
  EXPECT_TRUE(absl::IsInvalidArgument(ParseWalSyncMode("sometimes").status()));
}

TEST_F(WalTest, OpenValidatesOptions) {
  WalOptions o = Options();
  o.dir = "";
  EXPECT_FALSE(Wal::Open(o).ok());
  o = Options();
  o.segment_bytes = 10;
  EXPECT_FALSE(Wal::Open(o).ok());
}

}  // namespace
}  // namespace weft::storage::embedded
