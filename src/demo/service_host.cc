// Runs one C++ service of the shop as a process (see service_host.h).
// Thread rule: RunService owns the main thread; handlers run on connection threads.
#include "service_host.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <pthread.h>
#include <unistd.h>

#include "services.h"
#include "weft/http_beast.h"
#include "weft/sdk.h"

namespace weft::shop {
namespace {

// The shop exports to a local weft by default (the SDK's own default says "localhost", which
// may resolve to ::1 while `weft serve` listens on 127.0.0.1).
void DefaultExportEndpoint() {
  if (std::getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == nullptr &&
      std::getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == nullptr) {
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", 1);
  }
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out;
}

}  // namespace

HttpResponse NotFound(std::string_view path) {
  return ErrorResponse(http::status::not_found, "no route " + std::string(path));
}

HttpResponse ErrorResponse(http::status status, std::string_view message) {
  return MakeResponse(status, "{\"error\":\"" + JsonEscape(message) + "\"}");
}

int RunService(std::string_view name, int port, int base_port) {
  const ServiceFactory factory = FindServiceFactory(name);
  if (factory == nullptr) {
    std::fprintf(stderr, "weft-shop: no C++ service named \"%.*s\"\n",
                 static_cast<int>(name.size()), name.data());
    return 2;
  }
  // Signals are taken by sigwait below; block them before any thread (the SDK's too) starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  DefaultExportEndpoint();
  sdk::SdkHandle sdk = sdk::InitFromEnvironment({.default_service_name = std::string(name)});
  ServiceContext context{.name = std::string(name),
                         .base_port = base_port,
                         .tracer = GetTracer("weft-shop." + std::string(name), "0.1.0")};
  ServiceDefinition service = factory(context);

  ShopHttpServer server;
  std::string error;
  const int listen_port = port > 0 ? port : EndpointOf(name, base_port).port;
  if (!server.Listen(kShopHost, listen_port, &error)) {
    std::fprintf(stderr, "weft-shop %s: %s\n", context.name.c_str(), error.c_str());
    return 1;
  }
  const Tracer tracer = context.tracer;
  server.Start([&service, tracer](const ServerRequest& request) -> HttpResponse {
    if (request.path == "/health") return MakeResponse(http::status::ok, "{\"status\":\"ok\"}");
    for (const std::string& untraced : service.untraced_paths) {
      if (request.path == untraced) {
        Span none;
        return service.handle(request, none);
      }
    }
    Span span = beast::StartServerSpan(tracer, request.http, request.path);
    Scope scope(span);
    HttpResponse response = service.handle(request, span);
    beast::EndServerSpan(span, response.result_int());
    return response;
  });

  std::atomic<bool> stop{false};
  std::thread background;
  if (service.background) background = std::thread([&] { service.background(stop); });
  std::printf("weft-shop: %s listening on %s:%d\n", context.name.c_str(), kShopHost, server.port());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  stop = true;
  server.Stop(std::chrono::seconds(2));
  if (background.joinable()) background.join();
  sdk.Shutdown(std::chrono::seconds(3));
  std::printf("weft-shop: %s stopped\n", context.name.c_str());
  std::fflush(stdout);
  // Connection threads still blocked on idle keep-alive sockets must not race static
  // destructors: leave without running them (the SDK has flushed).
  std::_Exit(0);
}

}  // namespace weft::shop
