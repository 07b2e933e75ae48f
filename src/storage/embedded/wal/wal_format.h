// The WAL's on-disk format: segment file names, the segment header, and record framing. The byte
// layout is specified in docs/format/wal.md; keep the two in step (a change of layout is a new
// kWalFormatVersion, and readers keep reading the old one).
// Thread rule: pure functions; a RecordReader is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace weft::storage::embedded {

// Segment header (docs/format/wal.md, "Segment header"): 8-byte magic, u32 version, u32 flags,
// u64 segment id, u32 reserved, u32 masked CRC-32C of the 28 bytes before it. Little-endian.
inline constexpr std::string_view kWalMagic{"weft.wal", 8};
inline constexpr uint32_t kWalFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 32;

// Record header (docs/format/wal.md, "Record"): u32 masked CRC-32C, u32 stored payload length,
// u32 raw payload length, u16 tenant length, u8 type, u8 flags; then tenant, then payload.
inline constexpr size_t kRecordHeaderSize = 16;
inline constexpr uint8_t kRecordTypeData = 1;     // 0 is never valid: zero-filled space fails
inline constexpr uint8_t kRecordFlagZstd = 0x01;  // the payload is one zstd frame
inline constexpr uint8_t kRecordKnownFlags = kRecordFlagZstd;

// Limits enforced by writers and checked by readers (a larger length is corruption).
inline constexpr size_t kMaxTenantBytes = UINT16_MAX;
inline constexpr size_t kMaxPayloadBytes = size_t{1} << 30;  // 1 GiB

// "00000042.wal": at least eight decimal digits, so names sort like ids up to 99,999,999.
std::string SegmentFileName(uint64_t segment_id);
// The id of a segment file name, or nullopt for any other name.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

std::string EncodeSegmentHeader(uint64_t segment_id);
// OK, or DataLoss (bad magic, checksum or id; reason in the message), or FailedPrecondition for a
// version this build cannot read. REQUIRES: header.size() >= kSegmentHeaderSize.
absl::Status CheckSegmentHeader(std::string_view header, uint64_t expected_segment_id);

struct CompressionOptions {
  // Payloads of at least this many bytes are zstd-compressed (0: never).
  size_t min_bytes = 0;
  int level = 1;
};

// The complete framed record (header, tenant, payload), compressing the payload when `compression`
// says so and it saves at least 1/8. REQUIRES: tenant.size() <= kMaxTenantBytes,
// payload.size() <= kMaxPayloadBytes.
std::string FrameRecord(std::string_view tenant, std::string_view payload,
                        const CompressionOptions& compression);

// One decoded record. Views stay valid until the next call to RecordReader::Next or the end of
// the segment bytes' lifetime, whichever comes first.
struct WalRecordView {
  uint64_t offset = 0;  // of the record header within the segment file
  std::string_view tenant;
  std::string_view payload;  // decompressed
};

// Walks the records of one segment's bytes, starting after the segment header.
class RecordReader {
 public:
  enum class Result {
    kRecord,     // *out holds the next record
    kEnd,        // clean end: the last record ended exactly at the end of the data
    kTruncated,  // the data ends inside a record (a torn write)
    kCorrupt,    // a record is malformed or fails its checksum; see error()
  };

  // REQUIRES: `segment` outlives the reader and holds at least the segment header.
  explicit RecordReader(std::string_view segment);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // After kTruncated or kCorrupt, the reader stays there: offset() is the end of the last good
  // record and error() says what is wrong.
  Result Next(WalRecordView* out);
  uint64_t offset() const { return offset_; }
  const std::string& error() const { return error_; }

 private:
  Result Fail(Result result, std::string error);

  std::string_view data_;
  uint64_t offset_;
  std::optional<Result> stuck_;  // set once a bad record is met
  std::string error_;
  std::string scratch_;   // decompressed payload
  void* dctx_ = nullptr;  // ZSTD_DCtx, created on the first compressed record
};

}  // namespace weft::storage::embedded
