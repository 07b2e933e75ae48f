#include "common/fault_injecting_file_system.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

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
  return absl::InternalError(
      absl::StrCat("file handle from before a simulated crash: ", path));
}

}  // namespace

// A WritableFile that consults the owning file system before and after each base operation.
class FaultInjectingFileSystem::File final : public WritableFile {
 public:
  File(FaultInjectingFileSystem& fs, std::string path, std::unique_ptr<WritableFile> base,
       uint64_t epoch)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)), epoch_(epoch) {}

  absl::Status Append(std::string_view data) override {
    size_t allowed = data.size();
    std::optional<Fault> fault;
    {
      absl::MutexLock lock(&fs_.mu_);
      if (fs_.epoch_ != epoch_) return DeadHandle(path_);
      fault = fs_.TakeFault(FaultOp::kAppend);
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
      // Reserve the bytes now so concurrent appends to other files respect the cap.
      fs_.counters_.bytes_appended += allowed;
      if (allowed > 0 || !fault) ++fs_.counters_.appends;
    }
    absl::Status status;
    if (allowed > 0) status = base_->Append(data.substr(0, allowed));
    {
      absl::MutexLock lock(&fs_.mu_);
      fs_.files_[path_].size = base_->Size();
    }
    if (!status.ok()) return status;
    if (fault) return FaultStatus(*fault, "write", path_);
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    {
      absl::MutexLock lock(&fs_.mu_);
      if (fs_.epoch_ != epoch_) return DeadHandle(path_);
      if (auto fault = fs_.TakeFault(FaultOp::kSync)) return FaultStatus(*fault, "fdatasync", path_);
    }
    const uint64_t size = base_->Size();
    WEFT_RETURN_IF_ERROR_(base_->Sync());
    absl::MutexLock lock(&fs_.mu_);
    FileState& state = fs_.files_[path_];
    state.synced = std::max(state.synced, std::min(size, state.size));
    ++fs_.counters_.syncs;
    return absl::OkStatus();
  }

  absl::Status Truncate(uint64_t size) override {
    {
      absl::MutexLock lock(&fs_.mu_);
      if (fs_.epoch_ != epoch_) return DeadHandle(path_);
      if (auto fault = fs_.TakeFault(FaultOp::kTruncate)) {
        return FaultStatus(*fault, "ftruncate", path_);
      }
    }
    WEFT_RETURN_IF_ERROR_(base_->Truncate(size));
    absl::MutexLock lock(&fs_.mu_);
    FileState& state = fs_.files_[path_];
    state.size = size;
    state.synced = std::min(state.synced, size);
    return absl::OkStatus();
  }

  absl::Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  // Local to avoid depending on status_macros.h's variable naming inside this class.
  static absl::Status Check(absl::Status s) { return s; }
#define WEFT_RETURN_IF_ERROR_(expr)          \
  do {                                       \
    absl::Status s_ = Check(expr);           \
    if (!s_.ok()) return s_;                 \
  } while (false)

  FaultInjectingFileSystem& fs_;
  const std::string path_;
  const std::unique_ptr<WritableFile> base_;
  const uint64_t epoch_;
};
