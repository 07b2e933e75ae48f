// Starts the whole shop: every C++ service as its own process (`weft-shop service NAME`, fork/exec
// of this executable) and the JavaScript `checkout` with node, each with OTEL_SERVICE_NAME and
// the OTLP endpoint in its environment; waits until each answers GET /health; stops them all,
// entry point first, on request.
// Thread rule: one controlling thread (the one that called Start) for every method.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "child_processes.h"
#include "shop_topology.h"

namespace weft::shop {

struct ShopOptions {
  int base_port = kDefaultBasePort;
  std::string otlp_endpoint = "http://127.0.0.1:4318";
  std::string log_dir;          // <service>.log per process; created when missing
  std::string node = "node";    // the JavaScript runtime
  std::string js_dir;           // holds checkout.mjs and node_modules/
  std::string self_executable;  // weft-shop itself
};

// WEFT_SHOP_JS_DIR from the environment, else the source tree's src/demo/js.
std::string DefaultJsDir();

class ShopSupervisor {
 public:
  ShopSupervisor() = default;
  ~ShopSupervisor();  // Stop()s
  ShopSupervisor(const ShopSupervisor&) = delete;
  ShopSupervisor& operator=(const ShopSupervisor&) = delete;

  // Starts every service and waits (up to 30 s) until each is healthy. On failure, stops what
  // it started and explains in `*error` (with the failing service's log tail).
  bool Start(const ShopOptions& options, std::string* error);
  // False, naming the service, when one of them has exited.
  bool AllRunning(std::string* which);
  // SIGTERM to each (frontend first, so no request meets a stopped dependency), then waits.
  void Stop();
  // One line per service: name, address, pid.
  std::string Describe() const;

 private:
  struct Started {
    const ServiceInfo* info;
    std::unique_ptr<ChildProcess> process;
  };
  ChildSpec SpecFor(const ServiceInfo& info) const;
  bool WaitHealthy(Started& started, std::string* error);

  ShopOptions options_;
  std::vector<Started> started_;
};

}  // namespace weft::shop
