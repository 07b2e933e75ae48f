// Calls between the shop's services: one HTTP/1.1 request per connection with a deadline. A traced
// call starts a CLIENT span (child of the current context, weft/http_beast.h) and injects its
// context into the request's headers, so the callee's SERVER span becomes its child.
// Thread rule: free functions; each call owns its connection. A traced call must run on the
// thread whose current context (weft::Scope) should be the parent.
#pragma once

#include <utility>

#include <chrono>
#include <initializer_list>
#include <string>
#include <vector>

#include "blocking_stream.h"
#include "shop_topology.h"
#include "weft/trace.h"

namespace weft::shop {

struct CallResult {
  int status = 0;     // 0: no answer (see error)
  std::string error;  // "connect: Connection refused", "timeout", ...
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  bool ok() const { return status >= 200 && status < 300; }
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct CallOptions {
  std::chrono::milliseconds timeout{10000};
  std::string_view peer_service = {};                // recorded as peer.service
  std::initializer_list<Attribute> attributes = {};  // extra CLIENT span attributes
  HeaderList headers = {};                           // extra request headers
};

// Sends `method target` with `body` to `to` without tracing (load generator, health checks).
CallResult PlainCall(const Endpoint& to, http::verb method, const std::string& target,
                     std::string body = {},
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(10000),
                     const HeaderList& headers = {});

// The same inside a CLIENT span named "METHOD /path" (http.* attributes, peer.service, status
// ERROR for a 4xx/5xx or no answer).
CallResult TracedCall(const Tracer& tracer, const Endpoint& to, http::verb method,
                      const std::string& target, std::string body = {},
                      const CallOptions& options = {});

}  // namespace weft::shop
