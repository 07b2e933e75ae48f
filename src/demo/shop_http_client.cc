// Plain and traced HTTP calls between the shop's services (see shop_http_client.h).
// Thread rule: free functions; each call owns its connection.
#include "shop_http_client.h"

#include <strings.h>

#include "query_params.h"
#include "weft/http_beast.h"

namespace weft::shop {
namespace {

HttpRequest BuildRequest(const Endpoint& to, http::verb method, const std::string& target,
                         std::string body, const HeaderList& headers) {
  HttpRequest request(method, target, 11);
  request.set(http::field::host, to.HostPort());
  request.set(http::field::user_agent, "weft-shop");
  request.keep_alive(false);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

CallResult Exchange(const Endpoint& to, HttpRequest& request, std::chrono::milliseconds timeout) {
  CallResult result;
  BlockingStream stream;
  if (auto ec = stream.Connect(to.host, to.port, timeout)) {
    result.error =
        ec == boost::beast::error::timeout ? "connect timeout" : "connect: " + ec.message();
    return result;
  }
  boost::beast::flat_buffer buffer;
  HttpResponse response;
  boost::beast::error_code ec = stream.Write(request, timeout);
  if (!ec) ec = stream.Read(buffer, response, timeout);
  stream.Close();
  if (ec) {
    result.error = ec == boost::beast::error::timeout ? "timeout" : ec.message();
    return result;
  }
  result.status = static_cast<int>(response.result_int());
  result.body = std::move(response.body());
  for (const auto& field : response) {
    result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return result;
}

}  // namespace

std::string CallResult::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) {
      return value;
    }
  }
  return {};
}

CallResult PlainCall(const Endpoint& to, http::verb method, const std::string& target,
                     std::string body, std::chrono::milliseconds timeout,
                     const HeaderList& headers) {
  HttpRequest request = BuildRequest(to, method, target, std::move(body), headers);
  return Exchange(to, request, timeout);
}

CallResult TracedCall(const Tracer& tracer, const Endpoint& to, http::verb method,
                      const std::string& target, std::string body, const CallOptions& options) {
  HttpRequest request = BuildRequest(to, method, target, std::move(body), options.headers);
  Span span = beast::StartClientSpan(tracer, request, to.HostPort());
  if (span.IsRecording()) {
    std::string name(request.method_string());
    name += ' ';
    name += SplitTarget(target).first;
    span.UpdateName(name);
    if (!options.peer_service.empty()) span.SetAttribute("peer.service", options.peer_service);
    span.SetAttributes(options.attributes);
  }
  CallResult result = Exchange(to, request, options.timeout);
  if (result.status == 0) {
    beast::EndClientSpanWithError(span, result.error);
  } else {
    beast::EndClientSpan(span, static_cast<unsigned>(result.status));
  }
  return result;
}

}  // namespace weft::shop
