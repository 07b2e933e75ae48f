#include "api/tempo_api.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/query_metrics.h"
#include "api/request_tenant.h"
#include "api/search_params.h"
#include "api/tempo_search.h"
#include "api/trace_size_cap.h"
#include "common/tenant.h"
#include "http/query_params.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"

namespace weft::api {
namespace {

constexpr std::string_view kTracesPrefix = "/api/traces/";

bool WantsProtobuf(const http::Request& request) {
  const auto accept = request.headers.Get("Accept");
  return accept && accept->find("application/protobuf") != std::string_view::npos;
}

void GetTrace(storage::TraceReader& reader, http::Request&& request, http::Responder respond) {
  const std::string_view id_text = std::string_view(request.path).substr(kTracesPrefix.size());
  absl::StatusOr<TraceId> id = ParseTraceIdParam(id_text);
  if (!id.ok()) {
    respond(http::Response::Text(400, std::string(id.status().message())));
    return;
  }
  absl::StatusOr<std::string> tenant = RequestTenant(request);
  if (!tenant.ok()) {
    respond(http::Response::Text(400, std::string(tenant.status().message())));
    return;
  }
  absl::StatusOr<std::unique_ptr<SpanBatch>> trace = reader.GetTrace(*tenant, *id);
  if (!trace.ok()) {
    respond(http::Response::Text(500, std::string(trace.status().message())));
    return;
  }
  if ((*trace)->empty()) {
    respond(http::Response::Text(404, "trace not found"));
    return;
  }
  http::Response response;
  // Tempo's v1 shape has no place to say a trace was cut: a header does (v2 has a status).
  if (const size_t total = KeepEarliestSpans(**trace); total > kMaxTraceSpans) {
    response.headers.emplace_back(std::string(kTruncatedHeader), std::to_string(total));
    QueryMetrics::Get().traces_truncated.Increment();
  }
  if (WantsProtobuf(request)) {
    // Tempo's tempopb.Trace{batches=1} has the wire shape of ExportTraceServiceRequest.
    response.content_type = "application/protobuf";
    otlp::EncodeExportRequest(**trace, response.body);
  } else {
    response.content_type = "application/json";
    otlp::EncodeExportRequestJson(**trace, response.body, {.top_level_key = "batches"});
  }
  respond(std::move(response));
}

// One search path: the request goes to query::SearchTraces (planning, push-down, paging,
// evaluation); a bad query or request is a 400 naming the parameter.
http::Response Search(storage::SpanFetcher& fetcher, const Clock& clock, const SearchLimits& limits,
                      const http::Request& request) {
  absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
  if (!params.ok()) return http::Response::Text(400, std::string(params.status().message()));
  absl::StatusOr<query::TraceSearchRequest> search =
      ParseTempoSearch(*params, clock.NowUnixNanos(), limits);
  if (!search.ok()) return http::Response::Text(400, std::string(search.status().message()));
  absl::StatusOr<std::string> tenant = RequestTenant(request);
  if (!tenant.ok()) return http::Response::Text(400, std::string(tenant.status().message()));
  search->tenant = *tenant;
  absl::StatusOr<query::TraceSearchResult> result = query::SearchTraces(fetcher, *search);
  if (result.ok() && result->partial) QueryMetrics::Get().searches_partial.Increment();
  if (!result.ok()) {
    return http::Response::Text(absl::IsInvalidArgument(result.status()) ? 400 : 500,
                                std::string(result.status().message()));
  }
  http::Response response;
  response.content_type = "application/json";
  response.body = EncodeTempoSearchResponse(*result);
  return response;
}

}  // namespace

absl::StatusOr<TraceId> ParseTraceIdParam(std::string_view text) {
  if (text.empty() || text.size() > TraceId::kHexSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("trace id must be 1 to 32 hex digits, got ", text.size(), " characters"));
  }
  std::string padded(TraceId::kHexSize - text.size(), '0');
  padded.append(text);
  std::optional<TraceId> id = TraceId::FromHex(padded);
  if (!id) return absl::InvalidArgumentError("trace id must be hex digits");
  if (!id->IsValid()) return absl::InvalidArgumentError("trace id is all zeros");
  return *id;
}

void RegisterTempoRoutes(http::HttpServer& server, storage::SpanStore& store, const Clock& clock,
                         const SearchLimits& limits) {
  server.RoutePrefix("GET", std::string(kTracesPrefix),
                     [&store](http::Request&& request, http::Responder respond) {
                       GetTrace(store, std::move(request), std::move(respond));
                     });
  server.Route("GET", "/api/search",
               [&store, &clock, limits](http::Request&& request, http::Responder respond) {
                 respond(Search(store, clock, limits, request));
               });
  server.Route("GET", "/ready", [](http::Request&&, http::Responder respond) {
    respond(http::Response::Text(200, "ready"));
  });
  server.Route("GET", "/api/echo", [](http::Request&&, http::Responder respond) {
    respond(http::Response::Text(200, "echo"));
  });
}

}  // namespace weft::api
