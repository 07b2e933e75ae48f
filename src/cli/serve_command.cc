// `weft serve`: runs the server until SIGINT or SIGTERM. Every setting is a flag and, for
// deployments, an environment variable (WEFT_<FLAG>, e.g. WEFT_OTLP_HTTP_ADDR). Prints one line
// per listener (`weft: listening <name> <host:port>`) and then `weft: ready`, which tests and
// scripts wait for.
#include <cstdio>
#include <memory>
#include <string>

#include <pthread.h>
#include <signal.h>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "server/server.h"
#include "server/server_config.h"

namespace weft::cli {
namespace {

// A duration flag ("10s", "1h30m", "168h"; absl::ParseDuration syntax) stored as nanoseconds.
void AddDurationOption(CLI::App* cmd, const std::string& name, uint64_t& nanos,
                       const std::string& help, const std::string& env) {
  cmd->add_option_function<std::string>(
         name,
         [&nanos, name](const std::string& text) {
           absl::Duration d;
           if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration()) {
             throw CLI::ValidationError(
                 name, "\"" + text + "\" is not a positive duration (10s, 5m, 168h)");
           }
           nanos = static_cast<uint64_t>(absl::ToInt64Nanoseconds(d));
         },
         help + " (default " + absl::FormatDuration(absl::Nanoseconds(nanos)) + ")")
      ->envname(env);
}

struct ServeFlags {
  server::ServerConfig config;
  std::string listen_host;
};

int RunServe(const ServeFlags& flags) {
  server::ServerConfig config = flags.config;
  if (!flags.listen_host.empty()) server::OverrideListenHost(config, flags.listen_host);

  // Every thread the server starts inherits this mask, so only sigwait below sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<server::Server>> server = server::Server::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "weft: cannot start: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  for (const auto& [name, address] : (*server)->listeners()) {
    std::printf("weft: listening %s %s\n", name.c_str(), address.c_str());
  }
  if (config.storage == "embedded") {
    std::printf("weft: ready (storage: embedded, %s)\n", config.data_dir.c_str());
  } else {
    std::printf("weft: ready (storage: %s)\n", config.storage.c_str());
  }
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::printf("weft: %s received, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  (*server)->Stop();
  std::printf("weft: stopped\n");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("serve", "Run the server: receive, store and serve traces");
  auto flags = std::make_shared<ServeFlags>();
  server::ServerConfig& c = flags->config;
  cmd->add_option("--storage", c.storage, "Storage backend: embedded (durable) or memory")
      ->check(CLI::IsMember({"embedded", "memory"}))
      ->envname("WEFT_STORAGE")
      ->capture_default_str();
  cmd->add_option("--data-dir", c.data_dir, "Embedded store directory")
      ->envname("WEFT_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--wal-sync", c.wal_sync,
                  "When a write is acknowledged: always (after fdatasync), interval, never")
      ->check(CLI::IsMember({"always", "interval", "never"}))
      ->envname("WEFT_WAL_SYNC")
      ->capture_default_str();
  AddDurationOption(cmd, "--head-idle", c.head_idle_nanos,
                    "A trace without new spans this long is cut into a block", "WEFT_HEAD_IDLE");
  AddDurationOption(cmd, "--head-max-live", c.head_max_live_nanos,
                    "A trace live this long is cut into a block", "WEFT_HEAD_MAX_LIVE");
  cmd->add_option("--head-max-bytes", c.head_max_bytes,
                  "Live trace bytes in memory; beyond it the oldest are cut early")
      ->envname("WEFT_HEAD_MAX_BYTES")
      ->capture_default_str();
  AddDurationOption(cmd, "--retention", c.retention_nanos, "Blocks older than this are deleted",
                    "WEFT_RETENTION");
  cmd->add_option("--retention-max-bytes", c.retention_max_bytes,
                  "Total block bytes kept (0: no cap); the oldest blocks are deleted beyond it")
      ->envname("WEFT_RETENTION_MAX_BYTES")
      ->capture_default_str();
  cmd->add_option("--listen", flags->listen_host,
                  "Host for every listener (overrides the host part of each --*-addr)")
      ->envname("WEFT_LISTEN");
  cmd->add_option("--otlp-grpc-addr", c.otlp_grpc_addr, "OTLP/gRPC listener")
      ->envname("WEFT_OTLP_GRPC_ADDR")
      ->capture_default_str();
  cmd->add_option("--otlp-http-addr", c.otlp_http_addr, "OTLP/HTTP listener")
      ->envname("WEFT_OTLP_HTTP_ADDR")
      ->capture_default_str();
  cmd->add_option("--zipkin-addr", c.zipkin_addr, "Zipkin v2 listener")
      ->envname("WEFT_ZIPKIN_ADDR")
      ->capture_default_str();
  cmd->add_option("--tempo-addr", c.tempo_addr, "Tempo-compatible API listener")
      ->envname("WEFT_TEMPO_ADDR")
      ->capture_default_str();
  cmd->add_option("--http-addr", c.http_addr, "UI, native API and /metrics listener")
      ->envname("WEFT_HTTP_ADDR")
      ->capture_default_str();
  cmd->add_option("--max-request-bytes", c.max_request_bytes,
                  "Largest request after decompression (413 / RESOURCE_EXHAUSTED beyond)")
      ->envname("WEFT_MAX_REQUEST_BYTES")
      ->capture_default_str();
  cmd->add_option("--max-inflight-bytes", c.max_inflight_bytes,
                  "Request bytes held at once (429 / UNAVAILABLE beyond)")
      ->envname("WEFT_MAX_INFLIGHT_BYTES")
      ->capture_default_str();
  cmd->add_option("--memory-max-bytes", c.memory_max_bytes,
                  "Memory store bound; oldest batches are evicted beyond it")
      ->envname("WEFT_MEMORY_MAX_BYTES")
      ->capture_default_str();
  cmd->add_option("--query-max-limit", c.query_max_limit,
                  "Largest `limit` a search may ask for (400 beyond)")
      ->envname("WEFT_QUERY_MAX_LIMIT")
      ->check(CLI::Range(size_t{1}, size_t{100'000}))
      ->capture_default_str();
  AddDurationOption(cmd, "--query-timeout", c.query_timeout_nanos,
                    "A search answers what it found (marked partial) after this long",
                    "WEFT_QUERY_TIMEOUT");
  cmd->add_option("--http-threads", c.http_threads, "I/O threads per HTTP listener")
      ->envname("WEFT_HTTP_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->callback([exit_code, flags] { *exit_code = RunServe(*flags); });
}

}  // namespace weft::cli
