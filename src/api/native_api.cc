// Native API handlers (native_api.h): parse, ask the store or the tag catalog, page, encode
// (native_json.h).
#include "api/native_api.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/catalog_params.h"
#include "api/native_json.h"
#include "api/native_search_json.h"
#include "api/query_metrics.h"
#include "api/request_tenant.h"
#include "api/search_params.h"
#include "api/tempo_api.h"
#include "api/tempo_search.h"
#include "common/json_writer.h"
#include "http/query_params.h"
#include "query/assembly/trace_assembler.h"
#include "query/search/trace_search.h"

namespace weft::api {
namespace {

constexpr std::string_view kTracesPrefix = "/api/v1/traces/";
constexpr std::string_view kServicesPrefix = "/api/v1/services/";
constexpr std::string_view kOperationsSuffix = "/operations";
constexpr std::string_view kAttributesPrefix = "/api/v1/attributes/";
constexpr std::string_view kValuesSuffix = "/values";

http::Response Error(int status, std::string_view message) {
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = NativeErrorJson(status, message);
  return response;
}

http::Response Error(int status, const absl::Status& why) {
  return Error(status, std::string_view(why.message().data(), why.message().size()));
}

http::Response StoreError(const absl::Status& status) {
  return Error(absl::IsInvalidArgument(status) ? 400 : 500, status);
}

// A JSON response whose body `write` writes.
template <typename Write>
http::Response Json(Write write) {
  http::Response response;
  response.content_type = "application/json";
  {
    JsonWriter w(response.body);
    write(w);
  }
  return response;
}

// `"next":"<cursor>"` when the page stopped before the end, else `"next":null`.
void WriteNext(bool more, const std::string& cursor, JsonWriter& w) {
  w.Key("next");
  if (more) {
    w.String(cursor);
  } else {
    w.Null();
  }
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The part of `path` between `prefix` and `suffix`, decoded; InvalidArgument when absent.
absl::StatusOr<std::string> PathPart(std::string_view path, std::string_view prefix,
                                     std::string_view suffix, std::string_view what) {
  if (!path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", std::string(prefix), "{",
                                                   std::string(what), "}", std::string(suffix)));
  }
  return DecodePathPart(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()),
                        what);
}

class NativeHandlers {
 public:
  NativeHandlers(storage::SpanStore& store, const Clock& clock, const NativeApiOptions& options)
      : store_(store), clock_(clock), options_(options) {}

  // /api/v1/traces/{id}[?adjustClockSkew=true|false]
  http::Response Trace(const http::Request& request) {
    absl::StatusOr<TraceId> id =
        ParseTraceIdParam(std::string_view(request.path).substr(kTracesPrefix.size()));
    if (!id.ok()) return Error(400, id.status());
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return Error(400, params.status());
    const std::string adjust = params->Get("adjustClockSkew").value_or("");
    if (!adjust.empty() && adjust != "true" && adjust != "false") {
      return Error(400, "parameter 'adjustClockSkew' must be true or false");
    }
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    absl::StatusOr<std::unique_ptr<SpanBatch>> stored = store_.GetTrace(*tenant, *id);
    if (!stored.ok()) return StoreError(stored.status());
    if ((*stored)->empty()) return Error(404, "trace not found");
    query::AssemblyOptions assembly;
    assembly.adjust_clock_skew = adjust == "true";
    const query::AssembledTrace trace = query::AssembleTrace(std::move(**stored), assembly);
    if (trace.size() > options_.max_trace_spans) QueryMetrics::Get().traces_truncated.Increment();
    const NativeTraceOptions encode{.max_spans = options_.max_trace_spans,
                                    .clock_skew_adjusted = assembly.adjust_clock_skew};
    return Json([&](JsonWriter& w) { WriteNativeTrace(*id, trace, encode, w); });
  }

  // /api/v1/search[?q&tags&minDuration&maxDuration&start&end&limit&spss]: Tempo's search
  // parameters (tempo_search.h), answered in the native shape (native_search_json.h).
  http::Response Search(const http::Request& request) {
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return Error(400, params.status());
    absl::StatusOr<query::TraceSearchRequest> search =
        ParseTempoSearch(*params, clock_.NowUnixNanos(), options_.search);
    if (!search.ok()) return Error(400, search.status());
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return Error(400, tenant.status());
    search->tenant = *tenant;
    absl::StatusOr<query::TraceSearchResult> result = query::SearchTraces(store_, *search);
    if (!result.ok()) return StoreError(result.status());
    if (result->partial) QueryMetrics::Get().searches_partial.Increment();
    return Json([&](JsonWriter& w) { WriteNativeSearchResult(*result, w); });
  }

  // /api/v1/services[?prefix&limit&after]: {"services":[…],"next":…}
  http::Response Services(const http::Request& request) {
    absl::StatusOr<Page> page = ParsePage(request);
    if (!page.ok()) return Error(400, page.status());
    absl::StatusOr<std::vector<std::string>> services = store_.Services(page->tenant);
    if (!services.ok()) return StoreError(services.status());
    std::vector<std::string_view> kept;
    for (const std::string& s : *services) {
      if (StartsWith(s, page->prefix) && (page->after.empty() || s > page->after)) {
        kept.push_back(s);
      }
    }
    const bool more = kept.size() > page->limit;
    if (more) kept.resize(page->limit);
    return Json([&](JsonWriter& w) {
      w.BeginObject().Key("services").BeginArray();
      for (const std::string_view s : kept) w.String(s);
      w.EndArray();
      WriteNext(more, more ? std::string(kept.back()) : "", w);
      w.EndObject();
    });
  }

  // /api/v1/services/{service}/operations[?prefix&limit&after]:
  // {"service":…,"operations":[{"name","kind"}],"next":…}. The cursor is a name; a page never
  // splits the kinds of one name.
  http::Response Operations(const http::Request& request) {
    absl::StatusOr<std::string> service =
        PathPart(request.path, kServicesPrefix, kOperationsSuffix, "service");
    if (!service.ok()) return Error(400, service.status());
    absl::StatusOr<Page> page = ParsePage(request);
    if (!page.ok()) return Error(400, page.status());
    absl::StatusOr<std::vector<storage::OperationName>> ops =
        store_.Operations(page->tenant, *service);
    if (!ops.ok()) return StoreError(ops.status());
    std::vector<const storage::OperationName*> kept;
    bool more = false;
    for (const storage::OperationName& op : *ops) {
      if (!StartsWith(op.name, page->prefix) || (!page->after.empty() && op.name <= page->after)) {
        continue;
      }
      if (kept.size() >= page->limit && kept.back()->name != op.name) {
        more = true;
        break;
      }
      kept.push_back(&op);
    }
    return Json([&](JsonWriter& w) {
      w.BeginObject().StringField("service", *service).Key("operations").BeginArray();
      for (const storage::OperationName* op : kept) {
        w.BeginObject().StringField("name", op->name).StringField("kind", SpanKindName(op->kind));
        w.EndObject();
      }
      w.EndArray();
      WriteNext(more, more ? kept.back()->name : "", w);
      w.EndObject();
    });
  }

  // /api/v1/attributes[?scope=span,resource…&start&end&prefix&limit&after]
  http::Response Attributes(const http::Request& request) {
    absl::StatusOr<Page> page = ParsePage(request);
    if (!page.ok()) return Error(400, page.status());
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return Error(400, params.status());
    TagScopeMask scopes = kAllTagScopes;
    if (const std::string text = params->Get("scope").value_or("");
        !text.empty() && text != "all") {
      scopes = 0;
      for (const absl::string_view part : absl::StrSplit(text, ',')) {
        const std::optional<TagScope> scope =
            ParseTagScope(std::string_view(part.data(), part.size()));
        if (!scope) {
          return Error(400,
                       "parameter 'scope' must be all or a comma-separated list of span, "
                       "resource, event, link, instrumentation, intrinsic");
        }
        scopes |= ScopeBit(*scope);
      }
    }
    absl::StatusOr<TagNames> names =
        CollectTagNames(store_, clock_, page->window, scopes, options_.catalog);
    if (!names.ok()) return StoreError(names.status());
    std::vector<const TagName*> kept;
    bool more = false;
    for (size_t i = FirstNameAfter(names->names, page->after); i < names->names.size(); ++i) {
      const TagName& n = names->names[i];
      if (!StartsWith(n.name, page->prefix)) continue;
      if (kept.size() == page->limit) {
        more = true;
        break;
      }
      kept.push_back(&n);
    }
    return Json([&](JsonWriter& w) {
      w.BeginObject().Key("attributes").BeginArray();
      for (const TagName* n : kept) {
        w.BeginObject()
            .StringField("id", n->Identifier())
            .StringField("scope", TagScopeName(n->scope))
            .StringField("name", n->name);
        if (n->scope != TagScope::kIntrinsic) w.UintField("count", n->count);
        w.EndObject();
      }
      w.EndArray();
      WriteNext(more, more ? kept.back()->Identifier() : "", w);
      WriteSampleFields(names->stats, w);
      w.EndObject();
    });
  }

  // /api/v1/attributes/{name}/values[?start&end&prefix&limit&after]: {name} is a TraceQL
  // identifier (`span.http.method`, `.region`, `status`).
  http::Response Values(const http::Request& request) {
    absl::StatusOr<std::string> name =
        PathPart(request.path, kAttributesPrefix, kValuesSuffix, "name");
    if (!name.ok()) return Error(400, name.status());
    absl::StatusOr<TagRef> ref = ParseTagRef(*name);
    if (!ref.ok()) return Error(400, ref.status());
    absl::StatusOr<Page> page = ParsePage(request);
    if (!page.ok()) return Error(400, page.status());
    absl::StatusOr<TagValues> values =
        CollectTagValues(store_, clock_, page->window, *ref, options_.catalog);
    if (!values.ok()) return StoreError(values.status());
    absl::StatusOr<size_t> first = FirstValueAfter(values->values, page->after);
    if (!first.ok()) return Error(400, first.status());
    std::vector<const TagValue*> kept;
    bool more = false;
    for (size_t i = *first; i < values->values.size(); ++i) {
      const TagValue& v = values->values[i];
      if (!StartsWith(v.text, page->prefix)) continue;
      if (kept.size() == page->limit) {
        more = true;
        break;
      }
      kept.push_back(&v);
    }
    return Json([&](JsonWriter& w) {
      w.BeginObject().StringField("attribute", *name).Key("values").BeginArray();
      for (const TagValue* v : kept) {
        w.BeginObject()
            .StringField("type", TagValueTypeName(v->type))
            .StringField("value", v->text)
            .UintField("count", v->count)
            .EndObject();
      }
      w.EndArray();
      WriteNext(more, more ? ValueCursor(*kept.back()) : "", w);
      WriteSampleFields(values->stats, w);
      w.EndObject();
    });
  }

 private:
  // What every list endpoint reads: tenant, window, prefix, limit, after.
  struct Page {
    std::string tenant;
    CatalogWindow window;
    std::string prefix;
    std::string after;
    size_t limit = 0;
  };

  absl::StatusOr<Page> ParsePage(const http::Request& request) {
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return params.status();
    Page page;
    absl::StatusOr<size_t> limit =
        CountParam(*params, "limit", options_.default_list_limit, options_.max_list_limit);
    if (!limit.ok()) return limit.status();
    page.limit = *limit;
    absl::StatusOr<WindowParams> window = ParseWindowParams(*params, clock_.NowUnixNanos());
    if (!window.ok()) return window.status();
    page.prefix = params->Get("prefix").value_or("");
    page.after = params->Get("after").value_or("");
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return tenant.status();
    page.tenant = *tenant;
    page.window = {*std::move(tenant), window->start_unix_nanos, window->end_unix_nanos};
    return page;
  }

  storage::SpanStore& store_;
  const Clock& clock_;
  const NativeApiOptions options_;
};

}  // namespace

void RegisterNativeRoutes(http::HttpServer& server, storage::SpanStore& store, const Clock& clock,
                          const NativeApiOptions& options) {
  auto handlers = std::make_shared<NativeHandlers>(store, clock, options);
  auto route = [&](auto method) {
    return [handlers, method](http::Request&& request, http::Responder respond) {
      respond(((*handlers).*method)(request));
    };
  };
  server.RoutePrefix("GET", std::string(kTracesPrefix), route(&NativeHandlers::Trace));
  server.Route("GET", "/api/v1/search", route(&NativeHandlers::Search));
  server.Route("GET", "/api/v1/services", route(&NativeHandlers::Services));
  server.RoutePrefix("GET", std::string(kServicesPrefix), route(&NativeHandlers::Operations));
  server.Route("GET", "/api/v1/attributes", route(&NativeHandlers::Attributes));
  server.RoutePrefix("GET", std::string(kAttributesPrefix), route(&NativeHandlers::Values));
}

}  // namespace weft::api
