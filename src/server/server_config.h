// Everything `weft serve` can be told, with its defaults. Filled from flags and WEFT_* environment
// variables by the CLI (src/cli/serve_command.cc); every field has a flag.
// Thread rule: plain data, read-only once the server starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace weft {
class FileSystem;
}  // namespace weft

namespace weft::server {

struct ServerConfig {
  std::string storage = "embedded";  // "embedded" (durable, the default) or "memory"

  // Embedded store (storage/embedded/store/embedded_store.h).
  std::string data_dir = "weft-data";
  std::string wal_sync = "always";                // always | interval | never
  uint64_t head_idle_nanos = 10'000'000'000;      // a trace idle this long is cut into a block
  uint64_t head_max_live_nanos = 60'000'000'000;  // ... and one live this long
  uint64_t head_max_bytes = uint64_t{256} << 20;  // beyond it the oldest traces are cut early
  uint64_t retention_nanos = uint64_t{7} * 24 * 3600 * 1'000'000'000;  // blocks older are deleted
  uint64_t retention_max_bytes = 0;  // 0: no cap; else the oldest blocks go beyond it

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
  // Searches (Tempo, Jaeger, native): the largest `limit` a request may ask for (a larger one is
  // a 400), and how long one may run before it answers what it found, marked partial.
  size_t query_max_limit = 1500;
  uint64_t query_timeout_nanos = 30'000'000'000;
  // I/O threads of each HTTP server.
  int http_threads = 2;

  // Where the server's event lines go (store events: replay, blocks set aside, deletions).
  // nullptr: standard output, prefixed "weft: ".
  std::function<void(std::string_view)> log;
  // Tests only: the file system the embedded store uses (nullptr: the real one).
  FileSystem* fs = nullptr;
};

// Replaces the host of every listener address with `host` (the `--listen` flag).
void OverrideListenHost(ServerConfig& config, const std::string& host);

}  // namespace weft::server
