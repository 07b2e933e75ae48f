// Plain strings: each value length-prefixed, in row order. Best for columns of mostly distinct
// values (idempotency keys, SQL statements with literals).
#include "common/varint.h"
#include "storage/embedded/block/byte_io.h"
#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {
namespace {

size_t EncodedSize(const StringColumnValues& values) {
  size_t n = values.total_bytes;
  for (uint32_t id : values.ids) n += VarintLength(values.distinct[id].size());
  return n;
}

void Encode(const StringColumnValues& values, std::string* out) {
  for (uint32_t id : values.ids) PutLengthPrefixed(*out, values.distinct[id]);
}

bool Decode(std::string_view data, size_t count, size_t begin, size_t end, DecodedStrings* out) {
  if (count > data.size()) return false;  // every value takes at least its length byte
  ByteReader reader(data);
  std::string_view skipped;
  for (size_t i = 0; i < begin; ++i) {
    if (!reader.ReadLengthPrefixed(&skipped)) return false;
  }
  out->dict.resize(end - begin);
  out->ids.resize(end - begin);
  for (size_t i = 0; i < end - begin; ++i) {
    if (!reader.ReadLengthPrefixed(&out->dict[i])) return false;
    out->ids[i] = static_cast<uint32_t>(i);
  }
  return end < count || reader.empty();
}

}  // namespace

const StringEncoding kStringPlain{16, "plain", &EncodedSize, &Encode, &Decode};

}  // namespace weft::storage::embedded::block
