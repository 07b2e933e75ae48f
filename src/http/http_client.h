// A small blocking HTTP/1.1 client on Boost.Beast for weft's own tools (the CLI asking a running
// server; later the SDK's exporter): one request per call on a new connection, a deadline for
// the whole exchange, and a hard cap on the response body so a misbehaving server cannot make the
// caller allocate without bound.
// Thread rule: free function; each call owns its socket.
#pragma once

#include <utility>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace weft::http {

struct ClientRequest {
  std::string method = "GET";
  std::string host_port;  // "127.0.0.1:16686"
  std::string target;     // "/api/services"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10'000};
  size_t max_response_bytes = size_t{4} << 20;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The response, whatever its status. Errors: Unavailable when the server cannot be reached
// (connection refused, name not resolved), DeadlineExceeded after `timeout`, ResourceExhausted
// for a body over `max_response_bytes`, InvalidArgument for a bad host_port, Internal otherwise.
absl::StatusOr<ClientResponse> Fetch(const ClientRequest& request);

}  // namespace weft::http
