// The embedded store's background work besides cutting: compaction (merging small blocks of
// nearby time, dropping exact duplicates) and retention (deleting blocks by age and size cap).
// See embedded_store.h.
#include <utility>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/embedded/compaction/compactor.h"
#include "storage/embedded/store/embedded_store_impl.h"

namespace weft::storage::embedded {

absl::StatusOr<BlockFileRef> EmbeddedStore::Impl::NewBlockFile(const std::string& tenant) {
  const std::string dir = TenantBlocksDir(options_.dir, tenant);
  if (absl::Status made = fs_.CreateDirs(dir); !made.ok()) return made;
  const uint64_t sequence = next_sequence_.fetch_add(1);
  return BlockFileRef{tenant, sequence, absl::StrCat(dir, "/", BlockFileName(sequence))};
}

absl::Status EmbeddedStore::Impl::Compact() {
  absl::MutexLock lock(&compaction_mu_);
  absl::Status first_error;
  // Per tenant: the blocks as they are now, planned and merged group by group.
  BlockSnapshot all = blocks_.All();
  std::vector<std::string> tenants;
  for (const auto& block : all) {
    if (tenants.empty() || tenants.back() != block->file.tenant)
      tenants.push_back(block->file.tenant);
  }
  for (const std::string& tenant : tenants) {
    const BlockSnapshot blocks = blocks_.Snapshot(tenant);
    std::vector<BlockInfo> infos;
    infos.reserve(blocks.size());
    for (const auto& block : blocks) infos.push_back(block->reader->info());
    for (const std::vector<size_t>& plan : PlanCompaction(infos, options_.compaction)) {
      BlockSnapshot group;
      for (const size_t i : plan) group.push_back(blocks[i]);
      absl::Status compacted = CompactGroup(group);
      if (!compacted.ok() && first_error.ok()) first_error = compacted;
    }
  }
  return first_error;
}

absl::Status EmbeddedStore::Impl::CompactGroup(const BlockSnapshot& group) {
  const std::string& tenant = group.front()->file.tenant;
  absl::StatusOr<BlockFileRef> file = NewBlockFile(tenant);
  if (!file.ok()) return file.status();
  std::vector<const BlockReader*> inputs;
  std::vector<std::string> input_paths;
  for (const auto& block : group) {
    inputs.push_back(block->reader.get());
    input_paths.push_back(block->file.path);
  }
  BlockWriterOptions options = options_.compacted_block;
  options.tenant = tenant;
  absl::StatusOr<CompactionResult> result =
      CompactBlocks(fs_, inputs, file->path, options, &cancel_compaction_);
  if (!result.ok()) {
    if (absl::IsCancelled(result.status())) return absl::OkStatus();  // closing
    if (absl::IsDataLoss(result.status())) {
      // Find the corrupt input(s) and set them aside; the next pass merges the rest.
      for (const auto& block : group) blocks_.SetAsideIfCorrupt(*block, block->reader->Verify());
    }
    return result.status();
  }
  absl::StatusOr<std::unique_ptr<BlockReader>> reader = BlockReader::Open(fs_, file->path);
  if (!reader.ok()) return reader.status();
  compactions_.Increment();
  duplicates_dropped_.Increment(result->duplicates_dropped);
  return blocks_.Replace(
      input_paths,
      LiveBlock{*std::move(file), std::shared_ptr<const BlockReader>(*std::move(reader))});
}

absl::Status EmbeddedStore::Impl::ApplyRetention() {
  absl::MutexLock lock(&compaction_mu_);
  const BlockSnapshot all = blocks_.All();
  std::vector<BlockInfo> infos;
  infos.reserve(all.size());
  for (const auto& block : all) infos.push_back(block->reader->info());
  const std::vector<RetentionDecision> decisions =
      PlanRetention(infos, clock_.NowUnixNanos(), options_.retention);
  if (decisions.empty()) return absl::OkStatus();
  std::vector<std::string> paths;
  for (const RetentionDecision& decision : decisions) {
    const BlockInfo& info = infos[decision.index];
    paths.push_back(info.path);
    Log(absl::StrCat("retention: deleting ", info.path, " (", info.spans, " spans, ",
                     FormatBinaryBytes(info.bytes), "): ", decision.reason));
  }
  blocks_deleted_.Increment(paths.size());
  return blocks_.Delete(paths);
}

}  // namespace weft::storage::embedded
