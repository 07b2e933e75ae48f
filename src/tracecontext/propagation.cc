#include "tracecontext/propagation.h"

#include <utility>

#include <optional>
#include <string>

#include "absl/status/status.h"

namespace weft::tracecontext {
namespace {

// The first value of `name` (empty if absent). The view follows the carrier's lifetime rule.
std::string_view FirstValue(const CarrierReader& carrier, std::string_view name) {
  std::string_view first;
  bool seen = false;
  carrier.Get(name, [&](std::string_view value) {
    if (!seen) first = value;
    seen = true;
  });
  return first;
}

}  // namespace

SpanContext ExtractW3C(const CarrierReader& carrier, TraceParentError* error) {
  std::string_view traceparent;
  int fields = 0;
  carrier.Get(kTraceParentHeader, [&](std::string_view value) {
    if (fields++ == 0) traceparent = value;
  });
  TraceParentError why = TraceParentError::kNone;
  TraceParentResult parsed;
  if (fields == 0) {
    why = TraceParentError::kMissing;
  } else if (fields > 1) {
    why = TraceParentError::kMultipleHeaders;
  } else {
    parsed = ParseTraceParent(traceparent);
    why = parsed.error;
  }
  if (error != nullptr) *error = why;
  SpanContext context;
  if (why != TraceParentError::kNone) return context;  // tracestate is dropped with it.
  context.trace_id = parsed.value.trace_id;
  context.span_id = parsed.value.parent_id;
  context.trace_flags = parsed.value.flags;
  context.remote = true;
  std::optional<TraceStateParser> tracestate;  // Built only when there is a tracestate.
  carrier.Get(kTraceStateHeader, [&](std::string_view value) {
    if (!tracestate) tracestate.emplace();
    tracestate->AddField(value);
  });
  if (tracestate) context.trace_state = std::move(*tracestate).Finish();
  return context;
}

void InjectW3C(const SpanContext& context, CarrierWriter& carrier) {
  if (!context.valid()) return;
  TraceParent traceparent;
  traceparent.trace_id = context.trace_id;
  traceparent.parent_id = context.span_id;
  traceparent.flags = context.trace_flags;
  char buffer[kTraceParentLength];
  FormatTraceParent(traceparent, buffer);
  carrier.Set(kTraceParentHeader, std::string_view(buffer, sizeof(buffer)));
  const TraceState& state = context.trace_state;
  if (state.empty()) return;
  if (state.members_text().size() <= TraceState::kMaxSerializedLength) {
    carrier.Set(kTraceStateHeader, state.members_text());  // What Serialize() would copy.
  } else {
    carrier.Set(kTraceStateHeader, state.Serialize());
  }
}

Baggage ExtractBaggage(const CarrierReader& carrier) {
  BaggageParser parser;
  carrier.Get(kBaggageHeader, [&](std::string_view value) { parser.AddField(value); });
  return std::move(parser).Finish();
}

void InjectBaggage(const Baggage& baggage, CarrierWriter& carrier) {
  if (baggage.empty()) return;
  const std::string value = baggage.Serialize();
  if (!value.empty()) carrier.Set(kBaggageHeader, value);
}

absl::StatusOr<B3Context> ExtractB3(const CarrierReader& carrier) {
  const std::string_view single = FirstValue(carrier, kB3SingleHeader);
  absl::StatusOr<B3Context> from_single = absl::NotFoundError("b3: no b3 header");
  if (!single.empty()) {
    from_single = ParseB3Single(single);
    if (from_single.ok()) return from_single;
  }
  B3MultiHeaders multi;
  multi.trace_id = FirstValue(carrier, kB3TraceIdHeader);
  multi.span_id = FirstValue(carrier, kB3SpanIdHeader);
  multi.parent_span_id = FirstValue(carrier, kB3ParentSpanIdHeader);
  multi.sampled = FirstValue(carrier, kB3SampledHeader);
  multi.flags = FirstValue(carrier, kB3FlagsHeader);
  absl::StatusOr<B3Context> from_multi = ParseB3Multi(multi);
  // A malformed single header is reported unless the multi-header form rescued it.
  if (!from_multi.ok() && absl::IsNotFound(from_multi.status())) return from_single;
  return from_multi;
}

void InjectB3(const B3Context& context, CarrierWriter& carrier, B3Encoding encoding) {
  if (encoding == B3Encoding::kSingleHeader) {
    const std::string value = FormatB3Single(context);
    if (!value.empty()) carrier.Set(kB3SingleHeader, value);
    return;
  }
  const B3MultiValues values = FormatB3Multi(context);
  const std::pair<std::string_view, const std::string*> headers[] = {
      {kB3TraceIdHeader, &values.trace_id},
      {kB3SpanIdHeader, &values.span_id},
      {kB3ParentSpanIdHeader, &values.parent_span_id},
      {kB3SampledHeader, &values.sampled},
      {kB3FlagsHeader, &values.flags},
  };
  for (const auto& [name, value] : headers) {
    if (!value->empty()) carrier.Set(name, *value);
  }
}

SpanContext SpanContextFromB3(const B3Context& b3) {
  SpanContext context;
  if (!b3.has_ids) return context;
  context.trace_id = b3.trace_id;
  context.span_id = b3.span_id;
  const bool sampled = b3.sampling == B3Sampling::kAccept || b3.sampling == B3Sampling::kDebug;
  context.trace_flags = sampled ? kFlagSampled : 0;
  context.remote = true;
  return context;
}

B3Context B3FromSpanContext(const SpanContext& context) {
  B3Context b3;
  if (!context.valid()) return b3;
  b3.has_ids = true;
  b3.trace_id = context.trace_id;
  b3.span_id = context.span_id;
  b3.sampling = context.sampled() ? B3Sampling::kAccept : B3Sampling::kDeny;
  return b3;
}

}  // namespace weft::tracecontext
