// Zipkin B3 propagation (github.com/openzipkin/b3-propagation): the single `b3` header and the
// X-B3-* multi-header form, parse and format. Thread-safe: pure functions over values.
//
// Choices: hex ids are accepted in either case and emitted in lowercase; 16-character trace ids
// are left-padded with zeros, and a trace id whose upper 8 bytes are zero is emitted with 16
// characters (so a 64-bit id round-trips unchanged). All-zero trace or span ids are invalid; an
// all-zero parent span id is read as "no parent" (some tracers send it for root spans).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace weft::tracecontext {

enum class B3Sampling : uint8_t {
  kDeferred,  // No decision sent: the receiver decides.
  kDeny,      // "0" / "false"
  kAccept,    // "1" / "true"
  kDebug,     // "d" / X-B3-Flags: 1; implies accept.
};

struct B3Context {
  // False when the header carried only a sampling decision ("b3: 0", or X-B3-Sampled alone).
  bool has_ids = false;
  std::array<uint8_t, 16> trace_id{};  // A 64-bit id occupies the right-most 8 bytes.
  std::array<uint8_t, 8> span_id{};
  bool has_parent_span_id = false;
  std::array<uint8_t, 8> parent_span_id{};
  B3Sampling sampling = B3Sampling::kDeferred;

  friend bool operator==(const B3Context&, const B3Context&) = default;
};

// `b3: {traceid}-{spanid}[-{sampling}[-{parentspanid}]]` or `b3: {sampling}`. Leading and
// trailing spaces and tabs are ignored. InvalidArgument when malformed.
absl::StatusOr<B3Context> ParseB3Single(std::string_view value);

// The X-B3-* header values; an empty view means the header is absent.
struct B3MultiHeaders {
  std::string_view trace_id;        // X-B3-TraceId
  std::string_view span_id;         // X-B3-SpanId
  std::string_view parent_span_id;  // X-B3-ParentSpanId
  std::string_view sampled;         // X-B3-Sampled: 0, 1, false, true
  std::string_view flags;           // X-B3-Flags: "1" means debug; other values are ignored.
};

// NotFound when no header is present; InvalidArgument when malformed (a trace id without a span
// id or the other way round, bad hex, an unknown X-B3-Sampled value).
absl::StatusOr<B3Context> ParseB3Multi(const B3MultiHeaders& headers);

// The `b3` header value. A deferred decision omits the sampling field, and then the parent too
// (the format has no place for a parent without a sampling field). Empty for a context without
// ids and with a deferred decision: nothing to send.
std::string FormatB3Single(const B3Context& context);

// X-B3-* values to send; an empty string means "do not send this header". Debug is sent as
// X-B3-Flags: 1 without X-B3-Sampled (debug implies accept).
struct B3MultiValues {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string sampled;
  std::string flags;
};
B3MultiValues FormatB3Multi(const B3Context& context);

}  // namespace weft::tracecontext
