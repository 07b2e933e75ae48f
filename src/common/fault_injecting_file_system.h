// FaultInjectingFileSystem wraps another FileSystem for crash and disk-full tests (LevelDB's
// FaultInjectionTestEnv, in spirit): it fails the next N operations of a kind, caps the bytes that
// may be appended (disk full until the cap is raised), remembers how much of each file was synced
// so DropUnsyncedData() can simulate a power cut, and counts operations.
// Thread rule: every method is thread-safe; file objects follow FileSystem's rule. Writes, syncs
// and truncations of all files are serialised by one lock (a test tool: simplicity over speed).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/file_system.h"

namespace weft {

enum class FaultOp {
  kAppend,    // WritableFile::Append
  kSync,      // WritableFile::Sync
  kCreate,    // NewWritableFile / NewAppendableFile
  kTruncate,  // WritableFile::Truncate and FileSystem::Truncate
  kSyncDir,   // FileSystem::SyncDir
};

enum class Fault {
  kDiskFull,  // ResourceExhausted "disk full: <path>", as PosixFileSystem maps ENOSPC
  kIoError,   // Internal "<op> <path>: Input/output error", as EIO
};

class FaultInjectingFileSystem final : public FileSystem {
 public:
  // `base` must outlive this object.
  explicit FaultInjectingFileSystem(FileSystem& base);
  ~FaultInjectingFileSystem() override;

  // The next `count` operations of kind `op` fail with `fault`. A failing Append is torn: it writes
  // the first half of its data before reporting the error. A failing Sync makes nothing durable.
  void FailNext(FaultOp op, int count, Fault fault);

  // Caps the total bytes appended through this file system (counted from its creation, see
  // counters().bytes_appended). An Append that crosses the cap writes what fits and fails with
  // kDiskFull, like a real full disk; raising the cap (or nullopt: no cap) makes space return.
  void SetAppendByteLimit(std::optional<uint64_t> limit);

  // Every later successful WritableFile::Sync takes at least this long (a slow disk), so tests of
  // group commit do not depend on the speed of the disk they run on. 0: no delay.
  void SetSyncDelayMicros(uint64_t micros);

  // Simulates a power cut: every file written through this object is cut back to the bytes its
  // last successful Sync covered, and files created since their directory's last SyncDir are
  // removed. File objects opened before the call fail every later operation (the crashed process
  // is gone); open new ones. Renames and removals are not rolled back.
  absl::Status DropUnsyncedData();

  struct Counters {
    uint64_t appends = 0;          // Append calls that wrote something or succeeded
    uint64_t bytes_appended = 0;   // bytes that reached the base file system
    uint64_t syncs = 0;            // successful WritableFile::Sync calls
    uint64_t dir_syncs = 0;        // successful SyncDir calls
    uint64_t injected_faults = 0;  // operations failed on purpose (FailNext or the byte cap)
  };
  Counters counters() const;
  // Bytes of `path` covered by the last successful Sync (0 if never synced or not tracked).
  uint64_t SyncedSize(const std::string& path) const;

  // FileSystem.
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override;
  absl::StatusOr<std::string> ReadFile(const std::string& path) override;
  absl::Status CreateDirs(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override;
  absl::Status Remove(const std::string& path) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status Truncate(const std::string& path, uint64_t size) override;
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override;
  bool Exists(const std::string& path) override;
  absl::Status SyncDir(const std::string& dir) override;
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  absl::StatusOr<uint64_t> FreeBytes(const std::string& path) override;

 private:
  class File;
  friend class File;

  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
    bool name_durable = true;  // false until SyncDir of its directory after creation
  };
  struct PendingFault {
    int count = 0;
    Fault fault = Fault::kIoError;
  };

  // Consumes one injected fault of kind `op`, if any is pending.
  std::optional<Fault> TakeFault(FaultOp op) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static absl::Status FaultStatus(Fault fault, std::string_view op, const std::string& path);

  FileSystem& base_;
  mutable absl::Mutex mu_;
  PendingFault pending_[5] ABSL_GUARDED_BY(mu_);
  std::optional<uint64_t> append_limit_ ABSL_GUARDED_BY(mu_);
  uint64_t sync_delay_micros_ ABSL_GUARDED_BY(mu_) = 0;
  Counters counters_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
  // Bumped by DropUnsyncedData; file objects from an older epoch are dead.
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace weft
