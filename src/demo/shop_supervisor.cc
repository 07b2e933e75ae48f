// The shop's process supervisor (see shop_supervisor.h).
// Thread rule: one controlling thread.
#include "shop_supervisor.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "shop_http_client.h"

namespace weft::shop {

constexpr std::chrono::seconds kHealthDeadline{30};

std::string DefaultJsDir() {
  if (const char* dir = std::getenv("WEFT_SHOP_JS_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return WEFT_SHOP_JS_DIR;
}

ShopSupervisor::~ShopSupervisor() { Stop(); }

ChildSpec ShopSupervisor::SpecFor(const ServiceInfo& info) const {
  const std::string name(info.name);
  const int port = EndpointOf(info.name, options_.base_port).port;
  ChildSpec spec{.name = name, .argv = {}, .log_path = options_.log_dir + "/" + name + ".log"};
  spec.env = {
      {"OTEL_SERVICE_NAME", name},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", options_.otlp_endpoint},
      {"OTEL_RESOURCE_ATTRIBUTES",
       "service.namespace=weft-shop,service.version=0.1.0,deployment.environment.name=demo"},
      {"SHOP_BASE_PORT", std::to_string(options_.base_port)},
      {"PORT", std::to_string(port)}};
  if (info.javascript) {
    spec.argv = {options_.node, options_.js_dir + "/" + name + ".mjs"};
  } else {
    spec.argv = {options_.self_executable,
                 "service",
                 name,
                 "--port",
                 std::to_string(port),
                 "--base-port",
                 std::to_string(options_.base_port)};
  }
  return spec;
}

bool ShopSupervisor::WaitHealthy(Started& started, std::string* error) {
  const Endpoint endpoint = EndpointOf(started.info->name, options_.base_port);
  const auto deadline = std::chrono::steady_clock::now() + kHealthDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (!started.process->Running(&status)) {
      *error = std::string(started.info->name) + " exited (status " + std::to_string(status) +
               ") before it was healthy; its log (" + started.process->spec().log_path + "):\n" +
               TailOfFile(started.process->spec().log_path);
      return false;
    }
    if (PlainCall(endpoint, http::verb::get, "/health", {}, std::chrono::milliseconds(500)).ok()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *error = std::string(started.info->name) + " did not answer GET /health on " +
           endpoint.HostPort() + " within 30 s; its log:\n" +
           TailOfFile(started.process->spec().log_path);
  return false;
}

bool ShopSupervisor::Start(const ShopOptions& options, std::string* error) {
  options_ = options;
  std::error_code ec;
  std::filesystem::create_directories(options_.log_dir, ec);
  if (ec) {
    *error = "cannot create " + options_.log_dir + ": " + ec.message();
    return false;
  }
  for (const ServiceInfo& info : AllServices()) {
    const int port = EndpointOf(info.name, options_.base_port).port;
    if (!PortIsFree(port)) {
      *error = "port " + std::to_string(port) + " (for " + std::string(info.name) +
               ") is in use: is a shop already running? Pick other ports with --base-port";
      return false;
    }
  }
  if (!std::filesystem::exists(options_.js_dir + "/node_modules/@opentelemetry/api")) {
    *error =
        options_.js_dir + "/node_modules is missing: run scripts/setup (it runs `npm ci` there)";
    return false;
  }
  // Start everything first, then wait: the services come up in parallel.
  for (const ServiceInfo& info : AllServices()) {
    auto process = std::make_unique<ChildProcess>();
    if (!process->Start(SpecFor(info), error)) {
      Stop();
      return false;
    }
    started_.push_back({&info, std::move(process)});
  }
  for (Started& started : started_) {
    if (!WaitHealthy(started, error)) {
      Stop();
      return false;
    }
  }
  return true;
}

bool ShopSupervisor::AllRunning(std::string* which) {
  for (Started& started : started_) {
    int status = 0;
    if (!started.process->Running(&status)) {
      *which = std::string(started.info->name) + " (exit status " + std::to_string(status) +
               "; log " + started.process->spec().log_path + ")";
      return false;
    }
  }
  return true;
}

void ShopSupervisor::Stop() {
  // Reverse start order: frontend first, the queue last. Signal all, then wait for each.
  for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
    if (it->process->Running()) kill(it->process->pid(), SIGTERM);
  }
  for (auto it = started_.rbegin(); it != started_.rend(); ++it) it->process->Stop();
  started_.clear();
}

std::string ShopSupervisor::Describe() const {
  std::string text;
  for (const Started& started : started_) {
    char line[200];
    std::snprintf(line, sizeof(line), "  %-12s http://%-16s pid %-7d %s\n",
                  std::string(started.info->name).c_str(),
                  EndpointOf(started.info->name, options_.base_port).HostPort().c_str(),
                  static_cast<int>(started.process->pid()),
                  started.info->javascript ? "(node, OpenTelemetry JS)" : "");
    text += line;
  }
  return text;
}

}  // namespace weft::shop
