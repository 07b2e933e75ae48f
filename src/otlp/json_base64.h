// Base64 for OTLP/JSON `bytes` fields other than ids (AnyValue.bytesValue): standard alphabet with
// padding on output, as protobuf JSON writes; on input the standard or URL-safe alphabet, padding
// optional, as protobuf JSON parsers accept. Internal to the OTLP/JSON codec.
// Thread rule: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace weft {
class Arena;
}

namespace weft::otlp {

// Appends the base64 encoding of `bytes` to `out`.
void AppendBase64(std::string_view bytes, std::string& out);

// The decoded bytes, allocated in `arena`; nullopt if `text` is not base64 (a character outside
// the alphabets, misplaced padding, or a length that leaves a lone 6-bit group).
std::optional<std::string_view> DecodeBase64(std::string_view text, Arena& arena);

}  // namespace weft::otlp
