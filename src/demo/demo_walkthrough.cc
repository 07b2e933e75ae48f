// The demo walkthrough (see demo_walkthrough.h).
// Thread rule: main thread; the load generator runs its own threads.
#include "demo_walkthrough.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <vector>

#include <unistd.h>

#include "child_processes.h"
#include "load_generator.h"
#include "stop_signals.h"

namespace weft::shop {
namespace {

constexpr int kWeftPorts[] = {4317, 4318, 9411, 16686, 3200};

struct Example {
  const char* why;
  const char* query;
};

// Each behaviour the shop plants, and the TraceQL that finds it.
constexpr Example kExamples[] = {
    {"PayPal is slow (300-900 ms): checkouts paid with PayPal, over 300 ms",
     R"({ span.payment.method = "paypal" && duration > 300ms })"},
    {"...and fails one time in five: PayPal payments with status error",
     R"({ resource.service.name = "payment" && span.payment.method = "paypal" && status = error })"},
    {"Carts over 8 items take the N+1 query path in cart",
     R"({ resource.service.name = "cart" && span.cart.items > 8 })"},
    {"Catalog cache misses (about 10%) read postgresql slowly", R"({ span.cache.hit = false })"},
    {"A slow carrier API in some ap-south traces only",
     R"({ span.shipping.carrier = "slowpost" && duration > 400ms })"},
    {"Card payments retried once after a 503 (two CLIENT spans)", R"({ span.retry.attempt = 1 })"},
    {"The queue hop: a shipping PRODUCER span with a fulfillment CONSUMER below it",
     R"({ kind = producer } > { kind = consumer && resource.service.name = "fulfillment" })"},
};

void Bold(const std::string& text) {
  if (isatty(STDOUT_FILENO) != 0) {
    std::printf("\n\033[1m%s\033[0m\n", text.c_str());
  } else {
    std::printf("\n%s\n", text.c_str());
  }
}

std::string Indent(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out += "    " + line + "\n";
  return out;
}

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a weft subcommand, echoing it and its output.
std::string Show(const std::string& weft, const std::vector<std::string>& args) {
  std::string shown = "weft";
  for (const std::string& arg : args) {
    shown += " ";
    shown += arg.find_first_of(" {\"'") == std::string::npos ? arg : ShellQuote(arg);
  }
  std::printf("  $ %s\n", shown.c_str());
  std::vector<std::string> argv = {weft};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto [status, output] = RunAndCapture(argv);
  std::printf("%s", Indent(output).c_str());
  std::fflush(stdout);
  return output;
}

// The last 32-hex-digit word at the start of a line of `weft search` output: the oldest trace
// listed, the one most likely to have all its spans (services export in batches, every second).
std::string LastTraceId(const std::string& output) {
  std::istringstream in(output);
  std::string last;
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 32) continue;
    bool hex = true;
    for (size_t i = 0; i < 32 && hex; ++i) hex = std::isxdigit(static_cast<unsigned char>(line[i]));
    if (hex && (line.size() == 32 || line[32] == ' ')) last = line.substr(0, 32);
  }
  return last;
}

bool StartWeft(const DemoOptions& options, ChildProcess& weft, std::string* error) {
  for (const int port : kWeftPorts) {
    if (!PortIsFree(port)) {
      *error = "port " + std::to_string(port) +
               " is in use: is a weft server already running? Stop it first.";
      return false;
    }
  }
  const std::string log = options.shop.log_dir + "/weft-serve.log";
  if (!weft.Start({.name = "weft serve",
                   .argv = {options.weft_binary, "serve", "--data-dir", options.data_dir,
                            "--head-idle", "2s"},
                   .log_path = log},
                  error)) {
    return false;
  }
  for (int i = 0; i < 200; ++i) {
    if (TailOfFile(log, 1 << 16).find("weft: ready") != std::string::npos) return true;
    int status = 0;
    if (!weft.Running(&status)) break;
    usleep(100 * 1000);
  }
  *error = "weft serve did not start; its log:\n" + TailOfFile(log);
  return false;
}

void Walkthrough(const std::string& weft, const DemoOptions& options) {
  Bold("Where to look");
  std::printf(
      "  weft's HTTP API (UI address, Jaeger API):  http://127.0.0.1:16686\n"
      "      e.g. http://127.0.0.1:16686/api/traces?service=frontend&limit=5\n"
      "  Tempo API (Grafana's Tempo data source):   http://127.0.0.1:3200\n"
      "  OTLP in:                                   http://127.0.0.1:4318 (HTTP), :4317 (gRPC)\n"
      "  The shop's frontend:                       http://127.0.0.1:%d/checkout\n"
      "  Service logs:                              %s\n",
      EndpointOf("frontend", options.shop.base_port).port, options.shop.log_dir.c_str());

  Bold("Services that sent spans");
  Show(weft, {"services"});
  Show(weft, {"operations", "checkout"});

  for (const Example& example : kExamples) {
    Bold(example.why);
    Show(weft, {"search", example.query, "--limit", "5"});
  }
  // Services export every second, so the newest traces may still lack their last spans: ask for
  // a slow PayPal checkout whose frontend and checkout SERVER spans (the last to end) are there.
  Bold("One slow PayPal checkout as a waterfall (frontend -> checkout (JS) -> payment ...)");
  const std::string outlier =
      LastTraceId(Show(weft, {"search",
                              R"({ span.payment.method = "paypal" && duration > 300ms } && )"
                              R"({ resource.service.name = "checkout" && kind = server } && )"
                              R"({ resource.service.name = "frontend" && kind = server })",
                              "--limit", "3"}));
  if (!outlier.empty()) {
    Show(weft, {"trace", outlier, "--width", "120", "--color",
                isatty(STDOUT_FILENO) != 0 ? "always" : "never"});
    std::printf(
        "  As JSON: http://127.0.0.1:16686/api/traces/%s (Jaeger), "
        "http://127.0.0.1:3200/api/traces/%s (Tempo, OTLP)\n",
        outlier.c_str(), outlier.c_str());
  }
}

}  // namespace

int RunDemo(const DemoOptions& options, const sigset_t& stop_signals) {
  std::error_code ec;
  std::filesystem::create_directories(options.shop.log_dir, ec);
  ChildProcess weft;
  std::string error;
  Bold("Starting weft serve (embedded store in " + options.data_dir + ")");
  if (!StartWeft(options, weft, &error)) {
    std::fprintf(stderr, "weft-shop demo: %s\n", error.c_str());
    return 1;
  }
  std::printf("  weft serve is ready (pid %d, log %s/weft-serve.log)\n",
              static_cast<int>(weft.pid()), options.shop.log_dir.c_str());

  Bold("Starting the shop: 8 C++ services + checkout in JavaScript, each its own process");
  ShopSupervisor shop;
  if (!shop.Start(options.shop, &error)) {
    std::fprintf(stderr, "weft-shop demo: %s\n", error.c_str());
    weft.Stop();
    return 1;
  }
  std::printf("%s", shop.Describe().c_str());

  Bold("Load: " + std::to_string(static_cast<int>(options.rate)) +
       " checkouts/s; traces arrive for " + std::to_string(options.warmup_seconds) + " s");
  LoadGenerator load;
  load.Start({.target = EndpointOf("frontend", options.shop.base_port), .rate = options.rate});
  bool stopped = WaitForStopSignal(stop_signals, std::chrono::seconds(options.warmup_seconds));
  if (!stopped) {
    load.SetProgress(false);
    std::printf("\n");
    Walkthrough(options.weft_binary, options);
    Bold(options.seconds > 0 ? "The load goes on for " + std::to_string(options.seconds) + " s"
                             : "The load goes on; press Ctrl-C to stop everything");
    load.SetProgress(true);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(options.seconds);
    std::string which;
    while (!stopped) {
      stopped = WaitForStopSignal(stop_signals, std::chrono::milliseconds(500));
      if (options.seconds > 0 && std::chrono::steady_clock::now() >= end) break;
      if (!shop.AllRunning(&which)) {
        std::fprintf(stderr, "\nweft-shop demo: %s stopped unexpectedly\n", which.c_str());
        break;
      }
    }
  }
  std::printf("\nstopping: load, shop, weft serve\n");
  load.Stop();
  const LoadSummary summary = load.Summary();
  shop.Stop();
  weft.Stop(std::chrono::seconds(10));
  std::printf(
      "stopped. %lld checkouts sent, %lld ok, %lld errors. Traces stay in %s: "
      "`weft serve` and the `weft` queries above work on them.\n",
      static_cast<long long>(summary.sent), static_cast<long long>(summary.ok),
      static_cast<long long>(summary.errors + summary.failures), options.data_dir.c_str());
  return 0;
}

}  // namespace weft::shop
