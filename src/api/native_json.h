// The JSON of weft's native API (native_api.h), the shapes a web UI reads: an assembled trace
// (tree order, self and critical-path times, clock skew, warnings; resources and scopes listed
// once and referred to by index), attribute names and values of the tag catalog with how they
// were sampled, and errors. Shapes: docs/api.md, "Native API". Conventions: ids lowercase hex;
// instants are unix nanoseconds as decimal strings (a JavaScript number cannot hold them);
// durations are nanoseconds as numbers; attributes are OTLP/JSON KeyValue lists
// (`[{"key":"k","value":{"intValue":"5"}}]`), which keep every type exactly.
// Thread rule: pure functions over const inputs; each writes to its own JsonWriter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/tag_catalog.h"
#include "common/json_writer.h"
#include "model/ids.h"
#include "query/assembly/assembled_trace.h"

namespace weft::api {

struct NativeTraceOptions {
  // At most this many spans (the first in depth-first order) are written; `truncated` says when
  // some were left out. Everything else (overview, services) describes the whole trace.
  size_t max_spans = 100'000;
  bool clock_skew_adjusted = false;  // reported as `clockSkewAdjusted`
};

// {"traceId",…,"spans":[…]} for `trace` (assembled from every span stored under `trace_id`).
void WriteNativeTrace(const TraceId& trace_id, const query::AssembledTrace& trace,
                      const NativeTraceOptions& options, JsonWriter& w);

// `"sampled":true,"tracesInspected":N,"spansInspected":N,"partial":b,"capped":b` as members of
// the object being written.
void WriteSampleFields(const SampleStats& stats, JsonWriter& w);

// {"error":{"status":400,"message":"…"}}.
std::string NativeErrorJson(int status, std::string_view message);

}  // namespace weft::api
