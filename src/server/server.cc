#include "server/server.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "api/jaeger_api.h"
#include "api/native_api.h"
#include "api/tempo_api.h"
#include "api/tempo_tags.h"
#include "api/tempo_trace_v2.h"
#include "common/metrics.h"
#include "http/http_server.h"
#include "ingest/admission.h"
#include "ingest/otlp_grpc_receiver.h"
#include "ingest/otlp_http_receiver.h"
#include "ingest/pipeline.h"
#include "ingest/zipkin_receiver.h"
#include "otlp/batch_payload.h"
#include "storage/embedded/store/embedded_store.h"
#include "storage/memory/memory_store.h"

namespace weft::server {
namespace {

std::string HostOf(const std::string& address) {
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

ingest::OtlpHttpReceiver::Options OtlpHttpOptions(const ServerConfig& config) {
  ingest::OtlpHttpReceiver::Options options;
  options.max_request_bytes = config.max_request_bytes;
  return options;
}

ingest::ZipkinReceiver::Options ZipkinOptions(const ServerConfig& config) {
  ingest::ZipkinReceiver::Options options;
  options.max_request_bytes = config.max_request_bytes;
  return options;
}

void Log(const ServerConfig& config, std::string_view line) {
  if (config.log) {
    config.log(line);
    return;
  }
  std::printf("weft: %.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stdout);
}

absl::StatusOr<std::unique_ptr<storage::SpanStore>> OpenStore(const ServerConfig& config,
                                                              MetricsRegistry& metrics) {
  if (config.storage == "memory") {
    return storage::NewMemoryStore({.max_bytes = config.memory_max_bytes});
  }
  if (config.storage != "embedded") {
    return absl::InvalidArgumentError(
        absl::StrCat("storage \"", config.storage, "\" is unknown; use embedded or memory"));
  }
  namespace embedded = storage::embedded;
  embedded::EmbeddedStoreOptions options;
  options.dir = config.data_dir;
  options.codec = {otlp::EncodeBatch, otlp::DecodeBatch};
  absl::StatusOr<embedded::WalSyncMode> sync = embedded::ParseWalSyncMode(config.wal_sync);
  if (!sync.ok()) return sync.status();
  options.wal_sync = *sync;
  options.head.idle_nanos = config.head_idle_nanos;
  options.head.max_live_nanos = config.head_max_live_nanos;
  options.head.max_bytes = config.head_max_bytes;
  options.retention.max_age_nanos = config.retention_nanos;
  options.retention.max_total_bytes = config.retention_max_bytes;
  options.fs = config.fs;
  options.metrics = &metrics;
  options.log = [config](std::string_view line) { Log(config, line); };
  absl::StatusOr<std::unique_ptr<embedded::EmbeddedStore>> store =
      embedded::EmbeddedStore::Open(std::move(options));
  if (!store.ok()) {
    return absl::Status(store.status().code(), absl::StrCat("embedded store in ", config.data_dir,
                                                            ": ", store.status().message()));
  }
  return std::unique_ptr<storage::SpanStore>(*std::move(store));
}

// Members are declared in start order; Stop() tears them down listeners-first.
class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerConfig& config, std::unique_ptr<MetricsRegistry> metrics,
             std::unique_ptr<storage::SpanStore> store)
      : config_(config),
        metrics_owner_(std::move(metrics)),
        metrics_(*metrics_owner_),
        admission_(config.max_inflight_bytes),
        store_(std::move(store)),
        pipeline_(*store_, metrics_),
        otlp_http_(pipeline_, admission_, metrics_, OtlpHttpOptions(config)),
        zipkin_(pipeline_, admission_, metrics_, ZipkinOptions(config)),
        otlp_http_server_(ServerOptions("otlp_http")),
        zipkin_server_(ServerOptions("zipkin")),
        tempo_server_(ServerOptions("tempo")),
        http_server_(ServerOptions("http")) {}

  ~ServerImpl() override { Stop(); }

  absl::Status Start() {
    RegisterSelfMetrics();
    otlp_http_.RegisterRoutes(otlp_http_server_);
    zipkin_.RegisterRoutes(zipkin_server_);
    const api::SearchLimits search_limits{
        .max_limit = config_.query_max_limit,
        .timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::nanoseconds(config_.query_timeout_nanos))};
    api::RegisterTempoRoutes(tempo_server_, *store_, RealClock::Get(), search_limits);
    api::RegisterTempoTraceV2Routes(tempo_server_, *store_);
    api::RegisterTempoTagRoutes(tempo_server_, *store_);
    api::RegisterJaegerRoutes(http_server_, *store_, RealClock::Get(), search_limits);
    api::RegisterNativeRoutes(http_server_, *store_, RealClock::Get(), {.search = search_limits});
    http_server_.Route("GET", "/metrics", [this](http::Request&&, http::Responder respond) {
      http::Response response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = metrics_.RenderPrometheus();
      respond(std::move(response));
    });
    http_server_.Route("GET", "/", [](http::Request&&, http::Responder respond) {
      respond(http::Response::Text(
          200,
          "weft is running. The web UI is not built yet; read traces from the Jaeger API on this "
          "port (/api/services, /api/traces?service=..., /api/traces/{id}) or the Tempo API "
          "(GET /api/traces/{id} on the tempo port); metrics at /metrics.\n"));
    });

    ingest::OtlpGrpcReceiver::Options grpc_options;
    grpc_options.max_request_bytes = config_.max_request_bytes;
    auto grpc = ingest::OtlpGrpcReceiver::Start(config_.otlp_grpc_addr, pipeline_, admission_,
                                                grpc_options, metrics_);
    if (!grpc.ok()) return Annotate("otlp-grpc", config_.otlp_grpc_addr, grpc.status());
    grpc_ = std::move(*grpc);
    listeners_.emplace_back("otlp-grpc",
                            absl::StrCat(HostOf(config_.otlp_grpc_addr), ":", grpc_->port()));
    const struct {
      const char* name;
      const std::string& address;
      http::HttpServer& server;
    } http_listeners[] = {
        {"otlp-http", config_.otlp_http_addr, otlp_http_server_},
        {"zipkin", config_.zipkin_addr, zipkin_server_},
        {"tempo", config_.tempo_addr, tempo_server_},
        {"http", config_.http_addr, http_server_},
    };
    for (const auto& l : http_listeners) {
      absl::StatusOr<int> port = l.server.Listen(l.address);
      if (!port.ok()) return Annotate(l.name, l.address, port.status());
      listeners_.emplace_back(l.name, absl::StrCat(HostOf(l.address), ":", *port));
    }
    return absl::OkStatus();
  }

  std::vector<std::pair<std::string, std::string>> listeners() const override { return listeners_; }

  void Stop() override {
    // Receivers first (each waits for its writes in flight), then the read side.
    otlp_http_server_.Stop();
    zipkin_server_.Stop();
    if (grpc_) grpc_->Shutdown();
    tempo_server_.Stop();
    http_server_.Stop();
    // Then storage: the embedded store flushes its head into blocks.
    if (auto* embedded = dynamic_cast<storage::embedded::EmbeddedStore*>(store_.get())) {
      if (absl::Status closed = embedded->Close(); !closed.ok()) {
        Log(config_, absl::StrCat("store: close: ", closed.message()));
      }
    }
  }

 private:
  http::HttpServerOptions ServerOptions(const char* name) {
    http::HttpServerOptions options;
    options.io_threads = config_.http_threads;
    options.metrics = &metrics_;
    options.name = name;
    return options;
  }

  static absl::Status Annotate(const char* name, const std::string& address,
                               const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat(name, " listener on ", address, ": ", status.message()));
  }

  void RegisterSelfMetrics() {
    metrics_.AddCallbackGauge("weft_ingest_inflight_bytes",
                              "Request bytes admitted and not yet "
                              "stored.",
                              "",
                              [this] { return static_cast<double>(admission_.bytes_in_flight()); });
    metrics_.AddCallbackGauge("weft_ingest_inflight_limit_bytes",
                              "Admission budget (--max-inflight-bytes).", "",
                              [this] { return static_cast<double>(admission_.max_bytes()); });
    if (config_.storage != "memory") return;
    metrics_.AddCallbackGauge(
        "weft_memory_store_bytes", "Bytes held by the memory store.", "",
        [this] { return static_cast<double>(storage::GetMemoryStoreStats(*store_).bytes); });
    metrics_.AddCallbackGauge("weft_memory_store_limit_bytes",
                              "Memory store bound (--memory-max-bytes).", "",
                              [this] { return static_cast<double>(config_.memory_max_bytes); });
    metrics_.AddCallbackGauge(
        "weft_memory_store_spans", "Spans held by the memory store.", "",
        [this] { return static_cast<double>(storage::GetMemoryStoreStats(*store_).spans); });
    metrics_.AddCallbackGauge(
        "weft_memory_store_evicted_batches", "Batches evicted from the memory store since start.",
        "", [this] {
          return static_cast<double>(storage::GetMemoryStoreStats(*store_).evicted_batches);
        });
  }

  const ServerConfig config_;
  // Per server, not the process default: its callback gauges point into this object. Made
  // before the store, which registers its own metrics in it.
  std::unique_ptr<MetricsRegistry> metrics_owner_;
  MetricsRegistry& metrics_;
  ingest::Admission admission_;
  std::unique_ptr<storage::SpanStore> store_;
  ingest::Pipeline pipeline_;
  ingest::OtlpHttpReceiver otlp_http_;
  ingest::ZipkinReceiver zipkin_;
  http::HttpServer otlp_http_server_;
  http::HttpServer zipkin_server_;
  http::HttpServer tempo_server_;
  http::HttpServer http_server_;
  std::unique_ptr<ingest::OtlpGrpcReceiver> grpc_;
  std::vector<std::pair<std::string, std::string>> listeners_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerConfig& config) {
  auto metrics = std::make_unique<MetricsRegistry>();
  absl::StatusOr<std::unique_ptr<storage::SpanStore>> store = OpenStore(config, *metrics);
  if (!store.ok()) return store.status();
  auto server = std::make_unique<ServerImpl>(config, std::move(metrics), *std::move(store));
  if (absl::Status s = server->Start(); !s.ok()) return s;
  return server;
}

}  // namespace weft::server
