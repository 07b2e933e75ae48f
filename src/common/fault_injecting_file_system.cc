#include "common/fault_injecting_file_system.h"

#include <utility>

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace weft {
namespace {

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string WithoutTrailingSlash(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

absl::Status DeadHandle(const std::string& path) {
  return absl::InternalError(absl::StrCat("file handle from before a simulated crash: ", path));
}

}  // namespace

// A WritableFile that consults the owning file system around each base operation. The lock is
// held across the base call, so a simulated crash (DropUnsyncedData) falls cleanly between two
// operations: nothing a "dead" handle does reaches the disk or reports success afterwards.
class FaultInjectingFileSystem::File final : public WritableFile {
 public:
  File(FaultInjectingFileSystem& fs, std::string path, std::unique_ptr<WritableFile> base,
       uint64_t epoch)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)), epoch_(epoch) {}

  absl::Status Append(std::string_view data) override {
    absl::MutexLock lock(&fs_.mu_);
    if (fs_.epoch_ != epoch_) return DeadHandle(path_);
    size_t allowed = data.size();
    std::optional<Fault> fault = fs_.TakeFault(FaultOp::kAppend);
    if (fault) {
      allowed = data.size() / 2;  // a torn write
    } else if (fs_.append_limit_) {
      const uint64_t used = fs_.counters_.bytes_appended;
      const uint64_t room = *fs_.append_limit_ > used ? *fs_.append_limit_ - used : 0;
      if (data.size() > room) {
        allowed = static_cast<size_t>(room);
        fault = Fault::kDiskFull;
        ++fs_.counters_.injected_faults;
      }
    }
    absl::Status status;
    if (allowed > 0) status = base_->Append(data.substr(0, allowed));
    fs_.files_[path_].size = base_->Size();
    fs_.counters_.bytes_appended += allowed;
    if (allowed > 0 || !fault) ++fs_.counters_.appends;
    if (!status.ok()) return status;
    if (fault) return FaultStatus(*fault, "write", path_);
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    absl::MutexLock lock(&fs_.mu_);
    if (fs_.epoch_ != epoch_) return DeadHandle(path_);
    if (auto fault = fs_.TakeFault(FaultOp::kSync)) return FaultStatus(*fault, "fdatasync", path_);
    WEFT_RETURN_IF_ERROR(base_->Sync());
    if (fs_.sync_delay_micros_ > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(fs_.sync_delay_micros_));
    }
    FileState& state = fs_.files_[path_];
    state.synced = state.size;
    ++fs_.counters_.syncs;
    return absl::OkStatus();
  }

  absl::Status Truncate(uint64_t size) override {
    absl::MutexLock lock(&fs_.mu_);
    if (fs_.epoch_ != epoch_) return DeadHandle(path_);
    if (auto fault = fs_.TakeFault(FaultOp::kTruncate)) {
      return FaultStatus(*fault, "ftruncate", path_);
    }
    WEFT_RETURN_IF_ERROR(base_->Truncate(size));
    FileState& state = fs_.files_[path_];
    state.size = size;
    state.synced = std::min(state.synced, size);
    return absl::OkStatus();
  }

  absl::Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectingFileSystem& fs_;
  const std::string path_;
  const std::unique_ptr<WritableFile> base_;
  const uint64_t epoch_;
};

FaultInjectingFileSystem::FaultInjectingFileSystem(FileSystem& base) : base_(base) {}
FaultInjectingFileSystem::~FaultInjectingFileSystem() = default;

void FaultInjectingFileSystem::FailNext(FaultOp op, int count, Fault fault) {
  absl::MutexLock lock(&mu_);
  pending_[static_cast<int>(op)] = PendingFault{count, fault};
}

void FaultInjectingFileSystem::SetSyncDelayMicros(uint64_t micros) {
  absl::MutexLock lock(&mu_);
  sync_delay_micros_ = micros;
}

void FaultInjectingFileSystem::SetAppendByteLimit(std::optional<uint64_t> limit) {
  absl::MutexLock lock(&mu_);
  append_limit_ = limit;
}

std::optional<Fault> FaultInjectingFileSystem::TakeFault(FaultOp op) {
  PendingFault& p = pending_[static_cast<int>(op)];
  if (p.count <= 0) return std::nullopt;
  --p.count;
  ++counters_.injected_faults;
  return p.fault;
}

absl::Status FaultInjectingFileSystem::FaultStatus(Fault fault, std::string_view op,
                                                   const std::string& path) {
  if (fault == Fault::kDiskFull) return absl::ResourceExhaustedError("disk full: " + path);
  return absl::InternalError(absl::StrCat(absl::string_view(op.data(), op.size()), " ", path,
                                          ": Input/output error (injected)"));
}

absl::Status FaultInjectingFileSystem::DropUnsyncedData() {
  absl::MutexLock lock(&mu_);
  ++epoch_;
  absl::Status first_error;
  for (auto it = files_.begin(); it != files_.end();) {
    FileState& state = it->second;
    absl::Status s;
    if (!state.name_durable) {
      s = base_.Remove(it->first);
      if (absl::IsNotFound(s)) s = absl::OkStatus();
      files_.erase(it++);
    } else {
      if (state.size > state.synced) s = base_.Truncate(it->first, state.synced);
      state.size = state.synced;
      ++it;
    }
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error;
}

FaultInjectingFileSystem::Counters FaultInjectingFileSystem::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

uint64_t FaultInjectingFileSystem::SyncedSize(const std::string& path) const {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second.synced;
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::NewWritableFile(
    const std::string& path) {
  uint64_t epoch;
  {
    absl::MutexLock lock(&mu_);
    if (auto fault = TakeFault(FaultOp::kCreate)) return FaultStatus(*fault, "create", path);
    epoch = epoch_;
  }
  const bool existed = base_.Exists(path);
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_.NewWritableFile(path));
  absl::MutexLock lock(&mu_);
  FileState& state = files_[path];
  // Truncating an existing file makes its old content non-durable too.
  state = FileState{0, 0, existed ? state.name_durable : false};
  return std::make_unique<File>(*this, path, std::move(file), epoch);
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::NewAppendableFile(
    const std::string& path) {
  uint64_t epoch;
  {
    absl::MutexLock lock(&mu_);
    if (auto fault = TakeFault(FaultOp::kCreate)) return FaultStatus(*fault, "open", path);
    epoch = epoch_;
  }
  const bool existed = base_.Exists(path);
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_.NewAppendableFile(path));
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = files_.try_emplace(path);
  if (inserted) {
    // Content that was there before this object saw the file is taken as durable.
    it->second = FileState{file->Size(), file->Size(), existed};
  }
  return std::make_unique<File>(*this, path, std::move(file), epoch);
}

absl::StatusOr<std::unique_ptr<RandomAccessFile>> FaultInjectingFileSystem::NewRandomAccessFile(
    const std::string& path) {
  return base_.NewRandomAccessFile(path);
}

absl::StatusOr<std::string> FaultInjectingFileSystem::ReadFile(const std::string& path) {
  return base_.ReadFile(path);
}

absl::Status FaultInjectingFileSystem::CreateDirs(const std::string& path) {
  return base_.CreateDirs(path);
}

absl::StatusOr<std::vector<std::string>> FaultInjectingFileSystem::ListDir(const std::string& dir) {
  return base_.ListDir(dir);
}

absl::Status FaultInjectingFileSystem::Remove(const std::string& path) {
  WEFT_RETURN_IF_ERROR(base_.Remove(path));
  absl::MutexLock lock(&mu_);
  files_.erase(path);
  return absl::OkStatus();
}

absl::Status FaultInjectingFileSystem::Rename(const std::string& from, const std::string& to) {
  WEFT_RETURN_IF_ERROR(base_.Rename(from, to));
  absl::MutexLock lock(&mu_);
  auto it = files_.find(from);
  if (it != files_.end()) {
    FileState state = it->second;
    files_.erase(it);
    files_[to] = state;
  } else {
    files_.erase(to);
  }
  return absl::OkStatus();
}

absl::Status FaultInjectingFileSystem::Truncate(const std::string& path, uint64_t size) {
  {
    absl::MutexLock lock(&mu_);
    if (auto fault = TakeFault(FaultOp::kTruncate)) return FaultStatus(*fault, "truncate", path);
  }
  WEFT_RETURN_IF_ERROR(base_.Truncate(path, size));
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    it->second.size = size;
    it->second.synced = std::min(it->second.synced, size);
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> FaultInjectingFileSystem::FileSize(const std::string& path) {
  return base_.FileSize(path);
}

bool FaultInjectingFileSystem::Exists(const std::string& path) { return base_.Exists(path); }

absl::Status FaultInjectingFileSystem::SyncDir(const std::string& dir) {
  {
    absl::MutexLock lock(&mu_);
    if (auto fault = TakeFault(FaultOp::kSyncDir)) return FaultStatus(*fault, "fsync", dir);
  }
  WEFT_RETURN_IF_ERROR(base_.SyncDir(dir));
  const std::string normalized = WithoutTrailingSlash(dir);
  absl::MutexLock lock(&mu_);
  for (auto& [path, state] : files_) {
    if (ParentDir(path) == normalized) state.name_durable = true;
  }
  ++counters_.dir_syncs;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FileLock>> FaultInjectingFileSystem::LockFile(
    const std::string& path) {
  return base_.LockFile(path);
}

absl::StatusOr<uint64_t> FaultInjectingFileSystem::FreeBytes(const std::string& path) {
  WEFT_ASSIGN_OR_RETURN(uint64_t free, base_.FreeBytes(path));
  absl::MutexLock lock(&mu_);
  if (append_limit_) {
    const uint64_t used = counters_.bytes_appended;
    free = std::min(free, *append_limit_ > used ? *append_limit_ - used : 0);
  }
  return free;
}

}  // namespace weft
