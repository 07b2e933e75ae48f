#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {

std::span<const U64Encoding* const> U64Encodings() {
  static constexpr const U64Encoding* kTable[] = {&kU64Varint, &kU64Constant, &kU64BytePlanes};
  return kTable;
}

const U64Encoding* FindU64Encoding(uint8_t id) {
  for (const U64Encoding* e : U64Encodings()) {
    if (e->id == id) return e;
  }
  return nullptr;
}

std::span<const StringEncoding* const> StringEncodings() {
  static constexpr const StringEncoding* kTable[] = {&kStringPlain, &kStringDictionary};
  return kTable;
}

const StringEncoding* FindStringEncoding(uint8_t id) {
  for (const StringEncoding* e : StringEncodings()) {
    if (e->id == id) return e;
  }
  return nullptr;
}

}  // namespace weft::storage::embedded::block
