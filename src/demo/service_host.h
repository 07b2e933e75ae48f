// What every C++ service of the shop shares: the SDK set up from the environment, an HTTP server
// on the service's port whose requests run inside SERVER spans (weft/http_beast.h), an optional
// background loop, GET /health, and a clean stop on SIGINT/SIGTERM (stop accepting, drain, flush
// the SDK). A service is a ServiceDefinition built by a factory (services.h).
// Thread rule: RunService owns the process's main thread; handlers run on connection threads.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "shop_http_server.h"
#include "shop_topology.h"
#include "weft/trace.h"

namespace weft::shop {

// What a service knows about itself and its peers.
struct ServiceContext {
  std::string name;
  int base_port = kDefaultBasePort;
  Tracer tracer;

  Endpoint Peer(std::string_view service) const { return EndpointOf(service, base_port); }
};

struct ServiceDefinition {
  // Answers a request. For traced paths it runs inside the request's SERVER span, which is
  // current on the thread and passed in for attributes; the host ends it with the status.
  std::function<HttpResponse(const ServerRequest&, Span& server_span)> handle;
  // Paths answered without a span (long polls, internal plumbing). /health always is.
  std::vector<std::string> untraced_paths = {};
  // Optional work beside the server (a consumer loop); returns soon after `stop` becomes true.
  std::function<void(const std::atomic<bool>& stop)> background = {};
};

using ServiceFactory = ServiceDefinition (*)(const ServiceContext& context);

// 404 with a JSON body naming the path.
HttpResponse NotFound(std::string_view path);
// A JSON error body {"error": message} with `status`.
HttpResponse ErrorResponse(http::status status, std::string_view message);

// Runs service `name` until SIGINT/SIGTERM and returns the process's exit code.
// `port` 0 means the topology's port for `base_port`.
int RunService(std::string_view name, int port, int base_port);

}  // namespace weft::shop
