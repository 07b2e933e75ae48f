#include "storage/embedded/wal/wal_test_util.h"

#include <filesystem>

#include <stdlib.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace weft::storage::embedded::testing {

ScratchDir::ScratchDir() {
  std::string tmpl = ::testing::TempDir() + "/wal_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

WalDone DoneLog::Done(size_t i) {
  return [this, i](absl::Status s) {
    absl::MutexLock lock(&mu_);
    results_[i] = std::move(s);
    ++calls_[i];
    ++finished_;
  };
}

void DoneLog::WaitFor(size_t n) {
  absl::MutexLock lock(&mu_);
  auto reached = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return finished_ >= n; };
  mu_.Await(absl::Condition(&reached));
}

absl::Status DoneLog::result(size_t i) const {
  absl::MutexLock lock(&mu_);
  return results_[i];
}

int DoneLog::calls(size_t i) const {
  absl::MutexLock lock(&mu_);
  return calls_[i];
}

size_t DoneLog::finished() const {
  absl::MutexLock lock(&mu_);
  return finished_;
}

absl::StatusOr<Replayed> ReplayAll(FileSystem& fs, const std::string& dir, bool repair) {
  Replayed out;
  auto stats = ReadWal(fs, dir, WalReadOptions{UINT64_MAX, repair}, [&](const WalRecord& r) {
    out.records.push_back(absl::StrCat(absl::string_view(r.tenant.data(), r.tenant.size()), "|",
                                       absl::string_view(r.payload.data(), r.payload.size())));
    return absl::OkStatus();
  });
  if (!stats.ok()) return stats.status();
  out.stats = *std::move(stats);
  return out;
}

}  // namespace weft::storage::embedded::testing
