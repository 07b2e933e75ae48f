// Jaeger's JSON trace model (what Jaeger's query service answers and its UI and Grafana's Jaeger
// data source read): traces as {traceID, spans[], processes{}, warnings}, spans with references
// (CHILD_OF the parent, FOLLOWS_FROM each link), microsecond times, typed tags and logs, and one
// process per distinct resource. OTLP fields without a Jaeger field become tags the way the OTel
// Collector's Jaeger translator writes them: span.kind, otel.status_code, otel.status_description,
// error=true, otel.scope.name / otel.scope.version. Ids are lowercase hex (32 / 16 digits).
// Thread rule: pure functions over a const batch.
#pragma once

#include "common/json_writer.h"
#include "model/span_batch.h"

namespace weft::api {

// Writes every span of `batch` (all of trace `trace_id`) as one Jaeger trace object.
void WriteJaegerTrace(const TraceId& trace_id, const SpanBatch& batch, JsonWriter& writer);

}  // namespace weft::api
