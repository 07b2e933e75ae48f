// Error reporting for the OTLP protobuf decoder: field-name tables (by field number), the field
// path of a failed request (assembled only on failure, innermost segment first, as the error
// unwinds through the message decoders), and the reason a single span is rejected.
// Thread rule: DecodeError is a single-threaded value; the rest are constants and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "otlp/proto_wire.h"

namespace weft::otlp {

// Field names indexed by field number; "" where the message has no such field.
using FieldNames = std::span<const std::string_view>;

namespace field_names {
inline constexpr std::string_view kRequest[] = {"", "resource_spans"};
inline constexpr std::string_view kResourceSpans[] = {"", "resource", "scope_spans", "schema_url"};
inline constexpr std::string_view kScopeSpans[] = {"", "scope", "spans", "schema_url"};
inline constexpr std::string_view kResource[] = {"", "attributes", "dropped_attributes_count"};
inline constexpr std::string_view kScope[] = {"", "name", "version", "attributes",
                                              "dropped_attributes_count"};
// clang-format off
inline constexpr std::string_view kSpan[] = {
    "", "trace_id", "span_id", "trace_state", "parent_span_id", "name", "kind",
    "start_time_unix_nano", "end_time_unix_nano", "attributes", "dropped_attributes_count",
    "events", "dropped_events_count", "links", "dropped_links_count", "status", "flags"};
inline constexpr std::string_view kAnyValue[] = {
    "", "string_value", "bool_value", "int_value", "double_value", "array_value", "kvlist_value",
    "bytes_value"};
// clang-format on
inline constexpr std::string_view kEvent[] = {"", "time_unix_nano", "name", "attributes",
                                              "dropped_attributes_count"};
inline constexpr std::string_view kLink[] = {
    "", "trace_id", "span_id", "trace_state", "attributes", "dropped_attributes_count", "flags"};
inline constexpr std::string_view kStatus[] = {"", "", "message", "code"};  // 1 is reserved
inline constexpr std::string_view kKeyValue[] = {"", "key", "value"};
inline constexpr std::string_view kList[] = {"", "values"};  // ArrayValue and KeyValueList
}  // namespace field_names

inline bool IsKnownField(FieldNames names, uint32_t number) {
  return number < names.size() && !names[number].empty();
}

// Why a failed request failed. Set one detail, then add path segments from the innermost out.
class DecodeError {
 public:
  // A field that could not be read; `tag` is 0 when its tag itself could not be read.
  void SetWireError(FieldNames names, uint32_t tag, WireError error, size_t byte_offset);
  void SetWrongWireType(FieldNames names, uint32_t tag);
  void SetTooDeep(int max_depth);

  // Prepends "field" or "field[index]" to the path.
  void Within(std::string_view field);
  void Within(std::string_view field, size_t index);

  // InvalidArgument "<path>: <detail>"; very long paths keep their first and last segments.
  absl::Status ToStatus() const;

 private:
  std::string detail_;
  std::vector<std::string> path_;  // innermost first
};

// Why a span is rejected while its request stays valid.
struct SpanProblem {
  std::string_view field;  // "trace_id", "span_id" or "parent_span_id"
  int link_index = -1;     // >= 0 when the id belongs to links[link_index]
  size_t expected_size = 0;
  size_t actual_size = 0;  // == expected_size when the id is all zero

  bool found() const { return !field.empty(); }
};

// "resource_spans[r].scope_spans[s].spans[k].<field>: <reason>", the partial-success message.
std::string SpanRejectionMessage(size_t resource_spans_index, size_t scope_spans_index,
                                 size_t span_index, const SpanProblem& problem);

}  // namespace weft::otlp
