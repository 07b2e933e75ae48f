// The bound on what a trace-by-ID answer holds (Tempo's /api/traces/{id} and /api/v2/traces/{id},
// Jaeger's /api/traces/{id}, the native /api/v1/traces/{id}): a trace of more spans than the cap is
// answered with its earliest spans and says so, rather than building a response of any size.
// Thread rule: pure functions.
#pragma once

#include <cstddef>
#include <string>

#include "model/span_batch.h"

namespace weft::api {

inline constexpr size_t kMaxTraceSpans = 100'000;
// The header a truncated answer carries, its value the trace's whole span count.
inline constexpr std::string_view kTruncatedHeader = "X-Weft-Trace-Truncated";

// Keeps the `max_spans` earliest spans of `batch` (by start time; ties by position) and returns
// how many spans it had before (so nothing was dropped when it is <= max_spans).
size_t KeepEarliestSpans(SpanBatch& batch, size_t max_spans = kMaxTraceSpans);

// "trace has N spans; the earliest M are returned"
std::string TruncationMessage(size_t total, size_t max_spans = kMaxTraceSpans);

}  // namespace weft::api
