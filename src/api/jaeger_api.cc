// Jaeger-compatible handlers (see jaeger_api.h): parse, ask the store, answer in Jaeger's envelope.
#include "api/jaeger_api.h"

#include <utility>

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/jaeger_json.h"
#include "api/jaeger_search.h"
#include "api/query_metrics.h"
#include "api/request_tenant.h"
#include "api/search_params.h"
#include "api/tempo_api.h"
#include "api/trace_size_cap.h"
#include "common/json_writer.h"
#include "http/query_params.h"
#include "otlp/proto_codec.h"

namespace weft::api {
namespace {

constexpr std::string_view kServicesPrefix = "/api/services/";
constexpr std::string_view kOperationsSuffix = "/operations";
constexpr std::string_view kTracesPrefix = "/api/traces/";
// /api/dependencies looks at the newest traces of its window, at most this many.
constexpr size_t kDependencyTraces = 1000;
constexpr uint64_t kDefaultDependencyLookbackNanos = 3600ULL * 1'000'000'000;

// {"data":<data>,"total":N,"limit":0,"offset":0,"errors":null}; `write_data` writes <data>.
// With `error`, errors is [{"code":206,"msg":error,"traceID":trace_id}] (Jaeger's structured
// error) and the data is still given: the answer is partial, not failed.
template <typename WriteData>
http::Response Envelope(size_t total, WriteData write_data, const std::string& error = {},
                        const std::string& trace_id = {}) {
  http::Response response;
  response.content_type = "application/json";
  {
    JsonWriter w(response.body);
    w.BeginObject().Key("data");
    write_data(w);
    w.UintField("total", total).UintField("limit", 0).UintField("offset", 0);
    w.Key("errors");
    if (error.empty()) {
      w.Null();
    } else {
      w.BeginArray().BeginObject().UintField("code", 206).StringField("msg", error);
      w.StringField("traceID", trace_id).EndObject().EndArray();
    }
    w.EndObject();
  }
  return response;
}

http::Response Error(int status, std::string_view message) {
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  {
    JsonWriter w(response.body);
    w.BeginObject()
        .Key("data")
        .Null()
        .UintField("total", 0)
        .UintField("limit", 0)
        .UintField("offset", 0);
    w.Key("errors").BeginArray().BeginObject().IntField("code", status).StringField("msg", message);
    w.EndObject().EndArray().EndObject();
  }
  return response;
}

http::Response Error(int status, const absl::Status& why) {
  return Error(status, std::string(why.message()));
}

http::Response StoreError(const absl::Status& status) {
  return Error(absl::IsInvalidArgument(status) ? 400 : 500, status);
}

class JaegerHandlers {
 public:
  JaegerHandlers(storage::SpanStore& store, const Clock& clock, const SearchLimits& limits)
      : store_(store), clock_(clock), limits_(limits) {}

  http::Response Services(const http::Request& request) {
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    absl::StatusOr<std::vector<std::string>> services = store_.Services(*tenant);
    if (!services.ok()) return StoreError(services.status());
    return Envelope(services->size(), [&](JsonWriter& w) {
      w.BeginArray();
      for (const std::string& s : *services) w.String(s);
      w.EndArray();
    });
  }

  // /api/services/{service}/operations: names only (Jaeger's legacy shape).
  http::Response ServiceOperations(const http::Request& request) {
    std::string_view path = request.path;
    if (!path.ends_with(kOperationsSuffix) ||
        path.size() <= kServicesPrefix.size() + kOperationsSuffix.size()) {
      return Error(404, "not found");
    }
    std::string service(path.substr(
        kServicesPrefix.size(), path.size() - kServicesPrefix.size() - kOperationsSuffix.size()));
    absl::StatusOr<http::QueryParams> unescaped = http::QueryParams::Parse("s=" + service);
    if (!unescaped.ok()) return Error(400, "bad percent escape in the service name");
    service = *unescaped->Get("s");
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    absl::StatusOr<std::vector<storage::OperationName>> ops = store_.Operations(*tenant, service);
    if (!ops.ok()) return StoreError(ops.status());
    std::set<std::string> names;
    for (const storage::OperationName& op : *ops) names.insert(op.name);
    return Envelope(names.size(), [&](JsonWriter& w) {
      w.BeginArray();
      for (const std::string& n : names) w.String(n);
      w.EndArray();
    });
  }

  // /api/operations?service=S[&spanKind=K]: [{"name":…,"spanKind":…}].
  http::Response Operations(const http::Request& request) {
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return Error(400, params.status());
    const std::optional<std::string> service = params->Get("service");
    if (!service.has_value() || service->empty()) {
      return Error(400, "parameter 'service' is required");
    }
    const std::string kind = params->Get("spanKind").value_or("");
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    absl::StatusOr<std::vector<storage::OperationName>> ops = store_.Operations(*tenant, *service);
    if (!ops.ok()) return StoreError(ops.status());
    std::vector<storage::OperationName> kept;
    for (const storage::OperationName& op : *ops) {
      if (kind.empty() || SpanKindName(op.kind) == kind) kept.push_back(op);
    }
    return Envelope(kept.size(), [&](JsonWriter& w) {
      w.BeginArray();
      for (const storage::OperationName& op : kept) {
        w.BeginObject().StringField("name", op.name).StringField("spanKind", SpanKindName(op.kind));
        w.EndObject();
      }
      w.EndArray();
    });
  }

  http::Response Trace(const http::Request& request) {
    absl::StatusOr<TraceId> id =
        ParseTraceIdParam(std::string_view(request.path).substr(kTracesPrefix.size()));
    if (!id.ok()) return Error(400, id.status());
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    absl::StatusOr<std::unique_ptr<SpanBatch>> trace = store_.GetTrace(*tenant, *id);
    if (!trace.ok()) return StoreError(trace.status());
    if ((*trace)->empty()) return Error(404, "trace not found");
    const size_t total = KeepEarliestSpans(**trace);
    const bool truncated = total > kMaxTraceSpans;
    // OTLP protobuf for clients that ask for it (`weft trace`; Tempo's convention).
    if (const auto accept = request.headers.Get("Accept");
        accept && accept->find("application/protobuf") != std::string_view::npos) {
      http::Response response;
      response.content_type = "application/protobuf";
      otlp::EncodeExportRequest(**trace, response.body);
      if (truncated) {
        response.headers.emplace_back(std::string(kTruncatedHeader), std::to_string(total));
        QueryMetrics::Get().traces_truncated.Increment();
      }
      return response;
    }
    http::Response response = Envelope(
        1,
        [&](JsonWriter& w) {
          w.BeginArray();
          WriteJaegerTrace(*id, **trace, w);
          w.EndArray();
        },
        truncated ? TruncationMessage(total) : std::string(), id->ToHex());
    if (truncated) {
      response.headers.emplace_back(std::string(kTruncatedHeader), std::to_string(total));
      QueryMetrics::Get().traces_truncated.Increment();
    }
    return response;
  }

  // /api/dependencies?endTs=ms&lookback=ms: calls between services (a span whose parent belongs to
  // another service) counted over the newest kDependencyTraces traces of the window.
  http::Response Dependencies(const http::Request& request) {
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return Error(400, params.status());
    const uint64_t now_ms = clock_.NowUnixNanos() / 1'000'000;
    absl::StatusOr<uint64_t> end = UnixTimeParam(*params, "endTs", 1'000'000, now_ms * 1'000'000);
    if (!end.ok()) return Error(400, end.status());
    uint64_t lookback = kDefaultDependencyLookbackNanos;
    if (const auto text = params->Get("lookback"); text && !text->empty()) {
      uint64_t ms = 0;
      if (!absl::SimpleAtoi(*text, &ms) || ms > UINT64_MAX / 1'000'000) {
        return Error(400, "parameter 'lookback' must be milliseconds");
      }
      lookback = ms * 1'000'000;
    }
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    storage::FetchRequest fetch;
    fetch.tenant = *tenant;
    fetch.end_unix_nanos = *end;
    fetch.start_unix_nanos = *end > lookback ? *end - lookback : 0;
    fetch.whole_traces = true;
    fetch.limit = kDependencyTraces;
    fetch.deadline = limits_.Deadline();
    absl::StatusOr<storage::FetchResult> result = store_.Fetch(fetch);
    if (!result.ok()) return StoreError(result.status());
    std::map<std::pair<std::string, std::string>, uint64_t> calls;
    for (const storage::TraceMatch& match : result->traces) {
      const SpanBatch& batch = *match.spans;
      absl::flat_hash_map<SpanId, std::string_view, IdHash> service_of;
      for (const Span& span : batch.spans()) {
        service_of.try_emplace(span.span_id, ServiceName(batch.resource_of(span)));
      }
      for (const Span& span : batch.spans()) {
        if (span.is_root()) continue;
        auto parent = service_of.find(span.parent_span_id);
        const std::string_view child = ServiceName(batch.resource_of(span));
        if (parent == service_of.end() || parent->second == child || child.empty() ||
            parent->second.empty()) {
          continue;
        }
        ++calls[{std::string(parent->second), std::string(child)}];
      }
    }
    return Envelope(calls.size(), [&](JsonWriter& w) {
      w.BeginArray();
      for (const auto& [edge, count] : calls) {
        w.BeginObject().StringField("parent", edge.first).StringField("child", edge.second);
        w.UintField("callCount", count).EndObject();
      }
      w.EndArray();
    });
  }

  http::Response Search(const http::Request& request) {
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return Error(400, params.status());
    absl::StatusOr<storage::FetchRequest> fetch =
        ParseJaegerSearch(*params, clock_.NowUnixNanos(), limits_);
    if (!fetch.ok()) return Error(400, fetch.status());
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    fetch->tenant = *tenant;
    absl::StatusOr<storage::FetchResult> result = store_.Fetch(*fetch);
    if (!result.ok()) return StoreError(result.status());
    if (result->partial) QueryMetrics::Get().searches_partial.Increment();
    return Envelope(result->traces.size(), [&](JsonWriter& w) {
      w.BeginArray();
      for (const storage::TraceMatch& match : result->traces) {
        WriteJaegerTrace(match.summary.trace_id, *match.spans, w);
      }
      w.EndArray();
    });
  }

 private:
  storage::SpanStore& store_;
  const Clock& clock_;
  const SearchLimits limits_;
};

}  // namespace

void RegisterJaegerRoutes(http::HttpServer& server, storage::SpanStore& store, const Clock& clock,
                          const SearchLimits& limits) {
  auto handlers = std::make_shared<JaegerHandlers>(store, clock, limits);
  auto route = [&](auto method) {
    return [handlers, method](http::Request&& request, http::Responder respond) {
      respond(((*handlers).*method)(request));
    };
  };
  server.Route("GET", "/api/services", route(&JaegerHandlers::Services));
  server.RoutePrefix("GET", std::string(kServicesPrefix),
                     route(&JaegerHandlers::ServiceOperations));
  server.Route("GET", "/api/operations", route(&JaegerHandlers::Operations));
  server.Route("GET", "/api/traces", route(&JaegerHandlers::Search));
  server.Route("GET", "/api/dependencies", route(&JaegerHandlers::Dependencies));
  server.RoutePrefix("GET", std::string(kTracesPrefix), route(&JaegerHandlers::Trace));
}

}  // namespace weft::api
