#include "storage/embedded/block/compression.h"

namespace weft::storage::embedded::block {

const Compression* FindCompression(uint8_t id) {
  static constexpr const Compression* kTable[] = {&kNoCompression, &kZstdCompression};
  for (const Compression* c : kTable) {
    if (static_cast<uint8_t>(c->id) == id) return c;
  }
  return nullptr;
}

}  // namespace weft::storage::embedded::block
