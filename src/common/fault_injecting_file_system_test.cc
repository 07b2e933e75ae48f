#include "common/fault_injecting_file_system.h"

#include <chrono>
#include <string>

#include <stdlib.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace weft {
namespace {

class FaultInjectingFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/fault_fs_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    auto names = base_.ListDir(dir_);
    if (names.ok()) {
      for (const auto& n : *names) (void)base_.Remove(dir_ + "/" + n);
    }
    ::rmdir(dir_.c_str());
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  FileSystem& base_ = PosixFileSystem();
  FaultInjectingFileSystem fs_{base_};
  std::string dir_;
};

TEST_F(FaultInjectingFileSystemTest, PassesThroughAndCounts) {
  auto f = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("abc").ok());
  ASSERT_TRUE((*f)->Append("de").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  const auto c = fs_.counters();
  EXPECT_EQ(c.appends, 2u);
  EXPECT_EQ(c.bytes_appended, 5u);
  EXPECT_EQ(c.syncs, 1u);
  EXPECT_EQ(c.dir_syncs, 1u);
  EXPECT_EQ(c.injected_faults, 0u);
  EXPECT_EQ(fs_.SyncedSize(Path("a")), 5u);
  EXPECT_EQ(*fs_.ReadFile(Path("a")), "abcde");
}

TEST_F(FaultInjectingFileSystemTest, FailNextAppendsIsTornAndCounted) {
  auto f = fs_.NewWritableFile(Path("a"));
  fs_.FailNext(FaultOp::kAppend, 2, Fault::kDiskFull);
  absl::Status s = (*f)->Append("12345678");
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_EQ(s.message(), "disk full: " + Path("a"));
  EXPECT_EQ((*f)->Size(), 4u);  // half of it landed
  ASSERT_TRUE((*f)->Truncate(0).ok());
  EXPECT_FALSE((*f)->Append("xx").ok());
  ASSERT_TRUE((*f)->Truncate(0).ok());
  EXPECT_TRUE((*f)->Append("ok").ok());  // the third works again
  EXPECT_EQ(*fs_.ReadFile(Path("a")), "ok");
  EXPECT_EQ(fs_.counters().injected_faults, 2u);

  fs_.FailNext(FaultOp::kAppend, 1, Fault::kIoError);
  s = (*f)->Append("zz");
  EXPECT_TRUE(absl::IsInternal(s)) << s;
}

TEST_F(FaultInjectingFileSystemTest, FailNextSyncsLeavesDataUnsynced) {
  auto f = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  ASSERT_TRUE((*f)->Append("abc").ok());
  fs_.FailNext(FaultOp::kSync, 1, Fault::kIoError);
  EXPECT_TRUE(absl::IsInternal((*f)->Sync()));
  EXPECT_EQ(fs_.SyncedSize(Path("a")), 0u);
  EXPECT_TRUE((*f)->Sync().ok());
  EXPECT_EQ(fs_.SyncedSize(Path("a")), 3u);
}

TEST_F(FaultInjectingFileSystemTest, SyncDelaySlowsSyncs) {
  auto f = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE((*f)->Append("x").ok());
  fs_.SetSyncDelayMicros(20'000);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE((*f)->Sync().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
}

TEST_F(FaultInjectingFileSystemTest, ByteLimitIsDiskFullUntilRaised) {
  auto f = fs_.NewWritableFile(Path("a"));
  fs_.SetAppendByteLimit(10);
  ASSERT_TRUE((*f)->Append("123456").ok());
  EXPECT_EQ(*fs_.FreeBytes(dir_), 4u);
  const absl::Status s = (*f)->Append("789abc");
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_EQ((*f)->Size(), 10u);  // what fitted was written
  EXPECT_TRUE(absl::IsResourceExhausted((*f)->Append("d")));
  fs_.SetAppendByteLimit(100);
  EXPECT_TRUE((*f)->Append("d").ok());
  fs_.SetAppendByteLimit(std::nullopt);
  EXPECT_TRUE((*f)->Append(std::string(1000, 'x')).ok());
}

TEST_F(FaultInjectingFileSystemTest, DropUnsyncedDataSimulatesPowerCut) {
  // "old" is durable by name and partly synced; "fresh" was never covered by SyncDir.
  auto old_file = fs_.NewWritableFile(Path("old"));
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  ASSERT_TRUE((*old_file)->Append("synced").ok());
  ASSERT_TRUE((*old_file)->Sync().ok());
  ASSERT_TRUE((*old_file)->Append("-lost").ok());
  auto fresh = fs_.NewWritableFile(Path("fresh"));
  ASSERT_TRUE((*fresh)->Append("gone").ok());
  ASSERT_TRUE((*fresh)->Sync().ok());

  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFile(Path("old")), "synced");
  EXPECT_FALSE(fs_.Exists(Path("fresh")));
  // Handles of the "crashed process" are dead.
  EXPECT_FALSE((*old_file)->Append("x").ok());
  EXPECT_FALSE((*old_file)->Sync().ok());
  // New handles work.
  auto again = fs_.NewAppendableFile(Path("old"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Size(), 6u);
  ASSERT_TRUE((*again)->Append("+more").ok());
  EXPECT_EQ(*fs_.ReadFile(Path("old")), "synced+more");
}

TEST_F(FaultInjectingFileSystemTest, FailCreateTruncateSyncDir) {
  fs_.FailNext(FaultOp::kCreate, 1, Fault::kDiskFull);
  EXPECT_TRUE(absl::IsResourceExhausted(fs_.NewWritableFile(Path("a")).status()));
  EXPECT_FALSE(fs_.Exists(Path("a")));
  auto f = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("abc").ok());
  fs_.FailNext(FaultOp::kTruncate, 2, Fault::kIoError);
  EXPECT_FALSE((*f)->Truncate(1).ok());
  EXPECT_FALSE(fs_.Truncate(Path("a"), 1).ok());
  EXPECT_TRUE((*f)->Truncate(1).ok());
  fs_.FailNext(FaultOp::kSyncDir, 1, Fault::kIoError);
  EXPECT_FALSE(fs_.SyncDir(dir_).ok());
  EXPECT_TRUE(fs_.SyncDir(dir_).ok());
}

TEST_F(FaultInjectingFileSystemTest, RenameAndRemoveMoveState) {
  auto f = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE((*f)->Append("abc").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(fs_.Rename(Path("a"), Path("b")).ok());
  EXPECT_EQ(fs_.SyncedSize(Path("b")), 3u);
  EXPECT_EQ(fs_.SyncedSize(Path("a")), 0u);
  ASSERT_TRUE(fs_.Remove(Path("b")).ok());
  EXPECT_EQ(fs_.SyncedSize(Path("b")), 0u);
}

}  // namespace
}  // namespace weft
