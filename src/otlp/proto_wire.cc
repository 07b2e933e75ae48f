#include "otlp/proto_wire.h"

namespace weft::otlp {

std::string_view WireErrorText(WireError error) {
  switch (error) {
    case WireError::kNone:
      return "no error";
    case WireError::kTruncatedTag:
      return "truncated tag";
    case WireError::kInvalidTag:
      return "invalid tag (field number 0 or too large)";
    case WireError::kInvalidWireType:
      return "invalid wire type";
    case WireError::kTruncatedVarint:
      return "truncated varint";
    case WireError::kTruncatedFixed:
      return "truncated fixed-width value";
    case WireError::kLengthPastEnd:
      return "length past the end of the enclosing message";
    case WireError::kUnexpectedEndGroup:
      return "end-group tag without a matching start-group";
    case WireError::kUnterminatedGroup:
      return "group without a matching end-group tag";
    case WireError::kGroupsTooDeep:
      return "groups nested too deeply";
  }
  return "unknown wire error";
}

namespace wire_internal {

// Iterative, with an explicit stack of open group numbers, so hostile nesting cannot recurse.
const char* SkipGroup(const char* p, const char* end, uint32_t number, WireError* error) {
  uint32_t open[kMaxGroupDepth];
  int depth = 0;
  open[depth++] = number;
  while (depth > 0) {
    uint64_t tag;
    p = DecodeVarint64(p, end, &tag);
    if (p == nullptr) {
      *error = WireError::kUnterminatedGroup;
      return nullptr;
    }
    if (tag > UINT32_MAX || tag < 8) {
      *error = WireError::kInvalidTag;
      return nullptr;
    }
    const auto field = static_cast<uint32_t>(tag >> 3);
    uint64_t value;
    switch (tag & 7) {
      case pb::kVarint:
        p = DecodeVarint64(p, end, &value);
        if (p == nullptr) {
          *error = WireError::kTruncatedVarint;
          return nullptr;
        }
        break;
      case pb::kFixed64:
      case pb::kFixed32: {
        const ptrdiff_t width = (tag & 7) == pb::kFixed64 ? 8 : 4;
        if (end - p < width) {
          *error = WireError::kTruncatedFixed;
          return nullptr;
        }
        p += width;
        break;
      }
      case pb::kLengthDelimited:
        p = DecodeVarint64(p, end, &value);
        if (p == nullptr) {
          *error = WireError::kTruncatedVarint;
          return nullptr;
        }
        if (value > static_cast<uint64_t>(end - p)) {
          *error = WireError::kLengthPastEnd;
          return nullptr;
        }
        p += value;
        break;
      case pb::kStartGroup:
        if (depth == kMaxGroupDepth) {
          *error = WireError::kGroupsTooDeep;
          return nullptr;
        }
        open[depth++] = field;
        break;
      case pb::kEndGroup:
        if (open[depth - 1] != field) {
          *error = WireError::kUnexpectedEndGroup;
          return nullptr;
        }
        --depth;
        break;
      default:
        *error = WireError::kInvalidWireType;
        return nullptr;
    }
  }
  return p;
}

}  // namespace wire_internal

void WireWriter::Grow(size_t n) { out_.resize(std::max({out_.size() * 2, pos_ + n, size_t{256}})); }

bool WireReader::ReadTagSlow(uint32_t& tag) {
  uint64_t value;
  const char* p = DecodeVarint64(p_, end_, &value);
  if (p == nullptr) return Fail(WireError::kTruncatedTag);
  if (value > UINT32_MAX || value < 8) return Fail(WireError::kInvalidTag);
  tag = static_cast<uint32_t>(value);
  p_ = p;
  return true;
}

bool WireReader::SkipValue(uint32_t tag) {
  uint64_t ignored;
  uint32_t ignored32;
  std::string_view ignored_bytes;
  switch (tag & 7) {
    case pb::kVarint:
      return ReadVarint(ignored);
    case pb::kFixed64:
      return ReadFixed64(ignored);
    case pb::kLengthDelimited:
      return ReadLengthDelimited(ignored_bytes);
    case pb::kFixed32:
      return ReadFixed32(ignored32);
    case pb::kStartGroup: {
      const char* p = wire_internal::SkipGroup(p_, end_, tag >> 3, &error_);
      if (p == nullptr) return false;
      p_ = p;
      return true;
    }
    case pb::kEndGroup:
      return Fail(WireError::kUnexpectedEndGroup);
    default:
      return Fail(WireError::kInvalidWireType);
  }
}

}  // namespace weft::otlp
