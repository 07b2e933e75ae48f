// Reading untrusted JSON (request bodies) with simdjson's DOM parser, shared by the OTLP/JSON and
// Zipkin decoders: parsing with a depth limit and repair of bad text, field paths for error
// messages, and typed readers that accept what protobuf JSON accepts (64-bit integers as numbers
// or decimal strings). Every failure is an InvalidArgument status naming the field; nothing throws.
// Thread rule: free functions; ParseUntrustedJson reuses one parser per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simdjson.h"

namespace weft::json {

using Element = simdjson::dom::element;

// Inputs up to this size are parsed with a parser kept per thread (simdjson's buffers are ~15x
// the input, reserved once); larger ones get a parser of their own that is freed afterwards, so a
// thread never keeps more than ~15 MiB of parser memory.
inline constexpr size_t kReusedParserMaxBytes = 1 << 20;

// Parses `text` and calls `visit` with the root; the root and everything reached from it (string
// views included) are valid only during the call. Objects and arrays nested deeper than
// `max_depth` fail without recursion. Text that simdjson rejects only for invalid UTF-8 or for a
// lone UTF-16 surrogate escape (JavaScript's JSON.stringify emits "\ud800" for a string cut in
// the middle of a pair) is repaired and parsed again: invalid bytes and lone surrogates become
// U+FFFD, so every string handed to `visit` is valid UTF-8. Any other malformed text is
// InvalidArgument. Returns what `visit` returns.
absl::Status ParseUntrustedJson(std::string_view text, size_t max_depth,
                                absl::FunctionRef<absl::Status(Element root)> visit);

// `text` with invalid UTF-8 replaced by U+FFFD and `\u` escapes of lone surrogates replaced by
// `\ufffd`; everything else, escapes included, is unchanged. Exposed for tests.
std::string RepairJsonText(std::string_view text);

// A position in a document for error messages ("resourceSpans[0].scopeSpans[1].spans[3].kind"),
// built on the stack as a decoder descends and rendered only when an error is reported.
// REQUIRES: a path outlives the paths made from it (children live in deeper stack frames).
class JsonPath {
 public:
  JsonPath() = default;  // the document root
  JsonPath Field(std::string_view name) const { return JsonPath(this, name, kNoIndex); }
  JsonPath Index(size_t index) const { return JsonPath(this, {}, index); }
  std::string ToString() const;

 private:
  static constexpr size_t kNoIndex = ~size_t{0};
  JsonPath(const JsonPath* parent, std::string_view name, size_t index)
      : parent_(parent), name_(name), index_(index) {}

  const JsonPath* parent_ = nullptr;
  std::string_view name_;
  size_t index_ = kNoIndex;
};

// InvalidArgument "<path>: <what>" (just "<what>" at the root).
absl::Status FieldError(const JsonPath& path, std::string_view what);

// InvalidArgument "<path>: expected <type>".
absl::Status TypeError(const JsonPath& path, std::string_view expected);

// Typed readers: InvalidArgument "<path>: expected <type>" when the value has another type.
// Callers treat JSON null as an absent field before calling them, as protobuf JSON does.
// (Inline: they run for every value of a request.)
inline absl::StatusOr<simdjson::dom::object> ReadObject(Element value, const JsonPath& path) {
  simdjson::dom::object object;
  if (value.get_object().get(object) == simdjson::SUCCESS) [[likely]]
    return object;
  return TypeError(path, "object");
}
inline absl::StatusOr<simdjson::dom::array> ReadArray(Element value, const JsonPath& path) {
  simdjson::dom::array array;
  if (value.get_array().get(array) == simdjson::SUCCESS) [[likely]]
    return array;
  return TypeError(path, "array");
}
// The view is valid while the parsed document is (see ParseUntrustedJson).
inline absl::StatusOr<std::string_view> ReadString(Element value, const JsonPath& path) {
  std::string_view s;
  if (value.get_string().get(s) == simdjson::SUCCESS) [[likely]]
    return s;
  return TypeError(path, "string");
}
inline absl::StatusOr<bool> ReadBool(Element value, const JsonPath& path) {
  bool b = false;
  if (value.get_bool().get(b) == simdjson::SUCCESS) [[likely]]
    return b;
  return TypeError(path, "boolean");
}
// Integers: a JSON number with an integral value in range, or a string of decimal digits (with
// '-' for signed types). Out of range is "<path>: integer out of range".
absl::StatusOr<uint64_t> ReadUint64(Element value, const JsonPath& path);
absl::StatusOr<int64_t> ReadInt64(Element value, const JsonPath& path);
absl::StatusOr<uint32_t> ReadUint32(Element value, const JsonPath& path);
absl::StatusOr<int32_t> ReadInt32(Element value, const JsonPath& path);
// A JSON number, or a string: "NaN", "Infinity", "-Infinity" or a decimal number.
absl::StatusOr<double> ReadDouble(Element value, const JsonPath& path);

}  // namespace weft::json
