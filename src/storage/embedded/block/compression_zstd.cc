// zstd: one frame per chunk. Contexts are reused per thread (creating one per chunk costs more
// than decompressing a small chunk).
#include <zstd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/embedded/block/compression.h"

namespace weft::storage::embedded::block {
namespace {

struct Contexts {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ~Contexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

Contexts& ThreadContexts() {
  thread_local Contexts contexts;
  return contexts;
}

void Compress(std::string_view raw, int level, std::string* out) {
  const size_t start = out->size();
  out->resize(start + ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compressCCtx(ThreadContexts().cctx, out->data() + start,
                                     out->size() - start, raw.data(), raw.size(), level);
  // Compressing into a buffer of ZSTD_compressBound bytes cannot fail but for memory exhaustion,
  // which the rest of the process would not survive either.
  out->resize(ZSTD_isError(n) ? start : start + n);
}

absl::StatusOr<std::string_view> Decompress(std::string_view stored, size_t raw_size,
                                            std::unique_ptr<char[]>* scratch) {
  const unsigned long long content = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (content != raw_size) {
    return absl::DataLossError(
        absl::StrCat("zstd frame holds ", content, " bytes, expected ", raw_size));
  }
  *scratch = std::make_unique_for_overwrite<char[]>(raw_size);
  const size_t n = ZSTD_decompressDCtx(ThreadContexts().dctx, scratch->get(), raw_size,
                                       stored.data(), stored.size());
  if (ZSTD_isError(n)) {
    return absl::DataLossError(absl::StrCat("zstd: ", ZSTD_getErrorName(n)));
  }
  if (n != raw_size) return absl::DataLossError("zstd frame decompressed to the wrong size");
  return std::string_view(scratch->get(), raw_size);
}

}  // namespace

const Compression kZstdCompression{CompressionId::kZstd, "zstd", &Compress, &Decompress};

}  // namespace weft::storage::embedded::block
