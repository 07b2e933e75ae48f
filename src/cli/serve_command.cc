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
#include "cli/commands.h"
#include "server/server.h"
#include "server/server_config.h"

namespace weft::cli {
namespace {

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
  std::printf("weft: ready (storage: %s)\n", config.storage.c_str());
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
  cmd->add_option("--storage", c.storage, "Storage backend")
      ->check(CLI::IsMember({"memory"}))
      ->envname("WEFT_STORAGE")
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
  cmd->add_option("--http-threads", c.http_threads, "I/O threads per HTTP listener")
      ->envname("WEFT_HTTP_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->callback([exit_code, flags] { *exit_code = RunServe(*flags); });
}

}  // namespace weft::cli
