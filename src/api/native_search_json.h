// The JSON of the native search, `GET /api/v1/search` (native_api.h): a query::TraceSearchResult
// as
//   {"traces":[{"traceId","rootService","rootName","start","duration","spanCount","errorCount",
//     "spansets":[{"matched","attributes":[…],"spans":[{"spanId","parentSpanId","service","name",
//     "kind","start","duration","status":{"code","message"},"attributes":[…]}]}]}],
//    "partial":b,"metrics":{"inspectedSpans","inspectedBlocks","skippedBlocks","fetchPages"}}
// with the native conventions (native_json.h): hex ids, instants as decimal-string unix
// nanoseconds, durations as nanoseconds, attributes as OTLP/JSON KeyValue lists.
// Thread rule: a pure function over a const result.
#pragma once

#include "common/json_writer.h"
#include "query/search/trace_search.h"

namespace weft::api {

void WriteNativeSearchResult(const query::TraceSearchResult& result, JsonWriter& w);

}  // namespace weft::api
