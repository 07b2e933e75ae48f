// W3C Trace Context Level 2 `traceparent` header: parse and format (SPEC-NOTES "W3C traceparent").
// Thread-safe: pure functions over caller-owned memory. Parsing and formatting never allocate
// (except TraceParentToString) and never abort on any input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace weft::tracecontext {

// "00-" + 32 + "-" + 16 + "-" + 2: the exact length of a version-00 header.
inline constexpr size_t kTraceParentLength = 55;

inline constexpr uint8_t kFlagSampled = 0x01;
inline constexpr uint8_t kFlagRandom = 0x02;  // Level 2: right-most 7 bytes of trace-id are random.
// Flag bits this version understands; any others are dropped on parse and emitted as zero.
inline constexpr uint8_t kKnownFlags = kFlagSampled | kFlagRandom;

struct TraceParent {
  std::array<uint8_t, 16> trace_id{};
  std::array<uint8_t, 8> parent_id{};
  uint8_t flags = 0;  // Only kKnownFlags bits are ever set by ParseTraceParent.

  bool sampled() const { return (flags & kFlagSampled) != 0; }
  bool random() const { return (flags & kFlagRandom) != 0; }
  friend bool operator==(const TraceParent&, const TraceParent&) = default;
};

// Why a traceparent was rejected. kMissing and kMultipleHeaders are reported by ExtractW3C
// (propagation.h), never by ParseTraceParent.
enum class TraceParentError : uint8_t {
  kNone,
  kMissing,           // No traceparent header.
  kMultipleHeaders,   // Two or more traceparent header fields.
  kWrongLength,       // Shorter than 55, or version 00 with anything after the flags.
  kBadVersion,        // Version is not two lowercase hex digits.
  kForbiddenVersion,  // Version ff.
  kBadDelimiter,      // A '-' is missing between fields.
  kBadTraceId,        // Not 32 lowercase hex digits.
  kZeroTraceId,
  kBadParentId,  // Not 16 lowercase hex digits.
  kZeroParentId,
  kBadFlags,   // Not 2 lowercase hex digits.
  kBadSuffix,  // Higher version: flags followed by something other than '-'.
};

// A stable lowercase name for logs and metrics labels, e.g. "zero_trace_id".
std::string_view TraceParentErrorName(TraceParentError error);

struct TraceParentResult {
  TraceParent value;  // Meaningful only when ok().
  TraceParentError error = TraceParentError::kNone;
  bool ok() const { return error == TraceParentError::kNone; }
};

// Parses one header field value. Leading and trailing spaces and tabs are ignored. A version
// above 00 (but not ff) is accepted per the forward-compatibility rule and its extra fields are
// ignored; the result is what weft re-emits as version 00.
TraceParentResult ParseTraceParent(std::string_view header);

// Writes exactly kTraceParentLength characters (version 00, lowercase; flags outside
// kKnownFlags emitted as zero). Does not NUL-terminate.
void FormatTraceParent(const TraceParent& traceparent, std::span<char, kTraceParentLength> out);

// Convenience form of FormatTraceParent.
std::string TraceParentToString(const TraceParent& traceparent);

}  // namespace weft::tracecontext
