// Propagators: extract a remote span context (or baggage) from request headers and inject one
// into outgoing headers, in W3C Trace Context, W3C Baggage and Zipkin B3 formats.
// Thread-safe: free functions; the carrier is used only for the duration of a call.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "absl/status/statusor.h"
#include "tracecontext/b3.h"
#include "tracecontext/baggage.h"
#include "tracecontext/carrier.h"
#include "tracecontext/traceparent.h"
#include "tracecontext/tracestate.h"

namespace weft::tracecontext {

// Header names, lowercase (carriers match case-insensitively).
inline constexpr std::string_view kTraceParentHeader = "traceparent";
inline constexpr std::string_view kTraceStateHeader = "tracestate";
inline constexpr std::string_view kBaggageHeader = "baggage";
inline constexpr std::string_view kB3SingleHeader = "b3";
inline constexpr std::string_view kB3TraceIdHeader = "x-b3-traceid";
inline constexpr std::string_view kB3SpanIdHeader = "x-b3-spanid";
inline constexpr std::string_view kB3ParentSpanIdHeader = "x-b3-parentspanid";
inline constexpr std::string_view kB3SampledHeader = "x-b3-sampled";
inline constexpr std::string_view kB3FlagsHeader = "x-b3-flags";

// The part of a span that crosses process boundaries.
struct SpanContext {
  std::array<uint8_t, 16> trace_id{};
  std::array<uint8_t, 8> span_id{};
  uint8_t trace_flags = 0;  // kFlagSampled | kFlagRandom
  bool remote = false;      // True when extracted from a carrier.
  TraceState trace_state;

  // Both ids non-zero. Extract functions return an invalid (default) context on failure.
  bool valid() const {
    uint64_t words[3];
    std::memcpy(&words[0], trace_id.data(), 16);
    std::memcpy(&words[2], span_id.data(), 8);
    return (words[0] | words[1]) != 0 && words[2] != 0;
  }
  bool sampled() const { return (trace_flags & kFlagSampled) != 0; }
};

// W3C Trace Context. Reads `traceparent` (exactly one field) and, only when it is valid,
// `tracestate`. On failure returns an invalid context (no tracestate) and, if `error` is not
// null, stores why. Allocates only when a non-empty tracestate is present.
SpanContext ExtractW3C(const CarrierReader& carrier, TraceParentError* error = nullptr);
// Writes `traceparent` (version 00) and, if non-empty, `tracestate` (Serialize()). Does nothing
// for an invalid context. Allocates nothing itself beyond what the carrier does, unless the
// tracestate must be truncated.
void InjectW3C(const SpanContext& context, CarrierWriter& carrier);

// W3C Baggage across every `baggage` field, with Baggage's limits.
Baggage ExtractBaggage(const CarrierReader& carrier);
// Writes `baggage` unless `baggage` is empty.
void InjectBaggage(const Baggage& baggage, CarrierWriter& carrier);

// B3: the single `b3` header is used when present and valid; otherwise the X-B3-* headers.
// When more than one field of a B3 header is present, the first is used. NotFound when no B3
// header is present; InvalidArgument when what is present is malformed.
absl::StatusOr<B3Context> ExtractB3(const CarrierReader& carrier);
enum class B3Encoding : uint8_t { kSingleHeader, kMultiHeader };
void InjectB3(const B3Context& context, CarrierWriter& carrier,
              B3Encoding encoding = B3Encoding::kSingleHeader);

// B3 <-> SpanContext. The span context has no place for B3's debug flag (it becomes sampled)
// or parent span id; a sampling-only B3 context maps to an invalid span context.
SpanContext SpanContextFromB3(const B3Context& b3);
// Sampled flag -> accept, otherwise deny; no parent span id.
B3Context B3FromSpanContext(const SpanContext& context);

}  // namespace weft::tracecontext
