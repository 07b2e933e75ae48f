// The `weft-shop` command line (see shop_commands.h).
// Thread rule: main thread; each long-running subcommand blocks SIGINT/SIGTERM first.
#include "shop_commands.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "CLI/CLI.hpp"
#include "demo_walkthrough.h"
#include "load_generator.h"
#include "service_host.h"
#include "shop_supervisor.h"
#include "stop_signals.h"

namespace weft::shop {
namespace {

// "30s", "2m", "500ms", "1h" or a number of seconds.
bool ParseDuration(const std::string& text, std::chrono::milliseconds* out) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return false;
  }
  const std::string unit = text.substr(used);
  double ms = 0;
  if (unit.empty() || unit == "s") {
    ms = value * 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "m") {
    ms = value * 60000;
  } else if (unit == "h") {
    ms = value * 3600000;
  } else {
    return false;
  }
  if (ms < 0) return false;
  *out = std::chrono::milliseconds(static_cast<int64_t>(ms));
  return true;
}

std::string DefaultOtlpEndpoint() {
  const char* endpoint = std::getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  return endpoint != nullptr && *endpoint != '\0' ? endpoint : "http://127.0.0.1:4318";
}

// One folder per kind of run and port range, reused (each log starts empty).
std::string DefaultLogDir(const std::string& what, int base_port) {
  return (std::filesystem::temp_directory_path() /
          ("weft-" + what + "-" + std::to_string(base_port)))
      .string();
}

void AddShopOptions(CLI::App* cmd, ShopOptions* shop) {
  cmd->add_option("--base-port", shop->base_port,
                  "frontend's port; the other services follow it (cart +1 ... fulfillment +8)")
      ->capture_default_str();
  cmd->add_option("--log-dir", shop->log_dir,
                  "one <service>.log per process (default: a folder in $TMPDIR)");
  cmd->add_option("--node", shop->node, "the node binary for the JavaScript service")
      ->capture_default_str();
  cmd->add_option("--js-dir", shop->js_dir, "the JavaScript service's folder (checkout.mjs)")
      ->capture_default_str();
}

int RunShop(ShopOptions shop) {
  const sigset_t signals = BlockStopSignals();
  if (shop.log_dir.empty()) shop.log_dir = DefaultLogDir("shop", shop.base_port);
  ShopSupervisor supervisor;
  std::string error;
  if (!supervisor.Start(shop, &error)) {
    std::fprintf(stderr, "weft-shop run: %s\n", error.c_str());
    return 1;
  }
  std::printf(
      "weft-shop: the shop is up, exporting to %s (logs in %s):\n%s"
      "Load it with `weft-shop load --base-port %d`; Ctrl-C stops every service.\n",
      shop.otlp_endpoint.c_str(), shop.log_dir.c_str(), supervisor.Describe().c_str(),
      shop.base_port);
  std::fflush(stdout);
  std::string which;
  int exit_code = 0;
  while (!WaitForStopSignal(signals, std::chrono::milliseconds(500))) {
    if (!supervisor.AllRunning(&which)) {
      std::fprintf(stderr, "weft-shop run: %s stopped unexpectedly; stopping the shop\n",
                   which.c_str());
      exit_code = 1;
      break;
    }
  }
  std::printf("weft-shop: stopping\n");
  std::fflush(stdout);
  supervisor.Stop();
  std::printf("weft-shop: stopped\n");
  return exit_code;
}

int RunLoad(LoadOptions options, const std::string& duration) {
  if (!duration.empty() && !ParseDuration(duration, &options.duration)) {
    std::fprintf(stderr, "weft-shop load: --duration \"%s\" is not like 30s, 2m or 500ms\n",
                 duration.c_str());
    return 2;
  }
  const sigset_t signals = BlockStopSignals();
  LoadGenerator load;
  load.Start(options);
  while (!load.Done() && !WaitForStopSignal(signals, std::chrono::milliseconds(200))) {
  }
  load.Stop();
  const LoadSummary s = load.Summary();
  std::printf(
      "load: %lld requests in %.1f s (%.1f/s): %lld ok, %lld errors, %lld without answer"
      ", %lld skipped (concurrency limit)\n",
      static_cast<long long>(s.sent), s.seconds, s.seconds > 0 ? s.sent / s.seconds : 0.0,
      static_cast<long long>(s.ok), static_cast<long long>(s.errors),
      static_cast<long long>(s.failures), static_cast<long long>(s.skipped));
  return s.sent > 0 && s.failures == s.sent ? 1 : 0;
}

}  // namespace

int RunShopCli(int argc, char** argv) {
  CLI::App app{"weft-shop: the weft demo shop — services, supervisor, load generator"};
  app.require_subcommand(1);
  int exit_code = 0;

  // service
  CLI::App* service = app.add_subcommand("service", "Run one C++ service in this process");
  std::string service_name;
  int service_port = 0;
  int service_base_port = kDefaultBasePort;
  service
      ->add_option("name", service_name,
                   "frontend, cart, catalog, payment, inventory, "
                   "shipping, queue or fulfillment")
      ->required();
  service->add_option("--port", service_port, "listen port (default: from --base-port)");
  service->add_option("--base-port", service_base_port, "where the other services listen")
      ->capture_default_str();
  service->callback([&] { exit_code = RunService(service_name, service_port, service_base_port); });

  // run
  ShopOptions shop;
  shop.js_dir = DefaultJsDir();
  shop.self_executable = SelfExecutable();
  shop.otlp_endpoint = DefaultOtlpEndpoint();
  CLI::App* run = app.add_subcommand("run", "Run every service as its own process until Ctrl-C");
  AddShopOptions(run, &shop);
  run->add_option("--otlp-endpoint", shop.otlp_endpoint, "where the services export (OTLP/HTTP)")
      ->capture_default_str();
  run->callback([&] { exit_code = RunShop(shop); });

  // load
  LoadOptions load;
  std::string load_duration;
  int load_base_port = kDefaultBasePort;
  std::string load_target;
  CLI::App* load_cmd = app.add_subcommand("load", "Send checkouts to the frontend");
  load_cmd->add_option("--rate", load.rate, "requests per second")->capture_default_str();
  load_cmd->add_option("--duration", load_duration, "how long (30s, 2m); default: until Ctrl-C");
  load_cmd->add_option("--requests", load.requests, "stop after this many requests");
  load_cmd->add_option("--concurrency", load.concurrency, "requests in flight at most")
      ->capture_default_str();
  load_cmd->add_option("--base-port", load_base_port, "the shop's base port")
      ->capture_default_str();
  load_cmd->add_option("--target", load_target,
                       "frontend as host:port (default: from --base-port)");
  load_cmd->add_flag("!--no-progress", load.progress, "no progress line");
  load_cmd->callback([&] {
    load.target = EndpointOf("frontend", load_base_port);
    if (const size_t colon = load_target.rfind(':'); colon != std::string::npos) {
      load.target = Endpoint{.host = load_target.substr(0, colon),
                             .port = std::atoi(load_target.c_str() + colon + 1)};
    }
    exit_code = RunLoad(load, load_duration);
  });

  // demo
  DemoOptions demo;
  demo.shop = shop;
  if (const char* seconds = std::getenv("DEMO_SECONDS"); seconds != nullptr && *seconds != '\0') {
    demo.seconds = std::atoi(seconds);
  }
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "weft serve + the shop + load, then where to look (make demo, weft demo)");
  AddShopOptions(demo_cmd, &demo.shop);
  demo_cmd->add_option("--weft", demo.weft_binary, "the weft binary (default: beside weft-shop)");
  demo_cmd->add_option("--data-dir", demo.data_dir, "weft's embedded store")->capture_default_str();
  demo_cmd->add_option("--rate", demo.rate, "checkouts per second")->capture_default_str();
  demo_cmd->add_option("--warmup", demo.warmup_seconds, "seconds of load before the walkthrough")
      ->capture_default_str();
  demo_cmd->add_option("--seconds", demo.seconds,
                       "stop this long after the walkthrough (default: DEMO_SECONDS, else Ctrl-C)");
  demo_cmd->callback([&] {
    if (demo.weft_binary.empty()) {
      demo.weft_binary = (std::filesystem::path(SelfExecutable()).parent_path() / "weft").string();
    }
    if (demo.shop.log_dir.empty()) {
      demo.shop.log_dir = DefaultLogDir("demo", demo.shop.base_port);
    }
    const sigset_t signals = BlockStopSignals();
    exit_code = RunDemo(demo, signals);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace weft::shop
