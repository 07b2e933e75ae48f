// UTF-8 validation and repair. Decoders of untrusted bytes keep strings as valid UTF-8 by
// replacing every invalid sequence with U+FFFD, so everything downstream (JSON, UI, ClickHouse)
// can rely on it. Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace weft {

class Arena;

// True if `s` is entirely valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Appends `s` to `out` with each maximal invalid subsequence replaced by U+FFFD.
void AppendSanitizedUtf8(std::string_view s, std::string& out);

// `s` itself when valid; otherwise a repaired copy allocated in `arena`.
std::string_view SanitizeUtf8(std::string_view s, Arena& arena);

}  // namespace weft
