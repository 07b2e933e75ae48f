// Compaction: merges several blocks of one tenant into one larger block. Small blocks cut by the
// head every few seconds compress poorly and make every query open many files; one merged block
// holds each trace's spans together (a trace whose spans arrived late, cut into pieces across
// several small blocks, becomes whole again) and drops exact duplicate spans (client retries,
// collectors fanning in twice). Which blocks to merge is compaction_plan.h's decision.
// Thread rule: CompactBlocks may run on any thread; it only reads the (thread-safe) readers and
// writes its own output file.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "common/file_system.h"
#include "storage/embedded/block/block_reader.h"
#include "storage/embedded/block/block_writer.h"

namespace weft::storage::embedded {

struct CompactionResult {
  BlockInfo block;  // the new block
  uint64_t input_spans = 0;
  uint64_t duplicates_dropped = 0;  // exact duplicate spans left out (block.spans = input - these)
  uint64_t traces_joined = 0;       // traces found in more than one input
};

// Merges `inputs` (blocks of one tenant) into one new block at `output_path`: traces in ascending
// trace-id order, each trace's spans from every input together (input by input, in the order of
// `inputs`), exact duplicate spans dropped (storage::DropExactDuplicates, which keeps the first
// copy), spans sharing an id but differing in content kept. The output records the inputs' tenant
// whatever `options.tenant` says; the other options (zstd level, row-group size) apply as given.
//
// Streams: one trace per input plus one row group per input in memory. The output appears at
// `output_path` only when complete (BlockWriter). Does not delete the inputs (the store does,
// after publishing the output).
//
// `cancel` (optional) is checked between traces: once true, the merge stops with Cancelled and
// leaves no output (a server shutting down does not wait for a long merge).
//
// Errors: InvalidArgument when `inputs` is empty, when they name different tenants, or when
// `output_path` is one of theirs; a reader's DataLoss or the writer's I/O errors as they are (no
// output block is left behind then).
absl::StatusOr<CompactionResult> CompactBlocks(FileSystem& fs,
                                               std::span<const BlockReader* const> inputs,
                                               const std::string& output_path,
                                               const BlockWriterOptions& options,
                                               const std::atomic<bool>* cancel = nullptr);

}  // namespace weft::storage::embedded
