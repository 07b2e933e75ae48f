// One varint for a column whose values are all equal (flags, zero dropped counts, a status that
// never changes): nothing to decompress or parse per row.
#include "common/varint.h"
#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {
namespace {

size_t EncodedSize(std::span<const uint64_t> values) {
  if (values.empty()) return 1;
  for (uint64_t v : values) {
    if (v != values.front()) return kNotApplicable;
  }
  return VarintLength(values.front());
}

void Encode(std::span<const uint64_t> values, std::string* out) {
  PutVarint64(*out, values.empty() ? 0 : values.front());
}

bool Decode(std::string_view data, size_t /*count*/, size_t /*begin*/, std::span<uint64_t> out) {
  uint64_t v = 0;
  if (!GetVarint64(data, &v) || !data.empty()) return false;
  for (uint64_t& o : out) o = v;
  return true;
}

}  // namespace

const U64Encoding kU64Constant{2, "constant", &EncodedSize, &Encode, &Decode};

}  // namespace weft::storage::embedded::block
