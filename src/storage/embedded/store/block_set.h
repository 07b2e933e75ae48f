// BlockSet: the embedded store's published blocks, per tenant, each an open BlockReader shared
// with the readers using it. Blocks are added when a cut or compaction publishes them, removed
// when compaction replaces them or retention deletes them, and set aside (moved to
// DIR/quarantine/<tenant>/, never read again) when found corrupt — at open or by any later read.
// Thread rule: every method is thread-safe. A snapshot keeps its blocks open (and readable, even
// once removed or deleted: the file stays open) for as long as it is held.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/file_system.h"
#include "common/metrics.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/store/data_dir.h"

namespace weft::storage::embedded {

struct LiveBlock {
  BlockFileRef file;
  std::shared_ptr<const BlockReader> reader;
};
using BlockSnapshot = std::vector<std::shared_ptr<const LiveBlock>>;

class BlockSet {
 public:
  // `log` receives one line per noteworthy event (a block set aside).
  BlockSet(FileSystem& fs, std::string root, MetricsRegistry& metrics,
           std::function<void(std::string_view)> log);

  // Opens every block under DIR/blocks; a corrupt one is set aside (and reported), an I/O error
  // fails. Returns the highest block sequence seen anywhere (also in quarantine), 0 if none.
  absl::StatusOr<uint64_t> Load();

  // Publishes a new block. `also` runs under the set's exclusive lock (so that readers see the
  // block and the head's change together).
  void Add(LiveBlock block, const std::function<void()>& also = {});
  // Replaces `old` blocks (by path) with `replacement` (compaction), atomically for readers, and
  // deletes the old files. Errors from deleting are returned; the set is updated regardless.
  absl::Status Replace(const std::vector<std::string>& old_paths, LiveBlock replacement);
  // Removes blocks (by path) and deletes their files (retention).
  absl::Status Delete(const std::vector<std::string>& paths);

  // The tenant's blocks, oldest first. `under_lock` runs while the set is locked shared (the
  // store takes its head snapshot there).
  BlockSnapshot Snapshot(std::string_view tenant,
                         const std::function<void()>& under_lock = {}) const;
  // Every block of every tenant.
  BlockSnapshot All() const;

  // If `status` is DataLoss, sets `block` aside: drops it from the set, moves its file to
  // quarantine, counts and logs it. Returns true when it did (the caller then skips the block).
  bool SetAsideIfCorrupt(const LiveBlock& block, const absl::Status& status);

  uint64_t blocks() const;
  uint64_t bytes() const;

 private:
  void SetAside(const BlockFileRef& file, const absl::Status& status, bool was_published);
  void UpdateGaugesLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  FileSystem& fs_;
  const std::string root_;
  std::function<void(std::string_view)> log_;
  Counter& quarantined_;
  Gauge& blocks_gauge_;
  Gauge& bytes_gauge_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, BlockSnapshot> by_tenant_ ABSL_GUARDED_BY(mu_);
  uint64_t blocks_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace weft::storage::embedded
