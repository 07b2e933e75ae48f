#include "storage/embedded/block/block_format.h"

#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "common/varint.h"

namespace weft::storage::embedded::block {

uint64_t Checksum(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::string EncodeBlockHeader() {
  std::string out(kBlockMagic);
  PutFixed32(out, kBlockFormatVersion);
  PutFixed32(out, 0);  // flags
  return out;
}

namespace {

absl::Status CheckVersion(uint32_t version) {
  if (version == kBlockFormatVersion) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("block format version ", version,
                                                    " is not readable by this build (reads ",
                                                    kBlockFormatVersion, ")"));
}

}  // namespace

absl::Status CheckBlockHeader(std::string_view header) {
  if (header.substr(0, kBlockMagic.size()) != kBlockMagic) {
    return absl::DataLossError("bad block magic in the header");
  }
  if (DecodeFixed32(header.data() + 12) != 0) {
    return absl::DataLossError("unknown header flags");
  }
  return CheckVersion(DecodeFixed32(header.data() + 8));
}

// Footer layout (docs/format/block.md, "Footer"), 80 bytes, little-endian:
//   0 u64 meta offset     8 u64 meta size      16 u64 meta raw size   24 u64 meta checksum
//  32 u64 bloom offset   40 u64 bloom size     48 u64 bloom checksum  56 u8 meta compression
//  57 3 bytes zero       60 u32 version        64 u64 footer checksum (of bytes 0..63)
//  72 magic
std::string EncodeFooter(const Footer& footer) {
  std::string out;
  out.reserve(kBlockFooterSize);
  PutFixed64(out, footer.meta_offset);
  PutFixed64(out, footer.meta_size);
  PutFixed64(out, footer.meta_raw_size);
  PutFixed64(out, footer.meta_checksum);
  PutFixed64(out, footer.bloom_offset);
  PutFixed64(out, footer.bloom_size);
  PutFixed64(out, footer.bloom_checksum);
  out.push_back(static_cast<char>(footer.meta_compression));
  out.append(3, '\0');
  PutFixed32(out, kBlockFormatVersion);
  PutFixed64(out, Checksum(out));
  out.append(kBlockMagic);
  return out;
}

absl::StatusOr<Footer> DecodeFooter(std::string_view bytes) {
  if (bytes.size() != kBlockFooterSize || bytes.substr(72) != kBlockMagic) {
    return absl::DataLossError("bad block magic in the footer (truncated or not a block)");
  }
  const char* p = bytes.data();
  if (DecodeFixed64(p + 64) != Checksum(bytes.substr(0, 64))) {
    return absl::DataLossError("footer checksum mismatch");
  }
  if (p[57] != 0 || p[58] != 0 || p[59] != 0) return absl::DataLossError("footer padding not zero");
  if (absl::Status s = CheckVersion(DecodeFixed32(p + 60)); !s.ok()) return s;
  Footer f;
  f.meta_offset = DecodeFixed64(p);
  f.meta_size = DecodeFixed64(p + 8);
  f.meta_raw_size = DecodeFixed64(p + 16);
  f.meta_checksum = DecodeFixed64(p + 24);
  f.bloom_offset = DecodeFixed64(p + 32);
  f.bloom_size = DecodeFixed64(p + 40);
  f.bloom_checksum = DecodeFixed64(p + 48);
  f.meta_compression = static_cast<uint8_t>(p[56]);
  return f;
}

}  // namespace weft::storage::embedded::block
