// Everything `weft serve` can be told, with its defaults. Filled from flags and WEFT_* environment
// variables by the CLI (src/cli/serve_command.cc); every field has a flag.
// Thread rule: plain data, read-only once the server starts.
#pragma once

#include <cstddef>
#include <string>

namespace weft::server {

struct ServerConfig {
  std::string storage = "memory";  // "memory" (the embedded store comes in its own issue)

  // Listener addresses, host:port. Port 0 picks a free port (printed at start).
  std::string otlp_grpc_addr = "127.0.0.1:4317";
  std::string otlp_http_addr = "127.0.0.1:4318";
  std::string zipkin_addr = "127.0.0.1:9411";
  std::string tempo_addr = "127.0.0.1:3200";
  std::string http_addr = "127.0.0.1:16686";  // UI, native and Jaeger APIs, /metrics

  // Largest request after decompression (OTLP recommends 64 MiB): 413 / RESOURCE_EXHAUSTED.
  size_t max_request_bytes = size_t{64} << 20;
  // Request bytes held in memory at once across all receivers; beyond it 429 / UNAVAILABLE.
  size_t max_inflight_bytes = size_t{256} << 20;
  // Bound of the memory store; the oldest batches are evicted beyond it.
  size_t memory_max_bytes = size_t{512} << 20;
  // I/O threads of each HTTP server.
  int http_threads = 2;
};

// Replaces the host of every listener address with `host` (the `--listen` flag).
void OverrideListenHost(ServerConfig& config, const std::string& host);

}  // namespace weft::server
