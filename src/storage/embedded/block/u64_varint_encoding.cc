// Base-128 varints back to back: small values (counts, dictionary ids, short deltas) in one byte.
#include "common/varint.h"
#include "storage/embedded/block/byte_io.h"
#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {
namespace {

size_t EncodedSize(std::span<const uint64_t> values) {
  size_t n = 0;
  for (uint64_t v : values) n += VarintLength(v);
  return n;
}

void Encode(std::span<const uint64_t> values, std::string* out) {
  for (uint64_t v : values) PutVarint64(*out, v);
}

bool Decode(std::string_view data, size_t count, size_t begin, std::span<uint64_t> out) {
  const char* end = data.data() + data.size();
  const char* p = SkipVarints(data.data(), end, begin);
  if (p == nullptr) return false;
  for (uint64_t& v : out) {
    p = DecodeVarint64(p, end, &v);
    if (p == nullptr) return false;
  }
  return begin + out.size() < count || p == end;
}

}  // namespace

const U64Encoding kU64Varint{1, "varint", &EncodedSize, &Encode, &Decode};

}  // namespace weft::storage::embedded::block
