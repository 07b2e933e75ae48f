// All disk access goes through a FileSystem (STYLE: the real disk is reached only from
// src/common), so tests can inject faults (disk full, failed fsync, torn writes) and count I/O.
// PosixFileSystem is the real one; FaultInjectingFileSystem (fault_injecting_file_system.h) wraps
// another for tests.
// Errors: ENOSPC/EDQUOT become ResourceExhausted ("disk full: <path>"), a missing file NotFound,
// other failures Internal with the operation, the path and strerror.
// Thread rule: FileSystem methods are thread-safe; a file object is used by one thread at a time
// (or by several, as long as they do not overlap).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace weft {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all of `data` at the end. On error a prefix of `data` may have been written (a torn
  // write): Size() then counts what reached the file, and Truncate can cut it off again.
  virtual absl::Status Append(std::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync). After a failed Sync, nothing appended
  // since the last successful Sync may be assumed durable, even if a later Sync succeeds.
  virtual absl::Status Sync() = 0;
  // Cuts the file to `size` bytes (REQUIRES: size <= Size()); later appends continue there. Not
  // durable until the next Sync.
  virtual absl::Status Truncate(uint64_t size) = 0;
  // Closes the file descriptor (without syncing). Idempotent; the destructor closes too.
  virtual absl::Status Close() = 0;
  // Bytes in the file (appended so far, plus what it held when opened for append).
  virtual uint64_t Size() const = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch` (REQUIRES: room for n) and returns a view of
  // what was read; shorter only at end of file. The view points into `scratch`. Thread-safe.
  virtual absl::StatusOr<std::string_view> Read(uint64_t offset, size_t n, char* scratch) const = 0;
  // The size when the file was opened.
  virtual uint64_t Size() const = 0;
};

// An exclusive advisory lock on a file, held until destroyed (or the process dies).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates or truncates `path`. The new name is durable only after SyncDir of its directory.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;
  // Opens `path` for appending, creating it if missing.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;
  // The whole file.
  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;

  // Like `mkdir -p`.
  virtual absl::Status CreateDirs(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir` (without "." and ".."), sorted.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Removes a file (not a directory).
  virtual absl::Status Remove(const std::string& path) = 0;
  // Atomic replace, as rename(2).
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  virtual absl::Status Truncate(const std::string& path, uint64_t size) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Makes creations, renames and removals in `dir` durable (fsync of the directory).
  virtual absl::Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive lock on `path` (created if missing) without waiting: FailedPrecondition
  // when another process (or another lock in this one) holds it.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  // Bytes free for unprivileged users on the file system holding `path`.
  virtual absl::StatusOr<uint64_t> FreeBytes(const std::string& path) = 0;
};

// The real file system (POSIX). A process-wide instance.
FileSystem& PosixFileSystem();

}  // namespace weft
