// Chunk compressions as a table of entries (docs/format/block.md, "Compressions"): each stored
// chunk names the entry that compressed it by its id. A new compression is a new entry in its own
// file plus one line in compression.cc; ids are on disk and are never reused.
// Thread rule: entries are immutable; their functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace weft::storage::embedded::block {

enum class CompressionId : uint8_t {
  kNone = 0,
  kZstd = 1,
};

struct Compression {
  CompressionId id;
  std::string_view name;
  // Appends the compressed form of `raw` to `*out`. `level` is a hint (zstd's level).
  void (*compress)(std::string_view raw, int level, std::string* out);
  // The `raw_size` bytes that `stored` decompresses to: either a view of `stored` itself or of
  // `*scratch`, which is replaced by a buffer holding them. Fails (DataLoss) when `stored` is
  // malformed or does not decompress to exactly `raw_size` bytes.
  absl::StatusOr<std::string_view> (*decompress)(std::string_view stored, size_t raw_size,
                                                 std::unique_ptr<char[]>* scratch);
};

extern const Compression kNoCompression;    // compression_none.cc
extern const Compression kZstdCompression;  // compression_zstd.cc

// The entry with `id`, or nullptr for an id this build does not know.
const Compression* FindCompression(uint8_t id);

}  // namespace weft::storage::embedded::block
