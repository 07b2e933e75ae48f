// AssemblyWarning: something assembly noticed in, or did to, a trace that a reader of the trace
// should be told about (a clock skew shift, a broken cycle, an ambiguous span id).
// Thread rule: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/ids.h"

namespace weft::query {

enum class AssemblyWarningKind : uint8_t {
  // The span (and with it its descendants on the same host) was moved by `shift_nanos`.
  kClockSkewShifted,
  // A shift of `shift_nanos` was computed but exceeds AssemblyOptions::max_clock_skew_shift_nanos,
  // so the span keeps its times.
  kClockSkewNotApplied,
  // The span's chain of parents led back to itself; the span was detached from its parent and is
  // a root now (kCycleBroken attachment, trace_tree.h).
  kCycleBroken,
  // Several spans carry this span id and are not one Zipkin CLIENT/SERVER pair.
  kSharedSpanId,
};

// "clock_skew_shifted", "clock_skew_not_applied", "cycle_broken", "shared_span_id".
std::string_view AssemblyWarningKindName(AssemblyWarningKind kind);

struct AssemblyWarning {
  AssemblyWarningKind kind = AssemblyWarningKind::kClockSkewShifted;
  SpanId span_id;
  // Clock skew kinds: the shift in nanoseconds (positive: later). 0 for the other kinds.
  int64_t shift_nanos = 0;
  // One human-readable sentence (why, with the ids involved).
  std::string reason;
};

}  // namespace weft::query
