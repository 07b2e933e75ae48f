// The identity compression: for chunks zstd cannot shrink (random span ids, tiny chunks).
#include "absl/status/status.h"
#include "storage/embedded/block/compression.h"

namespace weft::storage::embedded::block {
namespace {

void Store(std::string_view raw, int /*level*/, std::string* out) { out->append(raw); }

absl::StatusOr<std::string_view> Load(std::string_view stored, size_t raw_size,
                                      std::unique_ptr<char[]>* /*scratch*/) {
  if (stored.size() != raw_size) return absl::DataLossError("stored size differs from raw size");
  return stored;
}

}  // namespace

const Compression kNoCompression{CompressionId::kNone, "none", &Store, &Load};

}  // namespace weft::storage::embedded::block
