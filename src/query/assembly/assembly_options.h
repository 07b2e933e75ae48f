// AssemblyOptions: what AssembleTrace (trace_assembler.h) does beyond building the span tree.
// Thread rule: plain data.
#pragma once

#include <cstdint>

namespace weft::query {

struct AssemblyOptions {
  // Move spans whose times only disagreement between host clocks explains into their parents
  // (clock_skew.h). Off by default: the shifted times are a guess, and users must be able to see
  // the raw data; every shift is reported as a warning on the assembled trace.
  bool adjust_clock_skew = false;
  // A computed shift larger than this (either direction) is not applied; a warning says so
  // instead. The default applies every shift.
  uint64_t max_clock_skew_shift_nanos = UINT64_MAX;
};

}  // namespace weft::query
