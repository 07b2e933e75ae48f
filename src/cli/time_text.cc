#include "cli/time_text.h"

#include "absl/time/time.h"

namespace weft::cli {

std::string FormatUtc(uint64_t unix_nanos, const char* format) {
  return absl::FormatTime(format, absl::FromUnixNanos(static_cast<int64_t>(unix_nanos)),
                          absl::UTCTimeZone());
}

}  // namespace weft::cli
