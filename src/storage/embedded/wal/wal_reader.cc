// ReadWal: recovery rules of docs/format/wal.md ("Recovery").
#include "storage/embedded/wal/wal_reader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/embedded/wal/wal_format.h"

namespace weft::storage::embedded {
namespace {

std::string SegmentPath(const std::string& dir, uint64_t id) {
  return dir + "/" + SegmentFileName(id);
}

// Cuts `path` to `size` bytes durably.
absl::Status CutFile(FileSystem& fs, const std::string& path, uint64_t size) {
  WEFT_ASSIGN_OR_RETURN(auto file, fs.NewAppendableFile(path));
  WEFT_RETURN_IF_ERROR(file->Truncate(size));
  WEFT_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

// Refuses a directory holding a segment of a newer format before anything is read or repaired.
absl::Status CheckVersions(FileSystem& fs, const std::string& dir,
                           const std::vector<uint64_t>& ids) {
  char header[kSegmentHeaderSize];
  for (uint64_t id : ids) {
    WEFT_ASSIGN_OR_RETURN(auto file, fs.NewRandomAccessFile(SegmentPath(dir, id)));
    WEFT_ASSIGN_OR_RETURN(std::string_view got, file->Read(0, kSegmentHeaderSize, header));
    if (got.size() < kSegmentHeaderSize) continue;  // torn: handled while reading
    const absl::Status s = CheckSegmentHeader(got, id);
    if (absl::IsFailedPrecondition(s)) {
      return absl::FailedPreconditionError(
          absl::StrCat(SegmentPath(dir, id), ": ", absl::string_view(s.message())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> ListWalSegments(FileSystem& fs, const std::string& dir) {
  WEFT_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  std::vector<uint64_t> ids;
  for (const std::string& name : names) {
    if (auto id = ParseSegmentFileName(name)) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<WalReplayStats> ReadWal(FileSystem& fs, const std::string& dir,
                                       const WalReadOptions& options, WalRecordCallback callback) {
  WEFT_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, ListWalSegments(fs, dir));
  ids.erase(std::lower_bound(ids.begin(), ids.end(), options.before_segment), ids.end());
  WEFT_RETURN_IF_ERROR(CheckVersions(fs, dir, ids));

  WalReplayStats stats;
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint64_t id = ids[i];
    const bool newest = i + 1 == ids.size();
    const std::string path = SegmentPath(dir, id);
    WEFT_ASSIGN_OR_RETURN(std::string data, fs.ReadFile(path));
    ++stats.segments;
    stats.file_bytes += data.size();
    stats.last_segment = id;

    // The bad part of a segment: from `offset` to its end. The newest segment's tail is where a
    // crash leaves a torn write, so (when repairing) it is cut; elsewhere it is only skipped.
    auto report = [&](uint64_t offset, std::string reason) -> absl::Status {
      WalProblem p{id, offset, data.size() - offset, false, std::move(reason)};
      if (newest && options.repair) {
        if (offset < kSegmentHeaderSize) {
          // Not even a valid header: nothing in the file is usable.
          WEFT_RETURN_IF_ERROR(fs.Remove(path));
          WEFT_RETURN_IF_ERROR(fs.SyncDir(dir));
        } else {
          WEFT_RETURN_IF_ERROR(CutFile(fs, path, offset));
        }
        p.repaired = true;
        stats.truncated_bytes += p.dropped_bytes;
      } else {
        stats.skipped_bytes += p.dropped_bytes;
      }
      stats.problems.push_back(std::move(p));
      return absl::OkStatus();
    };

    if (data.size() < kSegmentHeaderSize) {
      WEFT_RETURN_IF_ERROR(
          report(0, absl::StrCat("segment header cut short (", data.size(), " bytes)")));
      continue;
    }
    if (absl::Status s = CheckSegmentHeader(data, id); !s.ok()) {
      WEFT_RETURN_IF_ERROR(report(0, std::string(s.message())));
      continue;
    }
    RecordReader reader(data);
    WalRecordView view;
    for (;;) {
      const RecordReader::Result r = reader.Next(&view);
      if (r == RecordReader::Result::kEnd) break;
      if (r != RecordReader::Result::kRecord) {
        WEFT_RETURN_IF_ERROR(report(reader.offset(), reader.error()));
        break;
      }
      ++stats.records;
      stats.payload_bytes += view.payload.size();
      WEFT_RETURN_IF_ERROR(callback(WalRecord{id, view.offset, view.tenant, view.payload}));
    }
  }
  return stats;
}

}  // namespace weft::storage::embedded
