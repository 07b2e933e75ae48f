// A blocking HTTP/1.1 client that keeps one connection open across requests (the SDK's OTLP/HTTP
// exporter posts a batch every few milliseconds at high rates; a new TCP connection per batch
// would cost more than the encoding). Each call has a deadline for the whole exchange and a hard
// cap on the response body. A request that fails on a reused connection before any response
// byte arrives is retried once on a fresh connection (the server may have closed an idle one).
// Thread rule: not thread-safe; one owner thread (the exporter's) uses it.
#pragma once

#include <utility>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "http/http_client.h"

namespace weft::http {

struct KeepAliveRequest {
  std::string_view method = "POST";
  std::string_view target;  // "/v1/traces"
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view body;
  std::chrono::steady_clock::time_point deadline;
  size_t max_response_bytes = size_t{4} << 20;
};

class KeepAliveClient {
 public:
  // `host_port` as "127.0.0.1:4318".
  explicit KeepAliveClient(std::string host_port);
  ~KeepAliveClient();
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;

  // The response whatever its status; errors as for Fetch (http_client.h).
  absl::StatusOr<ClientResponse> Send(const KeepAliveRequest& request);
  // Closes the connection (the next Send reconnects).
  void Close();

 private:
  struct Connection;
  absl::StatusOr<ClientResponse> SendOnce(const KeepAliveRequest& request, bool& reused,
                                          bool& got_response_bytes);

  std::string host_port_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace weft::http
