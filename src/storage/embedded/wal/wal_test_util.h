// Helpers for the WAL tests: a scratch directory, and a done callback that records its outcome.
// Thread rule: ScratchDir is not thread-safe; DoneLog is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "storage/embedded/wal/wal.h"

namespace weft::storage::embedded::testing {

// A fresh directory under the test temp dir, removed with its content at destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Collects the outcome of numbered appends; every `done` must run exactly once.
class DoneLog {
 public:
  explicit DoneLog(size_t n) : results_(n), calls_(n, 0) {}
  WalDone Done(size_t i);
  // Blocks until `n` dones in total have run.
  void WaitFor(size_t n);
  absl::Status result(size_t i) const;
  int calls(size_t i) const;
  size_t finished() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<absl::Status> results_ ABSL_GUARDED_BY(mu_);
  std::vector<int> calls_ ABSL_GUARDED_BY(mu_);
  size_t finished_ ABSL_GUARDED_BY(mu_) = 0;
};

// Every record of the WAL in `dir` as "tenant|payload", with the stats.
struct Replayed {
  std::vector<std::string> records;
  WalReplayStats stats;
};
absl::StatusOr<Replayed> ReplayAll(FileSystem& fs, const std::string& dir, bool repair = true);

}  // namespace weft::storage::embedded::testing
