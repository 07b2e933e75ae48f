// Encoder of the native search answer (native_search_json.h).
#include "api/native_search_json.h"

#include <span>

#include "otlp/json_codec.h"

namespace weft::api {
namespace {

void WriteResultAttributes(std::span<const query::ResultAttribute> attributes, JsonWriter& w) {
  w.BeginArray();
  for (const query::ResultAttribute& a : attributes) {
    w.BeginObject().StringField("key", a.key).Key("value");
    otlp::WriteAnyValueJson(a.value, w);
    w.EndObject();
  }
  w.EndArray();
}

void WriteResultSpan(const SpanBatch& batch, const query::ResultSpan& result, JsonWriter& w) {
  if (result.index >= batch.size()) return;  // not produced by SearchTraces; skipped
  const Span& span = batch.spans()[result.index];
  w.BeginObject().StringField("spanId", span.span_id.ToHex());
  w.StringField("parentSpanId", span.is_root() ? std::string() : span.parent_span_id.ToHex());
  w.StringField("service", ServiceName(batch.resource_of(span)))
      .StringField("name", span.name)
      .StringField("kind", SpanKindName(span.kind));
  w.Key("start").UintString(span.start_time_unix_nano);
  w.UintField("duration", span.duration_nanos());
  w.Key("status")
      .BeginObject()
      .StringField("code", StatusCodeName(span.status_code))
      .StringField("message", span.status_message)
      .EndObject();
  w.Key("attributes");
  WriteResultAttributes(result.attributes, w);
  w.EndObject();
}

}  // namespace

void WriteNativeSearchResult(const query::TraceSearchResult& result, JsonWriter& w) {
  w.BeginObject().Key("traces").BeginArray();
  for (const query::TraceHit& hit : result.traces) {
    const storage::TraceSummary& s = hit.summary;
    w.BeginObject()
        .StringField("traceId", s.trace_id.ToHex())
        .StringField("rootService", s.root_service)
        .StringField("rootName", s.root_span_name);
    w.Key("start").UintString(s.start_unix_nanos);
    w.UintField("duration", s.duration_nanos)
        .UintField("spanCount", s.span_count)
        .UintField("errorCount", s.error_count);
    w.Key("spansets").BeginArray();
    for (const query::ResultSpanset& set : hit.spansets) {
      w.BeginObject().UintField("matched", set.matched).Key("attributes");
      WriteResultAttributes(set.attributes, w);
      w.Key("spans").BeginArray();
      if (hit.spans != nullptr) {
        for (const query::ResultSpan& span : set.spans) WriteResultSpan(*hit.spans, span, w);
      }
      w.EndArray().EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.BoolField("partial", result.partial).Key("metrics").BeginObject();
  w.UintField("inspectedSpans", result.inspected_spans)
      .UintField("inspectedBlocks", result.inspected_blocks)
      .UintField("skippedBlocks", result.skipped_blocks)
      .UintField("fetchPages", result.fetch_pages);
  w.EndObject().EndObject();
}

}  // namespace weft::api
