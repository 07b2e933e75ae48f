// AnyValue: an OTLP attribute value of any kind (string, bool, int64, double, bytes, array,
// key-value list). It is a 16-byte trivially copyable view: strings and nested arrays live
// elsewhere (a SpanBatch's arena or input buffer) and must outlive the value.
// Thread rule: immutable values, safe to read from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace weft {

class Arena;
struct KeyValue;

// Nesting limit for arrays and key-value lists (SDK peers default to 64 levels; a value nested
// deeper is rejected at decode time so recursion over values is bounded).
inline constexpr int kMaxAnyValueDepth = 64;

enum class ValueType : uint8_t {
  kEmpty = 0,  // OTLP AnyValue with no field set
  kString,
  kBool,
  kInt,
  kDouble,
  kBytes,
  kArray,
  kKvList,
};

std::string_view ValueTypeName(ValueType type);

class AnyValue {
 public:
  constexpr AnyValue() : type_(ValueType::kEmpty), size_(0), i_(0) {}

  static AnyValue String(std::string_view s) { return AnyValue(ValueType::kString, s); }
  static AnyValue Bytes(std::string_view b) { return AnyValue(ValueType::kBytes, b); }
  static AnyValue Bool(bool b) {
    AnyValue v(ValueType::kBool);
    v.b_ = b;
    return v;
  }
  static AnyValue Int(int64_t i) {
    AnyValue v(ValueType::kInt);
    v.i_ = i;
    return v;
  }
  static AnyValue Double(double d) {
    AnyValue v(ValueType::kDouble);
    v.d_ = d;
    return v;
  }
  // REQUIRES: values.size() < 2^32.
  static AnyValue Array(std::span<const AnyValue> values) {
    AnyValue v(ValueType::kArray);
    v.arr_ = values.data();
    v.size_ = static_cast<uint32_t>(values.size());
    return v;
  }
  static AnyValue KvList(std::span<const KeyValue> values);

  ValueType type() const { return type_; }
  bool empty() const { return type_ == ValueType::kEmpty; }

  // REQUIRES: type() is kString (string_value) or kBytes (bytes_value).
  std::string_view string_value() const { return {str_, size_}; }
  std::string_view bytes_value() const { return {str_, size_}; }
  bool bool_value() const { return b_; }
  int64_t int_value() const { return i_; }
  double double_value() const { return d_; }
  std::span<const AnyValue> array_value() const { return {arr_, size_}; }
  std::span<const KeyValue> kvlist_value() const;

  // 1 for scalars and empty containers; 1 + the deepest element otherwise.
  int Depth() const;

  // Deep equality (doubles compare by bit pattern, so NaN equals the same NaN).
  friend bool operator==(const AnyValue& a, const AnyValue& b);

 private:
  explicit constexpr AnyValue(ValueType type) : type_(type), size_(0), i_(0) {}
  AnyValue(ValueType type, std::string_view s)
      : type_(type), size_(static_cast<uint32_t>(s.size())), str_(s.data()) {}

  ValueType type_;
  uint32_t size_;  // bytes of a string, elements of an array or list
  union {
    const char* str_;
    bool b_;
    int64_t i_;
    double d_;
    const AnyValue* arr_;
    const KeyValue* kv_;
  };
};

struct KeyValue {
  std::string_view key;
  AnyValue value;

  friend bool operator==(const KeyValue& a, const KeyValue& b) {
    return a.key == b.key && a.value == b.value;
  }
};

using Attributes = std::span<const KeyValue>;

inline AnyValue AnyValue::KvList(std::span<const KeyValue> values) {
  AnyValue v(ValueType::kKvList);
  v.kv_ = values.data();
  v.size_ = static_cast<uint32_t>(values.size());
  return v;
}
inline std::span<const KeyValue> AnyValue::kvlist_value() const { return {kv_, size_}; }

// The first attribute named `key`, or nullptr.
const AnyValue* FindAttribute(Attributes attributes, std::string_view key);

// Deep copies whose strings and arrays live in `arena`.
AnyValue CopyToArena(const AnyValue& value, Arena& arena);
Attributes CopyToArena(Attributes attributes, Arena& arena);

}  // namespace weft
