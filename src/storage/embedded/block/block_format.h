// The fixed framing of a block file: header, footer and checksums. The byte layout is specified in
// docs/format/block.md; keep the two in step (a change of layout is a new kBlockFormatVersion, and
// readers keep reading the versions before it).
// Thread rule: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace weft::storage::embedded::block {

// docs/format/block.md, "Header": 8-byte magic, u32 format version, u32 flags (0). The first magic
// byte is not ASCII so that a text file never looks like a block.
inline constexpr std::string_view kBlockMagic{"\x89wefTBLK", 8};
inline constexpr uint32_t kBlockFormatVersion = 1;
inline constexpr size_t kBlockHeaderSize = 16;

// docs/format/block.md, "Footer": the last kBlockFooterSize bytes of the file locate the meta and
// bloom sections, and repeat the version and magic.
inline constexpr size_t kBlockFooterSize = 80;

// Every checksum in a block is XXH3-64 of the stored (compressed) bytes it covers.
uint64_t Checksum(std::string_view bytes);

std::string EncodeBlockHeader();
// OK, or DataLoss (bad magic), or FailedPrecondition (a version this build cannot read).
// REQUIRES: header.size() >= kBlockHeaderSize.
absl::Status CheckBlockHeader(std::string_view header);

// Where the sections named by the footer lie in the file.
struct Footer {
  uint64_t meta_offset = 0;
  uint64_t meta_size = 0;      // stored bytes
  uint64_t meta_raw_size = 0;  // after decompression
  uint64_t meta_checksum = 0;
  uint8_t meta_compression = 0;  // a CompressionId
  uint64_t bloom_offset = 0;
  uint64_t bloom_size = 0;
  uint64_t bloom_checksum = 0;
};

std::string EncodeFooter(const Footer& footer);
// Checks magic, version and the footer's own checksum. REQUIRES: bytes.size() == kBlockFooterSize.
absl::StatusOr<Footer> DecodeFooter(std::string_view bytes);

}  // namespace weft::storage::embedded::block
