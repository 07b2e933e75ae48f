// The scan of one block behind BlockReader::Scan (docs/format/block.md, "Reading: pruning" and
// "Reading: scans"): prune the block and its row groups from statistics, evaluate the filter on
// the columns it names (row_group_filter.h), order the matching trace pieces newest first, and
// rebuild only the first `limit` traces, checking their spans with the reference evaluator.
// Thread rule: pure function of an open block; safe to call from many threads at once.
#pragma once

#include "absl/status/statusor.h"
#include "storage/embedded/block/block_file.h"
#include "storage/span_fetcher.h"

namespace weft::storage::embedded::block {

// InvalidArgument for a bad request (start after end, limit 0) or regex; DataLoss for damage.
absl::StatusOr<storage::FetchResult> ScanBlock(const BlockFile& block,
                                               const storage::FetchRequest& request);

}  // namespace weft::storage::embedded::block
