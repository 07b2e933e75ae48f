// Protobuf wire-format primitives for weft's hand-written OTLP codec: FieldReader walks the fields
// of one message without copying (length-delimited values are views into the input), and
// WireWriter appends fields to a std::string, back-patching the length of nested messages.
// Neither knows the OTLP schema (see proto_schema.h). Encoding rules:
// https://protobuf.dev/programming-guides/encoding/ .
// Thread rule: objects are single-threaded; the functions are pure.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/varint.h"
#include "otlp/proto_schema.h"

namespace weft::otlp {

// True when every byte is below 0x80: the common case for OTLP strings, checked a word at a time
// so that ASCII skips the full UTF-8 validator.
inline bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t bits = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    bits |= word;
  }
  if (n >= 4) {  // 4..7 bytes left: two overlapping 4-byte reads
    uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    bits |= head | tail;
  } else {
    for (; n > 0; ++p, --n) bits |= static_cast<uint8_t>(*p);
  }
  return (bits & 0x8080808080808080ULL) == 0;
}

// Why FieldReader::Next could not read a field.
enum class WireError : uint8_t {
  kNone,
  kTruncatedTag,
  kInvalidTag,       // field number 0 or wider than 32 bits
  kInvalidWireType,  // 6 or 7
  kTruncatedVarint,
  kTruncatedFixed,
  kLengthPastEnd,  // a length-delimited value longer than what is left of its message
  kUnexpectedEndGroup,
  kUnterminatedGroup,
  kGroupsTooDeep,
};

// A short description, e.g. "truncated varint".
std::string_view WireErrorText(WireError error);

// Groups nested deeper than this inside an unknown group fail with kGroupsTooDeep (libprotobuf's
// own recursion limit is 100).
inline constexpr int kMaxGroupDepth = 64;

namespace wire_internal {
// Skips the body of group `number` (its start tag already read) through its end tag.
// Returns the position after the end tag, or nullptr with `*error` set.
const char* SkipGroup(const char* p, const char* end, uint32_t number, WireError* error);
}  // namespace wire_internal

// Reads the fields of one message in order, never outside the message's bytes. A decoder loops:
// ReadTag, then switch on the whole tag (field number and wire type, see pb::MakeTag) and read the
// value with the matching Read*; SkipValue skips an unknown field of any wire type. The one-byte
// cases (tags of fields 1-15, lengths below 128) are inline fast paths.
// After any Read* returns false, error() says why and the reader must not be used again.
class WireReader {
 public:
  explicit WireReader(std::string_view message)
      : p_(message.data()), end_(message.data() + message.size()), field_start_(p_) {}

  bool done() const { return p_ >= end_; }

  // A tag of field number >= 1 that fits in 32 bits.
  [[gnu::always_inline]] bool ReadTag(uint32_t& tag) {
    field_start_ = p_;
    if (p_ < end_ && static_cast<uint8_t>(*p_) >= 8 && static_cast<uint8_t>(*p_) < 0x80) {
      tag = static_cast<uint8_t>(*p_++);
      return true;
    }
    return ReadTagSlow(tag);
  }

  [[gnu::always_inline]] bool ReadVarint(uint64_t& value) {
    if (p_ < end_ && static_cast<uint8_t>(*p_) < 0x80) {
      value = static_cast<uint8_t>(*p_++);
      return true;
    }
    const char* p = varint_internal::DecodeVarint64Slow(p_, end_, &value);
    if (p == nullptr) return Fail(WireError::kTruncatedVarint);
    p_ = p;
    return true;
  }

  // A length-delimited value: `bytes` views it in place.
  [[gnu::always_inline]] bool ReadLengthDelimited(std::string_view& bytes) {
    uint64_t length;
    if (!ReadVarint(length)) return false;
    if (length > static_cast<uint64_t>(end_ - p_)) return Fail(WireError::kLengthPastEnd);
    bytes = std::string_view(p_, static_cast<size_t>(length));
    p_ += length;
    return true;
  }

  bool ReadFixed64(uint64_t& value) {
    if (end_ - p_ < 8) return Fail(WireError::kTruncatedFixed);
    value = DecodeFixed64(p_);
    p_ += 8;
    return true;
  }

  bool ReadFixed32(uint32_t& value) {
    if (end_ - p_ < 4) return Fail(WireError::kTruncatedFixed);
    value = DecodeFixed32(p_);
    p_ += 4;
    return true;
  }

  // Skips the value of the field whose tag was just read, whatever its wire type.
  bool SkipValue(uint32_t tag);

  WireError error() const { return error_; }
  // Where the field being read (or that failed) starts.
  const char* field_start() const { return field_start_; }

 private:
  bool ReadTagSlow(uint32_t& tag);
  bool Fail(WireError error) {
    error_ = error;
    return false;
  }

  const char* p_;
  const char* end_;
  const char* field_start_;
  WireError error_ = WireError::kNone;
};

// Appends protobuf fields to a string. Writes go straight into the string's buffer (grown by
// doubling); Finish() trims it to the bytes written. Nested messages are written in one pass:
// BeginMessage leaves room for a guessed length size and EndMessage writes the real length,
// moving the body only when the guess was wrong.
class WireWriter {
 public:
  // Appends to whatever `out` already holds.
  explicit WireWriter(std::string& out) : out_(out), pos_(out.size()) {}
  WireWriter(const WireWriter&) = delete;
  WireWriter& operator=(const WireWriter&) = delete;

  // Trims `out` to the bytes written. Must be called once, last.
  void Finish() { out_.resize(pos_); }

  void Tag(uint32_t field, pb::WireType wire) {
    Reserve(kMaxVarint32Bytes);
    pos_ = Offset(EncodeVarint64(At(), pb::MakeTag(field, wire)));
  }
  void Varint(uint32_t field, uint64_t value) {
    Reserve(kMaxVarint32Bytes + kMaxVarint64Bytes);
    char* p = EncodeVarint64(At(), pb::MakeTag(field, pb::kVarint));
    pos_ = Offset(EncodeVarint64(p, value));
  }
  void Fixed64(uint32_t field, uint64_t value) {
    Reserve(kMaxVarint32Bytes + 8);
    char* p = EncodeVarint64(At(), pb::MakeTag(field, pb::kFixed64));
    pos_ = Offset(EncodeFixed64(p, value));
  }
  void Fixed32(uint32_t field, uint32_t value) {
    Reserve(kMaxVarint32Bytes + 4);
    char* p = EncodeVarint64(At(), pb::MakeTag(field, pb::kFixed32));
    pos_ = Offset(EncodeFixed32(p, value));
  }
  void Bytes(uint32_t field, std::string_view bytes) {
    Reserve(kMaxVarint32Bytes + kMaxVarint64Bytes + bytes.size());
    char* p = EncodeVarint64(At(), pb::MakeTag(field, pb::kLengthDelimited));
    p = EncodeVarint64(p, bytes.size());
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    pos_ = Offset(p) + bytes.size();
  }

  // Starts nested message `field`, guessing its length takes `length_bytes` (1..5) bytes.
  // Returns a mark for EndMessage.
  size_t BeginMessage(uint32_t field, size_t length_bytes) {
    Tag(field, pb::kLengthDelimited);
    Reserve(length_bytes);
    const size_t mark = pos_;
    pos_ += length_bytes;
    return mark;
  }
  void EndMessage(size_t mark, size_t length_bytes) {
    const size_t body = mark + length_bytes;
    const size_t length = pos_ - body;
    const size_t needed = VarintLength(length);
    if (needed != length_bytes) {  // rare: move the body to fit the real length
      Reserve(needed > length_bytes ? needed - length_bytes : 0);
      std::memmove(out_.data() + mark + needed, out_.data() + body, length);
      pos_ = mark + needed + length;
    }
    EncodeVarint64(out_.data() + mark, length);
  }

  size_t size() const { return pos_; }

 private:
  char* At() { return out_.data() + pos_; }
  size_t Offset(const char* p) const { return static_cast<size_t>(p - out_.data()); }
  void Reserve(size_t n) {
    if (out_.size() - pos_ < n) [[unlikely]] {
      Grow(n);
    }
  }
  void Grow(size_t n);

  std::string& out_;
  size_t pos_;
};

}  // namespace weft::otlp
