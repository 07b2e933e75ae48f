#include "otlp/json_value_decoder.h"

#include <span>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "otlp/json_base64.h"

namespace weft::otlp {

namespace dom = simdjson::dom;
using json::JsonPath;

absl::StatusOr<Attributes> JsonValueDecoder::DecodeAttributes(json::Element element,
                                                              const JsonPath& path) {
  const size_t start = kv_stack_.size();
  WEFT_RETURN_IF_ERROR(PushKeyValues(element, path, 1));
  const Attributes out = arena_.CopyArray(std::span<const KeyValue>(kv_stack_).subspan(start));
  kv_stack_.resize(start);
  return out;
}

absl::Status JsonValueDecoder::PushKeyValues(json::Element element, const JsonPath& path,
                                             int depth) {
  WEFT_ASSIGN_OR_RETURN(dom::array array, json::ReadArray(element, path));
  size_t index = 0;
  for (json::Element item : array) {
    const JsonPath item_path = path.Index(index++);
    WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(item, item_path));
    // Filled in place; a nested kvlistValue pushes (and pops) its entries above this slot.
    const size_t slot = kv_stack_.size();
    kv_stack_.emplace_back();
    for (dom::key_value_pair field : object) {
      if (field.value.is_null()) continue;
      if (field.key == "key") {
        WEFT_ASSIGN_OR_RETURN(std::string_view key,
                              json::ReadString(field.value, item_path.Field("key")));
        kv_stack_[slot].key = arena_.CopyString(key);
      } else if (field.key == "value") {
        AnyValue value;
        WEFT_RETURN_IF_ERROR(DecodeAnyValue(field.value, item_path.Field("value"), depth, value));
        kv_stack_[slot].value = value;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status JsonValueDecoder::DecodeAnyValue(json::Element element, const JsonPath& path,
                                              int depth, AnyValue& value) {
  if (depth > max_depth_) {
    return json::FieldError(path, absl::StrCat("value nested deeper than ", max_depth_, " levels"));
  }
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  value = AnyValue();
  for (dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    const std::string_view key = field.key;
    const JsonPath field_path = path.Field(key);
    if (key == "stringValue") {
      WEFT_ASSIGN_OR_RETURN(std::string_view s, json::ReadString(field.value, field_path));
      value = AnyValue::String(arena_.CopyString(s));
    } else if (key == "intValue") {
      WEFT_ASSIGN_OR_RETURN(int64_t i, json::ReadInt64(field.value, field_path));
      value = AnyValue::Int(i);
    } else if (key == "boolValue") {
      WEFT_ASSIGN_OR_RETURN(bool b, json::ReadBool(field.value, field_path));
      value = AnyValue::Bool(b);
    } else if (key == "doubleValue") {
      WEFT_ASSIGN_OR_RETURN(double d, json::ReadDouble(field.value, field_path));
      value = AnyValue::Double(d);
    } else if (key == "bytesValue") {
      WEFT_ASSIGN_OR_RETURN(std::string_view text, json::ReadString(field.value, field_path));
      const std::optional<std::string_view> bytes = DecodeBase64(text, arena_);
      if (!bytes) return json::FieldError(field_path, "invalid base64");
      value = AnyValue::Bytes(*bytes);
    } else if (key == "arrayValue") {
      WEFT_RETURN_IF_ERROR(DecodeArrayValue(field.value, field_path, depth, value));
    } else if (key == "kvlistValue") {
      WEFT_RETURN_IF_ERROR(DecodeKvListValue(field.value, field_path, depth, value));
    }
  }
  return absl::OkStatus();
}

absl::Status JsonValueDecoder::DecodeArrayValue(json::Element element, const JsonPath& path,
                                                int depth, AnyValue& out) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  const size_t start = value_stack_.size();
  for (dom::key_value_pair field : object) {
    if (field.key != "values" || field.value.is_null()) continue;
    value_stack_.resize(start);  // a repeated "values" replaces the earlier one
    const JsonPath values_path = path.Field("values");
    WEFT_ASSIGN_OR_RETURN(dom::array array, json::ReadArray(field.value, values_path));
    size_t index = 0;
    for (json::Element item : array) {
      AnyValue v;
      WEFT_RETURN_IF_ERROR(DecodeAnyValue(item, values_path.Index(index++), depth + 1, v));
      value_stack_.push_back(v);
    }
  }
  out = AnyValue::Array(arena_.CopyArray(std::span<const AnyValue>(value_stack_).subspan(start)));
  value_stack_.resize(start);
  return absl::OkStatus();
}

absl::Status JsonValueDecoder::DecodeKvListValue(json::Element element, const JsonPath& path,
                                                 int depth, AnyValue& out) {
  WEFT_ASSIGN_OR_RETURN(dom::object object, json::ReadObject(element, path));
  const size_t start = kv_stack_.size();
  for (dom::key_value_pair field : object) {
    if (field.key != "values" || field.value.is_null()) continue;
    kv_stack_.resize(start);
    WEFT_RETURN_IF_ERROR(PushKeyValues(field.value, path.Field("values"), depth + 1));
  }
  out = AnyValue::KvList(arena_.CopyArray(std::span<const KeyValue>(kv_stack_).subspan(start)));
  kv_stack_.resize(start);
  return absl::OkStatus();
}

}  // namespace weft::otlp
