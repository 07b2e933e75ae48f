// PosixFileSystem: FileSystem over open/pwrite/pread/fdatasync/ftruncate/rename/statvfs.
// Linux only (fdatasync, O_CLOEXEC, O_DIRECTORY).
#include <algorithm>
#include <cerrno>
#include <system_error>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/file_system.h"

namespace weft {
namespace {

// ENOSPC/EDQUOT -> ResourceExhausted, ENOENT -> NotFound, anything else -> Internal.
absl::Status ErrnoToStatus(int err, std::string_view op, const std::string& path) {
  if (err == ENOSPC || err == EDQUOT) {
    return absl::ResourceExhaustedError(absl::StrCat("disk full: ", path));
  }
  const std::string reason = std::error_code(err, std::generic_category()).message();
  if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": ", reason));
  return absl::InternalError(
      absl::StrCat(absl::string_view(op.data(), op.size()), " ", path, ": ", reason));
}

// Retries a syscall returning -1/EINTR.
template <typename F>
auto RetryOnEintr(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r == -1 && errno == EINTR);
  return r;
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override { (void)Close(); }

  absl::Status Append(std::string_view data) override {
    if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("closed: ", path_));
    while (!data.empty()) {
      const ssize_t n = RetryOnEintr(
          [&] { return ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(size_)); });
      if (n < 0) return ErrnoToStatus(errno, "write", path_);
      // pwrite returning 0 for a non-empty buffer means no progress is possible: treat as full.
      if (n == 0) return ErrnoToStatus(ENOSPC, "write", path_);
      size_ += static_cast<uint64_t>(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("closed: ", path_));
    if (RetryOnEintr([&] { return ::fdatasync(fd_); }) != 0) {
      return ErrnoToStatus(errno, "fdatasync", path_);
    }
    return absl::OkStatus();
  }

  absl::Status Truncate(uint64_t size) override {
    if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("closed: ", path_));
    if (RetryOnEintr([&] { return ::ftruncate(fd_, static_cast<off_t>(size)); }) != 0) {
      return ErrnoToStatus(errno, "ftruncate", path_);
    }
    size_ = size;
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (fd_ < 0) return absl::OkStatus();
    const int fd = fd_;
    fd_ = -1;
    // close(2) must not be retried on EINTR on Linux: the descriptor is gone either way.
    if (::close(fd) != 0) return ErrnoToStatus(errno, "close", path_);
    return absl::OkStatus();
  }

  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  absl::StatusOr<std::string_view> Read(uint64_t offset, size_t n, char* scratch) const override {
    size_t got = 0;
    while (got < n) {
      const ssize_t r = RetryOnEintr(
          [&] { return ::pread(fd_, scratch + got, n - got, static_cast<off_t>(offset + got)); });
      if (r < 0) return ErrnoToStatus(errno, "read", path_);
      if (r == 0) break;  // end of file
      got += static_cast<size_t>(r);
    }
    return std::string_view(scratch, got);
  }

  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  const int fd_;
  const uint64_t size_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }  // closing the descriptor releases the flock

 private:
  int fd_;
};

class PosixFileSystemImpl final : public FileSystem {
 public:
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    const int fd = RetryOnEintr(
        [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); });
    if (fd < 0) return ErrnoToStatus(errno, "create", path);
    return std::make_unique<PosixWritableFile>(path, fd, 0);
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override {
    const int fd =
        RetryOnEintr([&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644); });
    if (fd < 0) return ErrnoToStatus(errno, "open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "stat", path);
    }
    return std::make_unique<PosixWritableFile>(path, fd, static_cast<uint64_t>(st.st_size));
  }

  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return ErrnoToStatus(errno, "open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "stat", path);
    }
    return std::make_unique<PosixRandomAccessFile>(path, fd, static_cast<uint64_t>(st.st_size));
  }

  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return ErrnoToStatus(errno, "open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "stat", path);
    }
    // Read straight into the result; grow it if the file grew meanwhile.
    std::string out(static_cast<size_t>(st.st_size) + 1, '\0');
    size_t got = 0;
    for (;;) {
      if (got == out.size()) out.resize(out.size() * 2);
      const ssize_t r =
          RetryOnEintr([&] { return ::read(fd, out.data() + got, out.size() - got); });
      if (r < 0) {
        const int err = errno;
        ::close(fd);
        return ErrnoToStatus(err, "read", path);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    ::close(fd);
    out.resize(got);
    return out;
  }

  absl::Status CreateDirs(const std::string& path) override {
    if (path.empty()) return absl::InvalidArgumentError("CreateDirs: empty path");
    // Create each prefix ending before a '/', then the whole path.
    for (size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
      const std::string prefix = path.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoToStatus(errno, "mkdir", prefix);
      }
      if (pos == std::string::npos) break;
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoToStatus(errno, "stat", path);
    if (!S_ISDIR(st.st_mode)) return ErrnoToStatus(ENOTDIR, "mkdir", path);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoToStatus(errno, "opendir", dir);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoToStatus(err, "readdir", dir);
    std::sort(names.begin(), names.end());
    return names;
  }

  absl::Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoToStatus(errno, "unlink", path);
    return absl::OkStatus();
  }

  absl::Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoToStatus(errno, "rename", from + " -> " + to);
    }
    return absl::OkStatus();
  }

  absl::Status Truncate(const std::string& path, uint64_t size) override {
    if (RetryOnEintr([&] { return ::truncate(path.c_str(), static_cast<off_t>(size)); }) != 0) {
      return ErrnoToStatus(errno, "truncate", path);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoToStatus(errno, "stat", path);
    return static_cast<uint64_t>(st.st_size);
  }

  bool Exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  absl::Status SyncDir(const std::string& dir) override {
    const int fd =
        RetryOnEintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return ErrnoToStatus(errno, "open", dir);
    const int r = RetryOnEintr([&] { return ::fsync(fd); });
    const int err = errno;
    ::close(fd);
    if (r != 0) return ErrnoToStatus(err, "fsync", dir);
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoToStatus(errno, "open", path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return absl::FailedPreconditionError(
            absl::StrCat(path, " is locked: another process is using this directory"));
      }
      return ErrnoToStatus(err, "flock", path);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }

  absl::StatusOr<uint64_t> FreeBytes(const std::string& path) override {
    struct statvfs sv;
    if (::statvfs(path.c_str(), &sv) != 0) return ErrnoToStatus(errno, "statvfs", path);
    return static_cast<uint64_t>(sv.f_bavail) * static_cast<uint64_t>(sv.f_frsize);
  }
};

}  // namespace

FileSystem& PosixFileSystem() {
  // Never destroyed: other static objects may still use it during shutdown.
  static auto* fs = new PosixFileSystemImpl();
  return *fs;
}

}  // namespace weft
