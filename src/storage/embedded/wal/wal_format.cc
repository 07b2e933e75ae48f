// Segment header and record framing; the layout is docs/format/wal.md.
#include "storage/embedded/wal/wal_format.h"

#include <cstdio>
#include <cstring>

#include <zstd.h>

#include "absl/strings/str_cat.h"
#include "common/crc32c.h"
#include "common/varint.h"

namespace weft::storage::embedded {
namespace {

// A zstd compression context per thread: contexts are expensive to create, and Append frames
// records on the callers' threads.
struct CompressionContext {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ~CompressionContext() { ZSTD_freeCCtx(ctx); }
};

constexpr std::string_view kSuffix = ".wal";
constexpr size_t kMinDigits = 8;
constexpr size_t kMaxDigits = 20;  // UINT64_MAX has 20 digits

}  // namespace

std::string SegmentFileName(uint64_t segment_id) {
  char buf[32];
  const int n =
      std::snprintf(buf, sizeof(buf), "%08llu.wal", static_cast<unsigned long long>(segment_id));
  return std::string(buf, static_cast<size_t>(n));
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() < kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  const std::string_view digits = name.substr(0, name.size() - kSuffix.size());
  if (digits.size() < kMinDigits || digits.size() > kMaxDigits) return std::nullopt;
  uint64_t id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (id > (UINT64_MAX - d) / 10) return std::nullopt;
    id = id * 10 + d;
  }
  return id;
}

std::string EncodeSegmentHeader(uint64_t segment_id) {
  std::string h(kSegmentHeaderSize, '\0');
  std::memcpy(h.data(), kWalMagic.data(), kWalMagic.size());
  EncodeFixed32(h.data() + 8, kWalFormatVersion);
  EncodeFixed32(h.data() + 12, 0);  // flags: none defined in version 1
  EncodeFixed64(h.data() + 16, segment_id);
  EncodeFixed32(h.data() + 24, 0);  // reserved
  EncodeFixed32(h.data() + 28, crc32c::Mask(crc32c::Value(std::string_view(h.data(), 28))));
  return h;
}

absl::Status CheckSegmentHeader(std::string_view header, uint64_t expected_segment_id) {
  if (header.substr(0, kWalMagic.size()) != kWalMagic) {
    return absl::DataLossError("bad segment magic");
  }
  const uint32_t stored_crc = crc32c::Unmask(DecodeFixed32(header.data() + 28));
  if (stored_crc != crc32c::Value(header.substr(0, 28))) {
    return absl::DataLossError("segment header checksum mismatch");
  }
  const uint32_t version = DecodeFixed32(header.data() + 8);
  if (version != kWalFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat("WAL segment format version ", version,
                                                      " is not readable by this build (",
                                                      kWalFormatVersion, ")"));
  }
  if (DecodeFixed32(header.data() + 12) != 0) {
    return absl::DataLossError("unknown segment flags");
  }
  const uint64_t id = DecodeFixed64(header.data() + 16);
  if (id != expected_segment_id) {
    return absl::DataLossError(absl::StrCat("segment header names segment ", id,
                                            ", file name says ", expected_segment_id));
  }
  return absl::OkStatus();
}

std::string FrameRecord(std::string_view tenant, std::string_view payload,
                        const CompressionOptions& compression) {
  const size_t body = kRecordHeaderSize + tenant.size();
  std::string out;
  uint8_t flags = 0;
  size_t stored = payload.size();
  if (compression.min_bytes > 0 && payload.size() >= compression.min_bytes) {
    thread_local CompressionContext cctx;
    const size_t bound = ZSTD_compressBound(payload.size());
    out.resize(body + bound);
    const size_t n = ZSTD_compressCCtx(cctx.ctx, out.data() + body, bound, payload.data(),
                                       payload.size(), compression.level);
    if (!ZSTD_isError(n) && n < payload.size() - payload.size() / 8) {
      flags |= kRecordFlagZstd;
      stored = n;
      out.resize(body + n);
    }
  }
  if ((flags & kRecordFlagZstd) == 0) {
    out.resize(body + payload.size());
    std::memcpy(out.data() + body, payload.data(), payload.size());
  }
  char* h = out.data();
  EncodeFixed32(h + 4, static_cast<uint32_t>(stored));
  EncodeFixed32(h + 8, static_cast<uint32_t>(payload.size()));
  h[12] = static_cast<char>(tenant.size() & 0xff);
  h[13] = static_cast<char>(tenant.size() >> 8);
  h[14] = static_cast<char>(kRecordTypeData);
  h[15] = static_cast<char>(flags);
  std::memcpy(h + kRecordHeaderSize, tenant.data(), tenant.size());
  const uint32_t crc = crc32c::Value(std::string_view(h + 4, out.size() - 4));
  EncodeFixed32(h, crc32c::Mask(crc));
  return out;
}

RecordReader::RecordReader(std::string_view segment)
    : data_(segment), offset_(kSegmentHeaderSize) {}

RecordReader::~RecordReader() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_)); }

RecordReader::Result RecordReader::Fail(Result result, std::string error) {
  stuck_ = result;
  error_ = std::move(error);
  return result;
}

RecordReader::Result RecordReader::Next(WalRecordView* out) {
  if (stuck_) return *stuck_;
  const uint64_t left = data_.size() - offset_;
  if (left == 0) return Result::kEnd;
  if (left < kRecordHeaderSize) {
    return Fail(Result::kTruncated, absl::StrCat("record header cut short (", left, " bytes)"));
  }
  const char* h = data_.data() + offset_;
  const uint32_t stored = DecodeFixed32(h + 4);
  const uint32_t raw = DecodeFixed32(h + 8);
  const size_t tenant_len =
      static_cast<uint8_t>(h[12]) | static_cast<size_t>(static_cast<uint8_t>(h[13])) << 8;
  const uint8_t type = static_cast<uint8_t>(h[14]);
  const uint8_t flags = static_cast<uint8_t>(h[15]);
  // Fields are checked before the length is trusted; the checksum decides in the end.
  if (type != kRecordTypeData)
    return Fail(Result::kCorrupt, absl::StrCat("bad record type ", type));
  if ((flags & ~kRecordKnownFlags) != 0) {
    return Fail(Result::kCorrupt, absl::StrCat("unknown record flags ", flags));
  }
  const bool zstd = (flags & kRecordFlagZstd) != 0;
  if (stored > kMaxPayloadBytes || raw > kMaxPayloadBytes || (!zstd && raw != stored)) {
    return Fail(Result::kCorrupt, "bad record lengths");
  }
  const uint64_t size = kRecordHeaderSize + tenant_len + uint64_t{stored};
  if (size > left) {
    return Fail(Result::kTruncated,
                absl::StrCat("record of ", size, " bytes cut short (", left, " bytes left)"));
  }
  const uint32_t expected = crc32c::Unmask(DecodeFixed32(h));
  if (crc32c::Value(std::string_view(h + 4, size - 4)) != expected) {
    return Fail(Result::kCorrupt, "record checksum mismatch");
  }
  out->offset = offset_;
  out->tenant = std::string_view(h + kRecordHeaderSize, tenant_len);
  const std::string_view stored_payload(h + kRecordHeaderSize + tenant_len, stored);
  if (zstd) {
    if (dctx_ == nullptr) dctx_ = ZSTD_createDCtx();
    scratch_.resize(raw);
    const size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), scratch_.data(), raw,
                                         stored_payload.data(), stored_payload.size());
    if (ZSTD_isError(n) || n != raw) {
      return Fail(Result::kCorrupt, "record payload does not decompress");
    }
    out->payload = scratch_;
  } else {
    out->payload = stored_payload;
  }
  offset_ += size;
  return Result::kRecord;
}

}  // namespace weft::storage::embedded
