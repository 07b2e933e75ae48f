#include "query/assembly/assembly_warning.h"

namespace weft::query {

std::string_view AssemblyWarningKindName(AssemblyWarningKind kind) {
  switch (kind) {
    case AssemblyWarningKind::kClockSkewShifted:
      return "clock_skew_shifted";
    case AssemblyWarningKind::kClockSkewNotApplied:
      return "clock_skew_not_applied";
    case AssemblyWarningKind::kCycleBroken:
      return "cycle_broken";
    case AssemblyWarningKind::kSharedSpanId:
      return "shared_span_id";
  }
  return "unknown";
}

}  // namespace weft::query
