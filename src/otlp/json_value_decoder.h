// Decodes OTLP/JSON attribute lists (`[{"key":..,"value":{..}}]`) and AnyValues
// (`{"stringValue":..}`, `{"arrayValue":{"values":[..]}}`, ...) into arena-backed model values.
// One decoder serves a whole request: its scratch stacks are reused, so decoding N attributes
// costs O(N) time and a handful of allocations whatever their nesting. Nesting deeper than the
// limit is an error (recursion is bounded by it). Internal to the OTLP/JSON codec.
// Thread rule: one instance per request; not thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/arena.h"
#include "common/json_reader.h"
#include "model/any_value.h"

namespace weft::otlp {

class JsonValueDecoder {
 public:
  // `arena` receives strings and arrays and must outlive the returned values.
  JsonValueDecoder(Arena& arena, int max_depth) : arena_(arena), max_depth_(max_depth) {}

  // A JSON array of KeyValue objects. Attribute values are at nesting depth 1.
  absl::StatusOr<Attributes> DecodeAttributes(json::Element element, const json::JsonPath& path);

  // One AnyValue object at nesting `depth` (1 for an attribute's value) into `out`. `{}` is the
  // empty value; of several value fields the last one wins; unknown fields are ignored.
  // (Out-parameters rather than StatusOr<AnyValue>: returning the 16-byte value through a
  // StatusOr cost a store-forwarding stall per attribute, ~15% of decoding.)
  absl::Status DecodeAnyValue(json::Element element, const json::JsonPath& path, int depth,
                              AnyValue& out);

 private:
  // Pushes the KeyValues of `element` (an array) onto kv_stack_.
  absl::Status PushKeyValues(json::Element element, const json::JsonPath& path, int depth);
  // Decodes `{"values":[...]}` of an arrayValue or kvlistValue.
  absl::Status DecodeArrayValue(json::Element element, const json::JsonPath& path, int depth,
                                AnyValue& out);
  absl::Status DecodeKvListValue(json::Element element, const json::JsonPath& path, int depth,
                                 AnyValue& out);

  Arena& arena_;
  const int max_depth_;
  // Elements of the lists being decoded, innermost on top; each finished list is copied into the
  // arena and popped, so the stacks stay as deep as one path through the values.
  std::vector<KeyValue> kv_stack_;
  std::vector<AnyValue> value_stack_;
};

}  // namespace weft::otlp
