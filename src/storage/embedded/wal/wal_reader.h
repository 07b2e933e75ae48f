// Reading a WAL directory: every segment in id order, every record in each, with the recovery
// rules of docs/format/wal.md ("Recovery"): a torn or corrupt tail of the newest segment is cut
// (when repairing), corruption inside an older segment skips the rest of that segment; both are
// reported, neither is fatal. Used by Wal::Replay and by read-only tools (inspect, verify).
// Thread rule: ReadWal may run concurrently with a Wal appending to newer segments of the same
// directory, as long as `before_segment` excludes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/file_system.h"

namespace weft::storage::embedded {

// A record as replay hands it out. Views are valid only during the callback.
struct WalRecord {
  uint64_t segment = 0;
  uint64_t offset = 0;  // of the record within its segment file
  std::string_view tenant;
  std::string_view payload;
};

// A callback error stops the read and is returned as is.
using WalRecordCallback = absl::FunctionRef<absl::Status(const WalRecord&)>;

// Something wrong found while reading.
struct WalProblem {
  uint64_t segment = 0;
  uint64_t offset = 0;         // where the bad data starts
  uint64_t dropped_bytes = 0;  // from `offset` to the end of the file
  bool repaired = false;       // the file was cut at `offset` (or removed, for a bad header)
  std::string reason;
};

struct WalReplayStats {
  uint64_t segments = 0;         // segment files looked at
  uint64_t records = 0;          // records handed to the callback
  uint64_t payload_bytes = 0;    // their (decompressed) payload bytes
  uint64_t file_bytes = 0;       // bytes of the segment files read
  uint64_t truncated_bytes = 0;  // bytes cut from the newest segment's tail (repair)
  uint64_t skipped_bytes = 0;    // bytes not read because of corruption, not cut
  uint64_t last_segment = 0;     // id of the newest segment read (0: none)
  std::vector<WalProblem> problems;
};

struct WalReadOptions {
  // Only segments with a smaller id are read.
  uint64_t before_segment = UINT64_MAX;
  // Cut a torn or corrupt tail off the newest segment (durably), so the next read is clean. Off:
  // read-only, the problem is only reported.
  bool repair = false;
};

// Ids of the segment files in `dir`, ascending. Other files are ignored.
absl::StatusOr<std::vector<uint64_t>> ListWalSegments(FileSystem& fs, const std::string& dir);

// Errors: I/O failures; FailedPrecondition for a segment written by a newer format version (it is
// neither read nor touched: a downgrade must not eat data); the callback's error.
absl::StatusOr<WalReplayStats> ReadWal(FileSystem& fs, const std::string& dir,
                                       const WalReadOptions& options, WalRecordCallback callback);

}  // namespace weft::storage::embedded
