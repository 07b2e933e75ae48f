#include "model/any_value.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/arena.h"

namespace weft {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kEmpty:
      return "empty";
    case ValueType::kString:
      return "string";
    case ValueType::kBool:
      return "bool";
    case ValueType::kInt:
      return "int";
    case ValueType::kDouble:
      return "double";
    case ValueType::kBytes:
      return "bytes";
    case ValueType::kArray:
      return "array";
    case ValueType::kKvList:
      return "kvlist";
  }
  return "unknown";
}

int AnyValue::Depth() const {
  int deepest = 0;
  if (type_ == ValueType::kArray) {
    for (const AnyValue& v : array_value()) deepest = std::max(deepest, v.Depth());
  } else if (type_ == ValueType::kKvList) {
    for (const KeyValue& kv : kvlist_value()) deepest = std::max(deepest, kv.value.Depth());
  }
  return 1 + deepest;
}

bool operator==(const AnyValue& a, const AnyValue& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case ValueType::kEmpty:
      return true;
    case ValueType::kString:
    case ValueType::kBytes:
      return a.string_value() == b.string_value();
    case ValueType::kBool:
      return a.b_ == b.b_;
    case ValueType::kInt:
      return a.i_ == b.i_;
    case ValueType::kDouble:
      return std::memcmp(&a.d_, &b.d_, sizeof(double)) == 0;
    case ValueType::kArray:
      return std::ranges::equal(a.array_value(), b.array_value());
    case ValueType::kKvList:
      return std::ranges::equal(a.kvlist_value(), b.kvlist_value());
  }
  return false;
}

const AnyValue* FindAttribute(Attributes attributes, std::string_view key) {
  for (const KeyValue& kv : attributes) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

AnyValue CopyToArena(const AnyValue& value, Arena& arena) {
  switch (value.type()) {
    case ValueType::kString:
      return AnyValue::String(arena.CopyString(value.string_value()));
    case ValueType::kBytes:
      return AnyValue::Bytes(arena.CopyString(value.bytes_value()));
    case ValueType::kArray: {
      const auto source = value.array_value();
      auto* out = static_cast<AnyValue*>(
          arena.Allocate(sizeof(AnyValue) * source.size(), alignof(AnyValue)));
      for (size_t i = 0; i < source.size(); ++i) out[i] = CopyToArena(source[i], arena);
      return AnyValue::Array({out, source.size()});
    }
    case ValueType::kKvList:
      return AnyValue::KvList(CopyToArena(value.kvlist_value(), arena));
    default:
      return value;
  }
}

Attributes CopyToArena(Attributes attributes, Arena& arena) {
  if (attributes.empty()) return {};
  auto* out = static_cast<KeyValue*>(
      arena.Allocate(sizeof(KeyValue) * attributes.size(), alignof(KeyValue)));
  for (size_t i = 0; i < attributes.size(); ++i) {
    out[i].key = arena.CopyString(attributes[i].key);
    out[i].value = CopyToArena(attributes[i].value, arena);
  }
  return {out, attributes.size()};
}

}  // namespace weft
