// Column encodings as tables of entries (docs/format/block.md, "Encodings"): how a column's values
// become the bytes that are then compressed. There is one table per value family — unsigned
// 64-bit integers and byte strings — and the writer tries the applicable entries of a family and
// keeps whichever stores smallest, so a new encoding is a new entry in its own file plus one line
// in encoding.cc. Each chunk records the id of the entry that encoded it; ids are on disk and are
// never reused. Fixed-width ids (kRawEncoding) and the small tables of a row group
// (kTableEncoding) have a single encoding each.
// Thread rule: entries are immutable; their functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weft::storage::embedded::block {

inline constexpr size_t kNotApplicable = std::numeric_limits<size_t>::max();

// ---- Unsigned integers (times, counts, enums, ids into dictionaries, zigzagged ints, doubles'
// bit patterns, bools).
struct U64Encoding {
  uint8_t id;
  std::string_view name;
  // The bytes `encode` would produce for `values`, or kNotApplicable.
  size_t (*encoded_size)(std::span<const uint64_t> values);
  // Appends the encoding of `values`. REQUIRES: encoded_size(values) != kNotApplicable.
  void (*encode)(std::span<const uint64_t> values, std::string* out);
  // Decodes values [begin, begin + out.size()) of the `count` values `data` holds. False when
  // `data` is malformed (a full decode, begin 0 and count values, also checks that `data` is used
  // up exactly). REQUIRES: begin + out.size() <= count.
  bool (*decode)(std::string_view data, size_t count, size_t begin, std::span<uint64_t> out);
};

extern const U64Encoding kU64Varint;      // u64_varint_encoding.cc (id 1)
extern const U64Encoding kU64Constant;    // u64_constant_encoding.cc (id 2)
extern const U64Encoding kU64BytePlanes;  // u64_byte_planes_encoding.cc (id 3)

std::span<const U64Encoding* const> U64Encodings();
const U64Encoding* FindU64Encoding(uint8_t id);  // nullptr when unknown

// ---- Byte strings (names, string and bytes attribute values, serialized arrays and maps).

// A column as the writer collects it: the distinct values in first-seen order, and per value the
// index of its distinct entry.
struct StringColumnValues {
  std::span<const std::string_view> distinct;
  std::span<const uint32_t> ids;
  size_t total_bytes = 0;  // sum of the sizes of all values (not only the distinct ones)
};

// A decoded column (or range of one), the same shape whatever the encoding: value i is
// dict[ids[i]]. Views point into the decompressed chunk bytes.
struct DecodedStrings {
  std::vector<std::string_view> dict;
  std::vector<uint32_t> ids;
  size_t size() const { return ids.size(); }
  std::string_view operator[](size_t i) const { return dict[ids[i]]; }
};

struct StringEncoding {
  uint8_t id;
  std::string_view name;
  size_t (*encoded_size)(const StringColumnValues& values);
  void (*encode)(const StringColumnValues& values, std::string* out);
  // Decodes values [begin, end) of the `count` values `data` holds into `out` (ids index
  // out->dict; a dictionary is decoded whole). False when malformed (a full decode also checks
  // that `data` is used up exactly). REQUIRES: begin <= end <= count.
  bool (*decode)(std::string_view data, size_t count, size_t begin, size_t end,
                 DecodedStrings* out);
};

extern const StringEncoding kStringPlain;       // string_plain_encoding.cc (id 16)
extern const StringEncoding kStringDictionary;  // string_dictionary_encoding.cc (id 17)

std::span<const StringEncoding* const> StringEncodings();
const StringEncoding* FindStringEncoding(uint8_t id);

// ---- Single-encoding families.
inline constexpr uint8_t kRawEncoding = 32;    // fixed-width values back to back (span ids)
inline constexpr uint8_t kTableEncoding = 48;  // a row-group table with its own layout

}  // namespace weft::storage::embedded::block
