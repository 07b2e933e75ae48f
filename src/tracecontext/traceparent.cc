#include "tracecontext/traceparent.h"

#include <cstring>

#include "common/hex.h"
#include "tracecontext/lower_hex.h"
#include "tracecontext/ows.h"

namespace weft::tracecontext {
namespace {

[[gnu::always_inline]] inline uint64_t Load8(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Two lowercase hex digits, or -1.
[[gnu::always_inline]] inline int DecodeByte(const char* p) {
  const int hi = HexDigitValue(p[0], HexCase::kLowerOnly);
  const int lo = HexDigitValue(p[1], HexCase::kLowerOnly);
  if ((hi | lo) < 0) return -1;
  return (hi << 4) | lo;
}

// Field offsets within the 55-character version-00 layout.
constexpr size_t kTraceIdPos = 3;
constexpr size_t kParentIdPos = 36;
constexpr size_t kFlagsPos = 53;

}  // namespace

std::string_view TraceParentErrorName(TraceParentError error) {
  switch (error) {
    case TraceParentError::kNone:
      return "ok";
    case TraceParentError::kMissing:
      return "missing";
    case TraceParentError::kMultipleHeaders:
      return "multiple_headers";
    case TraceParentError::kWrongLength:
      return "wrong_length";
    case TraceParentError::kBadVersion:
      return "bad_version";
    case TraceParentError::kForbiddenVersion:
      return "forbidden_version";
    case TraceParentError::kBadDelimiter:
      return "bad_delimiter";
    case TraceParentError::kBadTraceId:
      return "bad_trace_id";
    case TraceParentError::kZeroTraceId:
      return "zero_trace_id";
    case TraceParentError::kBadParentId:
      return "bad_parent_id";
    case TraceParentError::kZeroParentId:
      return "zero_parent_id";
    case TraceParentError::kBadFlags:
      return "bad_flags";
    case TraceParentError::kBadSuffix:
      return "bad_suffix";
  }
  return "unknown";
}

TraceParentResult ParseTraceParent(std::string_view header) {
  TraceParentResult result;
  const std::string_view trimmed = TrimOws(header);
  const char* s = trimmed.data();
  const size_t size = trimmed.size();

  auto fail = [&result](TraceParentError error) {
    result.error = error;
    return result;
  };
  if (size < kTraceParentLength) return fail(TraceParentError::kWrongLength);
  // Version 00 is by far the common case; only other versions need the general checks.
  if (s[0] != '0' || s[1] != '0') {
    const int version = DecodeByte(s);
    if (version < 0) return fail(TraceParentError::kBadVersion);
    if (version == 0xff) return fail(TraceParentError::kForbiddenVersion);
    // A future version may append fields, each introduced by '-'.
    if (size > kTraceParentLength && s[kTraceParentLength] != '-') {
      return fail(TraceParentError::kBadSuffix);
    }
  } else if (size != kTraceParentLength) {
    return fail(TraceParentError::kWrongLength);
  }
  if (s[kTraceIdPos - 1] != '-' || s[kParentIdPos - 1] != '-' || s[kFlagsPos - 1] != '-') {
    return fail(TraceParentError::kBadDelimiter);
  }

  TraceParent& tp = result.value;
  const bool trace_hex = lower_hex::Decode<16>(s + kTraceIdPos, tp.trace_id.data());
  const bool parent_hex = lower_hex::Decode<8>(s + kParentIdPos, tp.parent_id.data());
  const int flags = DecodeByte(s + kFlagsPos);
  if (!trace_hex || !parent_hex || flags < 0) [[unlikely]] {
    if (!trace_hex) return fail(TraceParentError::kBadTraceId);
    if (!parent_hex) return fail(TraceParentError::kBadParentId);
    return fail(TraceParentError::kBadFlags);
  }
  if ((Load8(&tp.trace_id[0]) | Load8(&tp.trace_id[8])) == 0) {
    return fail(TraceParentError::kZeroTraceId);
  }
  if (Load8(&tp.parent_id[0]) == 0) return fail(TraceParentError::kZeroParentId);
  tp.flags = static_cast<uint8_t>(flags) & kKnownFlags;
  return result;
}

void FormatTraceParent(const TraceParent& traceparent, std::span<char, kTraceParentLength> out) {
  char* p = out.data();
  p[0] = '0';
  p[1] = '0';
  p[2] = '-';
  lower_hex::Encode<16>(traceparent.trace_id.data(), p + kTraceIdPos);
  p[kParentIdPos - 1] = '-';
  lower_hex::Encode<8>(traceparent.parent_id.data(), p + kParentIdPos);
  p[kFlagsPos - 1] = '-';
  static_assert(kKnownFlags <= 9, "flags must format as '0' plus one decimal digit");
  const uint8_t flags = traceparent.flags & kKnownFlags;
  p[kFlagsPos] = '0';
  p[kFlagsPos + 1] = static_cast<char>('0' + flags);
}

std::string TraceParentToString(const TraceParent& traceparent) {
  std::string out(kTraceParentLength, '\0');
  FormatTraceParent(traceparent, std::span<char, kTraceParentLength>(out.data(), out.size()));
  return out;
}

}  // namespace weft::tracecontext
