// Dictionary strings: varint count of distinct values, each distinct value length-prefixed, then
// one varint index per row. Best for low-cardinality columns (http.method, db.system, user ids that
// repeat along a trace); a scan compares the operand with each distinct value once.
#include "common/varint.h"
#include "storage/embedded/block/byte_io.h"
#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {
namespace {

size_t EncodedSize(const StringColumnValues& values) {
  size_t n = VarintLength(values.distinct.size());
  for (std::string_view s : values.distinct) n += VarintLength(s.size()) + s.size();
  for (uint32_t id : values.ids) n += VarintLength(id);
  return n;
}

void Encode(const StringColumnValues& values, std::string* out) {
  PutVarint64(*out, values.distinct.size());
  for (std::string_view s : values.distinct) PutLengthPrefixed(*out, s);
  for (uint32_t id : values.ids) PutVarint64(*out, id);
}

bool Decode(std::string_view data, size_t count, size_t begin, size_t end, DecodedStrings* out) {
  ByteReader reader(data);
  uint32_t distinct = 0;
  if (!reader.ReadCount(&distinct) || count > data.size()) return false;
  out->dict.resize(distinct);
  for (std::string_view& s : out->dict) {
    if (!reader.ReadLengthPrefixed(&s)) return false;
  }
  std::string_view rest = reader.remaining();
  const char* limit = rest.data() + rest.size();
  const char* p = SkipVarints(rest.data(), limit, begin);
  if (p == nullptr) return false;
  out->ids.resize(end - begin);
  for (uint32_t& id : out->ids) {
    p = DecodeVarint32(p, limit, &id);
    if (p == nullptr || id >= distinct) return false;
  }
  return end < count || p == limit;
}

}  // namespace

const StringEncoding kStringDictionary{17, "dictionary", &EncodedSize, &Encode, &Decode};

}  // namespace weft::storage::embedded::block
