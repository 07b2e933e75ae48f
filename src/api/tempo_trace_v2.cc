// Tempo's /api/v2/traces/{id} (tempo_trace_v2.h): fetch, assemble, cut to the span bound, encode
// as tempopb.TraceByIDResponse in JSON or protobuf.
#include "api/tempo_trace_v2.h"

#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/query_metrics.h"
#include "api/request_tenant.h"
#include "api/search_params.h"
#include "api/tempo_api.h"
#include "common/json_writer.h"
#include "common/varint.h"
#include "http/query_params.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"
#include "query/assembly/trace_assembler.h"

namespace weft::api {
namespace {

constexpr std::string_view kTracesPrefix = "/api/v2/traces/";

// tempopb.TraceByIDResponse fields: trace = 1, metrics = 2, status = 3 (PartialStatus: COMPLETE
// = 0, PARTIAL = 1), message = 4. tempopb.Trace is wire-identical to ExportTraceServiceRequest.
constexpr char kTraceTag = (1 << 3) | 2;    // field 1, length-delimited
constexpr char kStatusTag = (3 << 3) | 0;   // field 3, varint
constexpr char kMessageTag = (4 << 3) | 2;  // field 4, length-delimited

void AppendLengthDelimited(char tag, std::string_view bytes, std::string& out) {
  out.push_back(tag);
  PutVarint64(out, bytes.size());
  out.append(bytes);
}

bool WantsProtobuf(const http::Request& request) {
  const auto accept = request.headers.Get("Accept");
  return accept && accept->find("application/protobuf") != std::string_view::npos;
}

http::Response GetTraceV2(storage::TraceReader& reader, size_t max_spans,
                          const http::Request& request) {
  absl::StatusOr<TraceId> id =
      ParseTraceIdParam(std::string_view(request.path).substr(kTracesPrefix.size()));
  if (!id.ok()) return http::Response::Text(400, std::string(id.status().message()));
  absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
  if (!params.ok()) return http::Response::Text(400, std::string(params.status().message()));
  absl::StatusOr<uint64_t> start = UnixTimeParam(*params, "start", 1'000'000'000, 0);
  absl::StatusOr<uint64_t> end = UnixTimeParam(*params, "end", 1'000'000'000, UINT64_MAX);
  if (!start.ok()) return http::Response::Text(400, std::string(start.status().message()));
  if (!end.ok()) return http::Response::Text(400, std::string(end.status().message()));
  if (*start > *end) return http::Response::Text(400, "http parameter start must be before end");
  absl::StatusOr<std::string> tenant = RequestTenant(request);
  if (!tenant.ok()) return http::Response::Text(400, std::string(tenant.status().message()));
  absl::StatusOr<std::unique_ptr<SpanBatch>> stored = reader.GetTrace(*tenant, *id);
  if (!stored.ok()) {
    return http::Response::Text(500, std::string(stored.status().message()));
  }
  if ((*stored)->empty()) return http::Response::Text(404, "trace not found");

  const query::AssembledTrace trace = query::AssembleTrace(std::move(**stored));
  const bool partial = trace.size() > max_spans;
  if (partial) QueryMetrics::Get().traces_truncated.Increment();
  SpanBatch kept;
  if (partial) {  // the earliest max_spans spans (the trace's spans are in start order)
    std::vector<uint32_t> first(max_spans);
    std::iota(first.begin(), first.end(), 0u);
    kept.CopySpansFrom(trace.batch(), first);
  }
  const SpanBatch& spans = partial ? kept : trace.batch();
  const std::string message =
      partial ? absl::StrCat("Trace has ", trace.size(), " spans; the earliest ", max_spans,
                             " are returned")
              : std::string();

  http::Response response;
  if (WantsProtobuf(request)) {
    response.content_type = "application/protobuf";
    std::string trace_bytes;
    otlp::EncodeExportRequest(spans, trace_bytes);
    AppendLengthDelimited(kTraceTag, trace_bytes, response.body);
    if (partial) {
      response.body.push_back(kStatusTag);
      response.body.push_back(1);
      AppendLengthDelimited(kMessageTag, message, response.body);
    }
    return response;
  }
  response.content_type = "application/json";
  response.body = "{\"trace\":";
  otlp::EncodeExportRequestJson(spans, response.body, {.top_level_key = "resourceSpans"});
  response.body.append(partial ? ",\"status\":\"PARTIAL\"" : ",\"status\":\"COMPLETE\"");
  if (partial) {
    response.body.append(",\"message\":");
    AppendJsonString(message, response.body);
  }
  response.body.push_back('}');
  return response;
}

}  // namespace

void RegisterTempoTraceV2Routes(http::HttpServer& server, storage::SpanStore& store,
                                size_t max_spans) {
  server.RoutePrefix("GET", std::string(kTracesPrefix),
                     [&store, max_spans](http::Request&& request, http::Responder respond) {
                       respond(GetTraceV2(store, max_spans, request));
                     });
}

}  // namespace weft::api
