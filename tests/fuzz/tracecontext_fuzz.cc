// Fuzzes every W3C / B3 header parser with the same bytes: traceparent, tracestate, baggage and
// B3 single. Whatever parses must serialize to something that parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tracecontext/b3.h"
#include "tracecontext/baggage.h"
#include "tracecontext/traceparent.h"
#include "tracecontext/tracestate.h"

namespace tc = weft::tracecontext;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const tc::TraceParentResult parent = tc::ParseTraceParent(input);
  if (parent.ok()) {
    const tc::TraceParentResult again = tc::ParseTraceParent(tc::TraceParentToString(parent.value));
    if (!again.ok() || !(again.value == parent.value)) std::abort();
  }

  const tc::TraceState state = tc::TraceState::Parse(input);
  const std::string state_text = state.Serialize();
  if (state_text.size() > 512) std::abort();  // the propagation limit
  if (tc::TraceState::Parse(state_text).Serialize() != state_text) std::abort();

  const tc::Baggage baggage = tc::Baggage::Parse(input);
  const std::string baggage_text = baggage.Serialize();
  if (baggage_text.size() > 8192) std::abort();  // the propagation limit
  if (tc::Baggage::Parse(baggage_text).Serialize() != baggage_text) std::abort();

  (void)tc::ParseB3Single(input);
  return 0;
}
