// Published blocks per tenant, with quarantine of corrupt ones (see block_set.h).
#include "storage/embedded/store/block_set.h"

#include <utility>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace weft::storage::embedded {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

BlockSet::BlockSet(FileSystem& fs, std::string root, MetricsRegistry& metrics,
                   std::function<void(std::string_view)> log)
    : fs_(fs),
      root_(std::move(root)),
      log_(std::move(log)),
      quarantined_(
          metrics.GetCounter("weft_store_blocks_quarantined_total",
                             "Blocks found corrupt and set aside (moved to quarantine/).")),
      blocks_gauge_(metrics.GetGauge("weft_store_blocks", "Blocks being served.")),
      bytes_gauge_(
          metrics.GetGauge("weft_store_block_bytes", "Bytes of the blocks being served.")) {}

absl::StatusOr<uint64_t> BlockSet::Load() {
  uint64_t max_sequence = 0;
  for (const bool quarantined : {true, false}) {
    absl::StatusOr<std::vector<BlockFileRef>> files = ListBlockFiles(fs_, root_, quarantined);
    if (!files.ok()) return files.status();
    for (BlockFileRef& file : *files) {
      max_sequence = std::max(max_sequence, file.sequence);
      if (quarantined) continue;
      absl::StatusOr<std::unique_ptr<BlockReader>> reader = BlockReader::Open(fs_, file.path);
      if (!reader.ok()) {
        if (absl::IsDataLoss(reader.status())) {
          SetAside(file, reader.status(), /*was_published=*/false);
          continue;
        }
        return reader.status();
      }
      Add(LiveBlock{std::move(file), std::shared_ptr<const BlockReader>(*std::move(reader))});
    }
  }
  return max_sequence;
}

void BlockSet::Add(LiveBlock block, const std::function<void()>& also) {
  auto shared = std::make_shared<const LiveBlock>(std::move(block));
  absl::MutexLock lock(&mu_);
  by_tenant_[AbslView(shared->file.tenant)].push_back(shared);
  if (also) also();
  UpdateGaugesLocked();
}

absl::Status BlockSet::Replace(const std::vector<std::string>& old_paths, LiveBlock replacement) {
  auto shared = std::make_shared<const LiveBlock>(std::move(replacement));
  {
    absl::MutexLock lock(&mu_);
    BlockSnapshot& blocks = by_tenant_[AbslView(shared->file.tenant)];
    std::erase_if(blocks, [&](const std::shared_ptr<const LiveBlock>& b) {
      return std::find(old_paths.begin(), old_paths.end(), b->file.path) != old_paths.end();
    });
    // Keep sequence order: the replacement takes its own (newer) sequence's place.
    auto at = std::upper_bound(
        blocks.begin(), blocks.end(), shared,
        [](const auto& a, const auto& b) { return a->file.sequence < b->file.sequence; });
    blocks.insert(at, shared);
    UpdateGaugesLocked();
  }
  return Delete(old_paths);
}

absl::Status BlockSet::Delete(const std::vector<std::string>& paths) {
  {
    absl::MutexLock lock(&mu_);
    for (auto& [tenant, blocks] : by_tenant_) {
      std::erase_if(blocks, [&](const std::shared_ptr<const LiveBlock>& b) {
        return std::find(paths.begin(), paths.end(), b->file.path) != paths.end();
      });
    }
    UpdateGaugesLocked();
  }
  absl::Status first_error;
  for (const std::string& path : paths) {
    absl::Status removed = fs_.Remove(path);
    if (!removed.ok() && !absl::IsNotFound(removed) && first_error.ok()) first_error = removed;
  }
  return first_error;
}

BlockSnapshot BlockSet::Snapshot(std::string_view tenant,
                                 const std::function<void()>& under_lock) const {
  absl::ReaderMutexLock lock(&mu_);
  if (under_lock) under_lock();
  auto it = by_tenant_.find(AbslView(tenant));
  return it == by_tenant_.end() ? BlockSnapshot{} : it->second;
}

BlockSnapshot BlockSet::All() const {
  absl::ReaderMutexLock lock(&mu_);
  BlockSnapshot all;
  for (const auto& [tenant, blocks] : by_tenant_)
    all.insert(all.end(), blocks.begin(), blocks.end());
  return all;
}

bool BlockSet::SetAsideIfCorrupt(const LiveBlock& block, const absl::Status& status) {
  if (!absl::IsDataLoss(status)) return false;
  {
    absl::MutexLock lock(&mu_);
    auto it = by_tenant_.find(AbslView(block.file.tenant));
    if (it == by_tenant_.end()) return true;
    const size_t before = it->second.size();
    std::erase_if(it->second, [&](const std::shared_ptr<const LiveBlock>& b) {
      return b->file.path == block.file.path;
    });
    if (it->second.size() == before) return true;  // another reader set it aside already
    UpdateGaugesLocked();
  }
  SetAside(block.file, status, /*was_published=*/true);
  return true;
}

void BlockSet::SetAside(const BlockFileRef& file, const absl::Status& status, bool was_published) {
  quarantined_.Increment();
  const std::string dir = absl::StrCat(QuarantineDir(root_), "/", file.tenant);
  const std::string to = absl::StrCat(dir, "/", BlockFileName(file.sequence));
  absl::Status moved = fs_.CreateDirs(dir);
  if (moved.ok()) moved = fs_.Rename(file.path, to);
  if (moved.ok()) moved = fs_.SyncDir(dir);
  log_(absl::StrCat("store: block ", file.path, " is corrupt (", status.message(), "); ",
                    moved.ok() ? absl::StrCat("moved to ", to)
                               : absl::StrCat("could not move it aside: ", moved.message()),
                    was_published ? "; no longer served" : "; not served"));
}

uint64_t BlockSet::blocks() const {
  absl::ReaderMutexLock lock(&mu_);
  return blocks_;
}

uint64_t BlockSet::bytes() const {
  absl::ReaderMutexLock lock(&mu_);
  return bytes_;
}

void BlockSet::UpdateGaugesLocked() {
  blocks_ = 0;
  bytes_ = 0;
  for (const auto& [tenant, blocks] : by_tenant_) {
    blocks_ += blocks.size();
    for (const auto& block : blocks) bytes_ += block->reader->info().bytes;
  }
  blocks_gauge_.Set(static_cast<int64_t>(blocks_));
  bytes_gauge_.Set(static_cast<int64_t>(bytes_));
}

}  // namespace weft::storage::embedded
