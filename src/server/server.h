// The weft server: wires storage, the ingest pipeline, admission, the receivers (OTLP gRPC/HTTP,
// Zipkin) and the read APIs (Tempo; /metrics) into one running process, and stops them in the
// right order (listeners first, then in-flight writes drain, then storage).
// Thread rule: Start, listeners() and Stop from one owning thread; everything else runs on the
// servers' own threads.
#pragma once

#include <utility>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/server_config.h"

namespace weft::server {

class Server {
 public:
  // Binds every listener and starts serving. Fails (and leaves nothing running) if any address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerConfig& config);

  virtual ~Server() = default;

  // (name, "host:port") of each listener, in a fixed order: otlp-grpc, otlp-http, zipkin, tempo,
  // http. Ports are the bound ones (useful with port 0).
  virtual std::vector<std::pair<std::string, std::string>> listeners() const = 0;

  // Stops accepting, lets in-flight requests finish, then closes storage. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace weft::server
