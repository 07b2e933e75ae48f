#include "storage/embedded/block/value_codec.h"

#include <bit>
#include <vector>

namespace weft::storage::embedded::block {
namespace {

bool ReadValueAt(ByteReader& reader, Arena& arena, int depth, AnyValue* value);

bool ReadKeyValues(ByteReader& reader, Arena& arena, int depth, std::span<const KeyValue>* out) {
  uint32_t count = 0;
  if (!reader.ReadCount(&count, 2)) return false;  // a key length and a type byte at least
  if (count == 0) {
    *out = {};
    return true;
  }
  auto* items = static_cast<KeyValue*>(arena.Allocate(sizeof(KeyValue) * count, alignof(KeyValue)));
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view key;
    AnyValue v;
    if (!reader.ReadLengthPrefixed(&key) || !ReadValueAt(reader, arena, depth, &v)) return false;
    new (&items[i]) KeyValue{arena.CopyString(key), v};
  }
  *out = {items, count};
  return true;
}

bool ReadValueAt(ByteReader& reader, Arena& arena, int depth, AnyValue* value) {
  if (depth > kMaxAnyValueDepth) return false;
  uint8_t type = 0;
  if (!reader.ReadByte(&type)) return false;
  switch (static_cast<ValueType>(type)) {
    case ValueType::kEmpty:
      *value = AnyValue();
      return true;
    case ValueType::kString:
    case ValueType::kBytes: {
      std::string_view s;
      if (!reader.ReadLengthPrefixed(&s)) return false;
      s = arena.CopyString(s);
      *value = type == static_cast<uint8_t>(ValueType::kString) ? AnyValue::String(s)
                                                                : AnyValue::Bytes(s);
      return true;
    }
    case ValueType::kBool: {
      uint8_t b = 0;
      if (!reader.ReadByte(&b) || b > 1) return false;
      *value = AnyValue::Bool(b != 0);
      return true;
    }
    case ValueType::kInt: {
      int64_t i = 0;
      if (!reader.ReadZigZag(&i)) return false;
      *value = AnyValue::Int(i);
      return true;
    }
    case ValueType::kDouble: {
      uint64_t bits = 0;
      if (!reader.ReadFixed64(&bits)) return false;
      *value = AnyValue::Double(std::bit_cast<double>(bits));
      return true;
    }
    case ValueType::kArray: {
      uint32_t count = 0;
      if (!reader.ReadCount(&count, 1)) return false;
      if (count == 0) {
        *value = AnyValue::Array({});
        return true;
      }
      auto* items =
          static_cast<AnyValue*>(arena.Allocate(sizeof(AnyValue) * count, alignof(AnyValue)));
      for (uint32_t i = 0; i < count; ++i) {
        AnyValue v;
        if (!ReadValueAt(reader, arena, depth + 1, &v)) return false;
        new (&items[i]) AnyValue(v);
      }
      *value = AnyValue::Array({items, count});
      return true;
    }
    case ValueType::kKvList: {
      std::span<const KeyValue> kvs;
      if (!ReadKeyValues(reader, arena, depth + 1, &kvs)) return false;
      *value = AnyValue::KvList(kvs);
      return true;
    }
  }
  return false;
}

}  // namespace

void PutValue(std::string& out, const AnyValue& value) {
  out.push_back(static_cast<char>(value.type()));
  switch (value.type()) {
    case ValueType::kEmpty:
      break;
    case ValueType::kString:
      PutLengthPrefixed(out, value.string_value());
      break;
    case ValueType::kBytes:
      PutLengthPrefixed(out, value.bytes_value());
      break;
    case ValueType::kBool:
      out.push_back(value.bool_value() ? 1 : 0);
      break;
    case ValueType::kInt:
      PutZigZag(out, value.int_value());
      break;
    case ValueType::kDouble:
      PutFixed64(out, std::bit_cast<uint64_t>(value.double_value()));
      break;
    case ValueType::kArray:
      PutVarint64(out, value.array_value().size());
      for (const AnyValue& v : value.array_value()) PutValue(out, v);
      break;
    case ValueType::kKvList:
      PutAttributes(out, value.kvlist_value());
      break;
  }
}

void PutAttributes(std::string& out, Attributes attributes) {
  PutVarint64(out, attributes.size());
  for (const KeyValue& kv : attributes) {
    PutLengthPrefixed(out, kv.key);
    PutValue(out, kv.value);
  }
}

bool ReadValue(ByteReader& reader, Arena& arena, AnyValue* value) {
  return ReadValueAt(reader, arena, 1, value);
}

bool ReadAttributes(ByteReader& reader, Arena& arena, Attributes* attributes) {
  return ReadKeyValues(reader, arena, 1, attributes);
}

}  // namespace weft::storage::embedded::block
