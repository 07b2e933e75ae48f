// Tempo's tag discovery handlers (tempo_tags.h): parse, sample the window (tag_catalog.h), answer
// in Tempo's JSON.
#include "api/tempo_tags.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/catalog_params.h"
#include "api/request_tenant.h"
#include "api/search_params.h"
#include "common/json_writer.h"
#include "http/query_params.h"

namespace weft::api {
namespace {

constexpr std::string_view kV1ValuesPrefix = "/api/search/tag/";
constexpr std::string_view kV2ValuesPrefix = "/api/v2/search/tag/";
constexpr std::string_view kValuesSuffix = "/values";

http::Response BadRequest(const absl::Status& status) {
  return http::Response::Text(400, std::string(status.message()));
}

http::Response StoreError(const absl::Status& status) {
  return http::Response::Text(absl::IsInvalidArgument(status) ? 400 : 500,
                              std::string(status.message()));
}

http::Response Json(std::string body, const SampleStats& stats) {
  http::Response response;
  response.content_type = "application/json";
  response.body = std::move(body);
  response.headers.emplace_back("X-Weft-Sampled-Traces", absl::StrCat(stats.traces));
  response.headers.emplace_back("X-Weft-Sampled-Spans", absl::StrCat(stats.spans));
  response.headers.emplace_back("X-Weft-Partial", stats.partial || stats.capped ? "true" : "false");
  return response;
}

// Tempo's `limit`: absent, empty or 0 means the default; larger than the maximum means the
// maximum (a client asking for "everything" gets the most we give, not an error).
absl::StatusOr<size_t> TempoLimit(const http::QueryParams& params) {
  const std::optional<std::string> text = params.Get("limit");
  if (!text.has_value() || text->empty()) return kTempoTagsDefaultLimit;
  uint64_t n = 0;
  if (!absl::SimpleAtoi(*text, &n)) return BadParam("limit", "must be a whole number");
  if (n == 0) return kTempoTagsDefaultLimit;
  return std::min<uint64_t>(n, kTempoTagsMaxLimit);
}

// Tempo's `scope`: "" / "none" / "all" mean every scope (`all_scopes`).
absl::StatusOr<TagScopeMask> TempoScope(const http::QueryParams& params, TagScopeMask all_scopes) {
  const std::string text = params.Get("scope").value_or("");
  if (text.empty() || text == "none" || text == "all") return all_scopes;
  const std::optional<TagScope> scope = ParseTagScope(text);
  if (!scope) return absl::InvalidArgumentError(absl::StrCat("invalid scope: ", text));
  return ScopeBit(*scope);
}

class TempoTagHandlers {
 public:
  TempoTagHandlers(storage::SpanStore& store, const Clock& clock, const TempoTagsOptions& options)
      : store_(store), clock_(clock), options_(options) {}

  // /api/search/tags: names without scope, every scope asked for merged (default span and
  // resource, as Tempo).
  http::Response TagsV1(const http::Request& request) {
    absl::StatusOr<Query> query =
        ParseQuery(request, ScopeBit(TagScope::kSpan) | ScopeBit(TagScope::kResource));
    if (!query.ok()) return BadRequest(query.status());
    absl::StatusOr<TagNames> names =
        CollectTagNames(store_, clock_, query->window, query->scopes, options_.catalog);
    if (!names.ok()) return StoreError(names.status());
    std::vector<std::string_view> merged;
    for (const TagName& n : names->names) merged.push_back(n.name);
    std::sort(merged.begin(), merged.end());
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    if (merged.size() > query->limit) merged.resize(query->limit);
    std::string body;
    {
      JsonWriter w(body);
      w.BeginObject().Key("tagNames").BeginArray();
      for (const std::string_view n : merged) w.String(n);
      w.EndArray().EndObject();
    }
    return Json(std::move(body), names->stats);
  }

  // /api/v2/search/tags: one entry per scope that has names, `limit` names each.
  http::Response TagsV2(const http::Request& request) {
    absl::StatusOr<Query> query = ParseQuery(request, kAllTagScopes);
    if (!query.ok()) return BadRequest(query.status());
    absl::StatusOr<TagNames> names =
        CollectTagNames(store_, clock_, query->window, query->scopes, options_.catalog);
    if (!names.ok()) return StoreError(names.status());
    std::string body;
    {
      JsonWriter w(body);
      w.BeginObject().Key("scopes").BeginArray();
      for (int s = 0; s < kTagScopeCount; ++s) {
        const TagScope scope = static_cast<TagScope>(s);
        std::vector<std::string_view> tags;
        for (const TagName& n : names->names) {
          if (n.scope == scope && tags.size() < query->limit) tags.push_back(n.name);
        }
        if (tags.empty()) continue;
        std::sort(tags.begin(), tags.end());
        w.BeginObject().StringField("name", TagScopeName(scope)).Key("tags").BeginArray();
        for (const std::string_view t : tags) w.String(t);
        w.EndArray().EndObject();
      }
      w.EndArray().EndObject();
    }
    return Json(std::move(body), names->stats);
  }

  // /api/search/tag/{tag}/values: an unscoped name (span attribute, else resource attribute; an
  // unscoped intrinsic such as `name` or `status`); values as text, merged across types.
  http::Response ValuesV1(const http::Request& request) {
    absl::StatusOr<std::string> tag = TagFromPath(request.path, kV1ValuesPrefix);
    if (!tag.ok()) return BadRequest(tag.status());
    TagRef ref;
    if (const auto which = query::traceql::LookupUnscopedIntrinsic(*tag)) {
      ref.intrinsic = true;
      ref.which = *which;
    } else {
      ref.key = *tag;
    }
    absl::StatusOr<Query> query = ParseQuery(request, 0);
    if (!query.ok()) return BadRequest(query.status());
    absl::StatusOr<TagValues> values =
        CollectTagValues(store_, clock_, query->window, ref, options_.catalog);
    if (!values.ok()) return StoreError(values.status());
    std::vector<std::string_view> texts;
    for (const TagValue& v : values->values) texts.push_back(v.text);
    std::sort(texts.begin(), texts.end());
    texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    if (texts.size() > query->limit) texts.resize(query->limit);
    std::string body;
    {
      JsonWriter w(body);
      w.BeginObject().Key("tagValues").BeginArray();
      for (const std::string_view t : texts) w.String(t);
      w.EndArray().EndObject();
    }
    return Json(std::move(body), values->stats);
  }

  // /api/v2/search/tag/{tag}/values: a TraceQL identifier; typed values.
  http::Response ValuesV2(const http::Request& request) {
    absl::StatusOr<std::string> tag = TagFromPath(request.path, kV2ValuesPrefix);
    if (!tag.ok()) return BadRequest(tag.status());
    absl::StatusOr<TagRef> ref = ParseTagRef(*tag);
    if (!ref.ok()) return BadRequest(ref.status());
    absl::StatusOr<Query> query = ParseQuery(request, 0);
    if (!query.ok()) return BadRequest(query.status());
    absl::StatusOr<TagValues> values =
        CollectTagValues(store_, clock_, query->window, *ref, options_.catalog);
    if (!values.ok()) return StoreError(values.status());
    std::string body;
    {
      JsonWriter w(body);
      w.BeginObject().Key("tagValues").BeginArray();
      size_t written = 0;
      for (const TagValue& v : values->values) {
        if (written++ == query->limit) break;
        w.BeginObject().StringField("type", TagValueTypeName(v.type)).StringField("value", v.text);
        w.EndObject();
      }
      w.EndArray().EndObject();
    }
    return Json(std::move(body), values->stats);
  }

 private:
  struct Query {
    CatalogWindow window;
    TagScopeMask scopes = 0;
    size_t limit = kTempoTagsDefaultLimit;
  };

  absl::StatusOr<Query> ParseQuery(const http::Request& request, TagScopeMask all_scopes) {
    absl::StatusOr<http::QueryParams> params = http::QueryParams::Parse(request.query);
    if (!params.ok()) return params.status();
    Query query;
    absl::StatusOr<WindowParams> window = ParseWindowParams(*params, clock_.NowUnixNanos());
    if (!window.ok()) return window.status();
    query.window.start_unix_nanos = window->start_unix_nanos;
    query.window.end_unix_nanos = window->end_unix_nanos;
    absl::StatusOr<size_t> limit = TempoLimit(*params);
    if (!limit.ok()) return limit.status();
    query.limit = *limit;
    if (all_scopes != 0) {
      absl::StatusOr<TagScopeMask> scopes = TempoScope(*params, all_scopes);
      if (!scopes.ok()) return scopes.status();
      query.scopes = *scopes;
    }
    absl::StatusOr<std::string> tenant = RequestTenant(request);
    if (!tenant.ok()) return tenant.status();
    query.window.tenant = *std::move(tenant);
    return query;
  }

  // `{prefix}{tag}/values` -> the decoded tag.
  static absl::StatusOr<std::string> TagFromPath(std::string_view path, std::string_view prefix) {
    if (!path.ends_with(kValuesSuffix) || path.size() <= prefix.size() + kValuesSuffix.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected ", std::string(prefix), "{tag}/values"));
    }
    return DecodePathPart(
        path.substr(prefix.size(), path.size() - prefix.size() - kValuesSuffix.size()), "tag name");
  }

  storage::SpanStore& store_;
  const Clock& clock_;
  const TempoTagsOptions options_;
};

}  // namespace

void RegisterTempoTagRoutes(http::HttpServer& server, storage::SpanStore& store, const Clock& clock,
                            const TempoTagsOptions& options) {
  auto handlers = std::make_shared<TempoTagHandlers>(store, clock, options);
  auto route = [&](auto method) {
    return [handlers, method](http::Request&& request, http::Responder respond) {
      respond(((*handlers).*method)(request));
    };
  };
  server.Route("GET", "/api/search/tags", route(&TempoTagHandlers::TagsV1));
  server.Route("GET", "/api/v2/search/tags", route(&TempoTagHandlers::TagsV2));
  server.RoutePrefix("GET", std::string(kV1ValuesPrefix), route(&TempoTagHandlers::ValuesV1));
  server.RoutePrefix("GET", std::string(kV2ValuesPrefix), route(&TempoTagHandlers::ValuesV2));
}

}  // namespace weft::api
