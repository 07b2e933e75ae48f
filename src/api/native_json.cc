// Encoders of the native API's JSON (native_json.h).
#include "api/native_json.h"

#include <algorithm>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "otlp/json_codec.h"
#include "query/assembly/trace_tree.h"

namespace weft::api {
namespace {

constexpr uint32_t kUnassigned = UINT32_MAX;

// Resources and scopes the written spans use, numbered in order of first use.
struct SharedParts {
  std::vector<uint32_t> resource_out;  // per batch resource: output index or kUnassigned
  std::vector<uint32_t> scope_out;     // per batch scope
  std::vector<uint32_t> resources;     // output order -> batch resource index
  std::vector<uint32_t> scopes;        // output order -> batch scope index
};

SharedParts NumberSharedParts(const SpanBatch& batch, std::span<const uint32_t> spans) {
  SharedParts parts;
  parts.resource_out.assign(batch.resources().size(), kUnassigned);
  parts.scope_out.assign(batch.scopes().size(), kUnassigned);
  for (const uint32_t i : spans) {
    const uint32_t s = batch.spans()[i].scope_index;
    if (parts.scope_out[s] == kUnassigned) {
      parts.scope_out[s] = static_cast<uint32_t>(parts.scopes.size());
      parts.scopes.push_back(s);
    }
    const uint32_t r = batch.scopes()[s].resource_index;
    if (parts.resource_out[r] == kUnassigned) {
      parts.resource_out[r] = static_cast<uint32_t>(parts.resources.size());
      parts.resources.push_back(r);
    }
  }
  return parts;
}

void WriteSpan(const query::AssembledTrace& trace, uint32_t i, const SharedParts& parts,
               JsonWriter& w) {
  const Span& span = trace.span(i);
  const SpanBatch& batch = trace.batch();
  w.BeginObject().StringField("spanId", span.span_id.ToHex());
  w.StringField("parentSpanId", span.is_root() ? std::string() : span.parent_span_id.ToHex());
  w.UintField("depth", trace.depth(i))
      .StringField("attachment", query::AttachmentName(trace.attachment(i)))
      .StringField("service", ServiceName(batch.resource_of(span)))
      .StringField("name", span.name)
      .StringField("kind", SpanKindName(span.kind));
  w.Key("start").UintString(span.start_time_unix_nano);
  w.UintField("duration", span.duration_nanos())
      .UintField("selfTime", trace.self_time_nanos(i))
      .UintField("criticalPathTime", trace.critical_path_nanos(i))
      .IntField("clockSkewShift", trace.clock_skew_shift_nanos(i));
  w.Key("status")
      .BeginObject()
      .StringField("code", StatusCodeName(span.status_code))
      .StringField("message", span.status_message)
      .EndObject();
  const uint32_t scope = span.scope_index;
  w.UintField("resource", parts.resource_out[batch.scopes()[scope].resource_index])
      .UintField("scope", parts.scope_out[scope]);
  w.Key("attributes");
  otlp::WriteAttributesJson(span.attributes, w);
  w.Key("events").BeginArray();
  for (const Event& event : span.events) {
    w.BeginObject().Key("time").UintString(event.time_unix_nano);
    w.StringField("name", event.name).Key("attributes");
    otlp::WriteAttributesJson(event.attributes, w);
    w.EndObject();
  }
  w.EndArray();
  w.Key("links").BeginArray();
  for (const Link& link : span.links) {
    w.BeginObject()
        .StringField("traceId", link.trace_id.ToHex())
        .StringField("spanId", link.span_id.ToHex())
        .Key("attributes");
    otlp::WriteAttributesJson(link.attributes, w);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace

void WriteNativeTrace(const TraceId& trace_id, const query::AssembledTrace& trace,
                      const NativeTraceOptions& options, JsonWriter& w) {
  const query::TraceOverview& overview = trace.overview();
  const std::span<const uint32_t> preorder = trace.tree().preorder;
  const std::span<const uint32_t> shown =
      preorder.first(std::min(preorder.size(), options.max_spans));
  std::vector<bool> is_shown(trace.size(), false);
  for (const uint32_t i : shown) is_shown[i] = true;
  const SharedParts parts = NumberSharedParts(trace.batch(), shown);

  w.BeginObject()
      .StringField("traceId", trace_id.ToHex())
      .StringField("rootService", overview.root_service_name)
      .StringField("rootName", overview.root_span_name);
  w.Key("start").UintString(overview.start_unix_nano);
  w.UintField("duration", overview.duration_nanos)
      .UintField("spanCount", overview.span_count)
      .UintField("errorCount", overview.error_count)
      .UintField("depth", overview.depth);
  w.Key("services").BeginArray();
  for (const query::ServiceOverview& s : overview.services) {
    w.BeginObject()
        .StringField("name", s.name)
        .UintField("spanCount", s.span_count)
        .UintField("errorCount", s.error_count)
        .UintField("selfTime", s.self_time_nanos)
        .EndObject();
  }
  w.EndArray();
  w.BoolField("incomplete", trace.incomplete()).Key("missingParentIds").BeginArray();
  for (const SpanId& id : trace.missing_parent_ids()) w.String(id.ToHex());
  w.EndArray();
  w.BoolField("multipleRoots", trace.has_multiple_roots())
      .UintField("duplicatesDropped", trace.duplicates_dropped())
      .BoolField("clockSkewAdjusted", options.clock_skew_adjusted);
  w.Key("warnings").BeginArray();
  for (const query::AssemblyWarning& warning : trace.warnings()) {
    w.BeginObject()
        .StringField("kind", query::AssemblyWarningKindName(warning.kind))
        .StringField("spanId", warning.span_id.ToHex())
        .StringField("message", warning.reason)
        .IntField("shift", warning.shift_nanos)
        .EndObject();
  }
  w.EndArray();
  w.Key("criticalPath").BeginArray();
  for (const query::CriticalPathSection& section : trace.critical_path()) {
    if (section.span >= trace.size() || !is_shown[section.span]) continue;
    w.BeginObject().StringField("spanId", trace.span(section.span).span_id.ToHex());
    w.Key("start").UintString(section.start_unix_nano);
    w.Key("end").UintString(section.end_unix_nano);
    w.EndObject();
  }
  w.EndArray();
  w.BoolField("truncated", shown.size() < trace.size());
  w.Key("resources").BeginArray();
  for (const uint32_t r : parts.resources) {
    const Resource& resource = trace.batch().resources()[r];
    w.BeginObject().StringField("service", ServiceName(resource)).Key("attributes");
    otlp::WriteAttributesJson(resource.attributes, w);
    w.EndObject();
  }
  w.EndArray();
  w.Key("scopes").BeginArray();
  for (const uint32_t s : parts.scopes) {
    const InstrumentationScope& scope = trace.batch().scopes()[s].scope;
    w.BeginObject().StringField("name", scope.name).StringField("version", scope.version);
    w.Key("attributes");
    otlp::WriteAttributesJson(scope.attributes, w);
    w.EndObject();
  }
  w.EndArray();
  w.Key("spans").BeginArray();
  for (const uint32_t i : shown) WriteSpan(trace, i, parts, w);
  w.EndArray().EndObject();
}

void WriteSampleFields(const SampleStats& stats, JsonWriter& w) {
  w.BoolField("sampled", true)
      .UintField("tracesInspected", stats.traces)
      .UintField("spansInspected", stats.spans)
      .BoolField("partial", stats.partial)
      .BoolField("capped", stats.capped);
}

std::string NativeErrorJson(int status, std::string_view message) {
  std::string out;
  {
    JsonWriter w(out);
    w.BeginObject().Key("error").BeginObject().IntField("status", status);
    w.StringField("message", message).EndObject().EndObject();
  }
  return out;
}

}  // namespace weft::api
