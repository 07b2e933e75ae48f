// `weft loadgen`: drives an OTLP receiver (weft's or any other) with realistic synthetic traces
// and reports throughput, refusals, errors and latency.
//
// It pre-encodes a pool of distinct requests with TraceGenerator and weft's own OTLP encoders, then
// sends them round-robin over N keep-alive connections, one thread and one request in flight per
// connection: HTTP/1.1 with a small synchronous-style Boost.Beast client (OTLP/HTTP protobuf or
// JSON), or gRPC through grpc::GenericStub with the encoded bytes as the message. So that a long
// run does not resend the same traces, every send rewrites the low 8 bytes of each trace id in
// place (the encoded size is unchanged) with a value unique to this run, connection and request.
//
// Refusals (HTTP 429/503, gRPC RESOURCE_EXHAUSTED/UNAVAILABLE) are the server protecting itself
// and are reported apart from errors (anything else that is not a success); the connection that
// got one pauses 5 ms before its next request. gRPC reports an unreachable server as UNAVAILABLE
// too, so it shows up as refusals (with no successes, the exit code is still 1). Latency
// percentiles are over successful requests. Exit code: 0 when every request succeeded or was
// refused; 1 when any failed otherwise (or none succeeded); 2 on a usage error.
//
// Thread rule: the command runs on the main thread, which reports progress; worker threads share
// only atomics and the mutex-guarded error tally.

#include <utility>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "CLI/CLI.hpp"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "common/hex.h"
#include "common/random.h"
#include "model/span_batch.h"
#include "model/trace_generator.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"

namespace weft::cli {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr std::string_view kGrpcExportMethod =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr size_t kMaxResponseBytes = 4 << 20;  // OTLP responses stay under 4 MiB
constexpr auto kRefusedPause = std::chrono::milliseconds(5);

enum class Protocol { kHttpProto, kHttpJson, kGrpc };

std::string_view ProtocolName(Protocol p) {
  switch (p) {
    case Protocol::kHttpProto:
      return "http-proto";
    case Protocol::kHttpJson:
      return "http-json";
    case Protocol::kGrpc:
      return "grpc";
  }
  return "?";
}

struct LoadgenOptions {
  std::string target;  // host:port (an http:// prefix and a path are accepted for HTTP)
  std::string protocol = "http-proto";
  int connections = 8;
  std::string duration = "10s";
  size_t spans_per_request = 512;
  uint64_t requests = 0;  // 0: no limit
  size_t pool = 64;
  uint64_t seed = 1;
  std::string tenant;  // X-Scope-OrgID; empty: none
};

// "10s", "500ms", "2m", "1.5s", or plain seconds. nullopt when malformed or not positive.
std::optional<uint64_t> ParseDurationNanos(std::string_view text) {
  size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  if (end == 0) return std::nullopt;
  double value = 0;
  try {
    value = std::stod(std::string(text.substr(0, end)));
  } catch (...) {
    return std::nullopt;
  }
  const std::string_view unit = text.substr(end);
  double scale;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "m") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return std::nullopt;
  }
  if (!(value > 0)) return std::nullopt;
  return static_cast<uint64_t>(value * scale);
}

// ---- The request pool.

// Where one trace id sits in an encoded request, and the original value of its low 8 bytes.
struct IdPatch {
  size_t offset;  // of the 16 raw bytes (protobuf) or the 32 hex characters (JSON)
  uint8_t low[8];
};

struct PooledRequest {
  std::string body;
  size_t spans = 0;
  std::vector<IdPatch> patches;
};

// Finds every occurrence of the batch's trace ids in `encoded` (raw bytes for protobuf, lowercase
// hex for JSON; link trace ids are found too, which keeps same-request links consistent).
std::vector<IdPatch> FindTraceIds(const SpanBatch& batch, std::string_view encoded, bool hex) {
  std::vector<TraceId> ids;
  for (const Span& span : batch.spans()) ids.push_back(span.trace_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<IdPatch> patches;
  for (const TraceId& id : ids) {
    const std::string needle = hex ? id.ToHex() : std::string(id.AsStringView());
    for (size_t at = encoded.find(needle); at != std::string_view::npos;
         at = encoded.find(needle, at + needle.size())) {
      IdPatch patch;
      patch.offset = at;
      std::memcpy(patch.low, id.bytes().data() + 8, 8);
      patches.push_back(patch);
    }
  }
  return patches;
}

// Copies `request` into `out` with every trace id's low half XORed with `tag`.
void PatchedCopy(const PooledRequest& request, uint64_t tag, bool hex, std::string& out) {
  out.assign(request.body);
  uint8_t mask[8];
  std::memcpy(mask, &tag, 8);
  for (const IdPatch& patch : request.patches) {
    uint8_t low[8];
    for (int i = 0; i < 8; ++i) low[i] = patch.low[i] ^ mask[i];
    if (hex) {
      HexEncode(low, 8, out.data() + patch.offset + 16);
    } else {
      std::memcpy(out.data() + patch.offset + 8, low, 8);
    }
  }
}

std::vector<PooledRequest> BuildPool(const LoadgenOptions& options, Protocol protocol) {
  TraceGeneratorOptions generator_options;
  // Recent timestamps: a server may treat old spans differently (retention, search windows).
  generator_options.start_time_unix_nano = RealClock::Get().NowUnixNanos() - 60'000'000'000ULL;
  TraceGenerator generator(options.seed, generator_options);
  std::vector<PooledRequest> pool(options.pool);
  const bool json = protocol == Protocol::kHttpJson;
  for (PooledRequest& request : pool) {
    SpanBatch batch;
    generator.FillExactly(batch, options.spans_per_request);
    if (json) {
      otlp::EncodeExportRequestJson(batch, request.body);
    } else {
      otlp::EncodeExportRequest(batch, request.body);
    }
    request.spans = batch.size();
    request.patches = FindTraceIds(batch, request.body, json);
  }
  return pool;
}

// ---- One connection.

struct Outcome {
  enum Kind { kOk, kRefused, kError } kind = kError;
  std::string label;  // for refusals and errors: "503", "RESOURCE_EXHAUSTED", "connect: ..."
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Sends `body` and waits for the answer (reconnecting first if needed).
  virtual Outcome Send(std::string& body) = 0;
};

struct HttpTarget {
  std::string host;
  std::string port;
  std::string path = "/v1/traces";
};

// host:port, optionally with http:// and a path. nullopt when there is no port.
std::optional<HttpTarget> ParseHttpTarget(std::string_view target) {
  if (target.starts_with("http://")) target.remove_prefix(7);
  HttpTarget out;
  const size_t slash = target.find('/');
  if (slash != std::string_view::npos) {
    out.path = std::string(target.substr(slash));
    target = target.substr(0, slash);
  }
  const size_t colon = target.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == target.size()) return std::nullopt;
  out.host = std::string(target.substr(0, colon));
  out.port = std::string(target.substr(colon + 1));
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);  // [::1]
  }
  return out;
}

// HTTP/1.1 keep-alive client on Boost.Beast. Operations are asynchronous only so that they can
// time out; each Send runs the thread's own io_context until the exchange completes.
class HttpConnection final : public Connection {
 public:
  HttpConnection(HttpTarget target, std::string_view content_type, const std::string& tenant)
      : target_(std::move(target)) {
    request_.method(http::verb::post);
    request_.target(target_.path);
    request_.version(11);
    request_.set(http::field::host, target_.host + ":" + target_.port);
    request_.set(http::field::content_type, std::string(content_type));
    request_.set(http::field::user_agent, "weft-loadgen");
    if (!tenant.empty()) request_.set("X-Scope-OrgID", tenant);
    request_.keep_alive(true);
  }

  Outcome Send(std::string& body) override {
    if (!stream_ && !Connect()) return {Outcome::kError, "connect: " + last_error_};
    std::swap(request_.body(), body);
    request_.prepare_payload();
    parser_.emplace();
    parser_->body_limit(kMaxResponseBytes);
    beast::error_code result;
    stream_->expires_after(kRequestTimeout);
    http::async_write(*stream_, request_, [&](beast::error_code ec, size_t) {
      if (ec) {
        result = ec;
        return;
      }
      http::async_read(*stream_, buffer_, *parser_,
                       [&](beast::error_code read_ec, size_t) { result = read_ec; });
    });
    ioc_.restart();
    ioc_.run();
    std::swap(request_.body(), body);
    if (result) {
      Disconnect();
      const bool timeout = result == beast::error::timeout;
      return {Outcome::kError, timeout ? std::string("timeout") : "io: " + result.message()};
    }
    const auto& response = parser_->get();
    if (!response.keep_alive()) Disconnect();
    const unsigned status = response.result_int();
    if (status == 200) return {Outcome::kOk, {}};
    const Outcome::Kind kind = status == 429 || status == 503 ? Outcome::kRefused : Outcome::kError;
    return {kind, std::to_string(status)};
  }

 private:
  bool Connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    const auto endpoints = resolver.resolve(target_.host, target_.port, ec);
    if (ec) {
      last_error_ = ec.message();
      return false;
    }
    stream_.emplace(ioc_);
    stream_->expires_after(kConnectTimeout);
    stream_->async_connect(
        endpoints, [&](beast::error_code connect_ec, const tcp::endpoint&) { ec = connect_ec; });
    ioc_.restart();
    ioc_.run();
    if (ec) {
      last_error_ = ec.message();
      stream_.reset();
      return false;
    }
    stream_->socket().set_option(tcp::no_delay(true), ec);
    buffer_.clear();
    return true;
  }

  void Disconnect() {
    if (!stream_) return;
    beast::error_code ignored;
    stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.reset();
  }

  HttpTarget target_;
  net::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::string last_error_;
};

std::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN_CODE";
  }
}

// One gRPC channel (its own TCP connection: a local subchannel pool) with one call in flight,
// waited for on the connection's own completion queue.
class GrpcConnection final : public Connection {
 public:
  GrpcConnection(const std::string& target, int index, const std::string& tenant)
      : tenant_(tenant) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("weft.loadgen.connection", index);  // distinct args: never a shared channel
    args.SetMaxSendMessageSize(-1);
    args.SetMaxReceiveMessageSize(static_cast<int>(kMaxResponseBytes));
    channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  ~GrpcConnection() override {
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  Outcome Send(std::string& body) override {
    grpc::Slice slice(body.data(), body.size());
    grpc::ByteBuffer request(&slice, 1);
    grpc::ClientContext context;
    const uint64_t deadline_unix_nanos =
        RealClock::Get().NowUnixNanos() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(kRequestTimeout).count();
    context.set_deadline(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(deadline_unix_nanos))));
    if (!tenant_.empty()) context.AddMetadata("x-scope-orgid", tenant_);
    auto call = stub_->PrepareUnaryCall(&context, std::string(kGrpcExportMethod), request, &cq_);
    call->StartCall();
    grpc::ByteBuffer response;
    grpc::Status status;
    call->Finish(&response, &status, this);
    void* tag = nullptr;
    bool ok = false;
    if (!cq_.Next(&tag, &ok) || !ok) return {Outcome::kError, "grpc: completion queue failed"};
    if (status.ok()) return {Outcome::kOk, {}};
    const grpc::StatusCode code = status.error_code();
    const Outcome::Kind kind =
        code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::UNAVAILABLE
            ? Outcome::kRefused
            : Outcome::kError;
    return {kind, std::string(GrpcCodeName(code))};
  }

 private:
  std::string tenant_;
  std::shared_ptr<grpc::Channel> channel_;  // shared_ptr: gRPC's API hands channels out that way
  std::unique_ptr<grpc::GenericStub> stub_;
  grpc::CompletionQueue cq_;
};

// ---- Running the load.

// Counters one worker updates and the reporter reads. Cache-line aligned: no false sharing.
struct alignas(64) WorkerStats {
  std::atomic<uint64_t> ok_requests{0};
  std::atomic<uint64_t> ok_spans{0};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> errors{0};
  std::vector<uint32_t> latencies_micros;  // successful requests; read only after join
};

class NonOkTally {
 public:
  void Add(const Outcome& outcome) {
    absl::MutexLock lock(&mu_);
    ++counts_[outcome.label];
  }
  // "503=12, timeout=1" or "none".
  std::string Describe() const {
    absl::MutexLock lock(&mu_);
    if (counts_.empty()) return "none";
    std::string out;
    for (const auto& [label, count] : counts_) {
      if (!out.empty()) out += ", ";
      out += label + "=" + std::to_string(count);
    }
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
};

struct Totals {
  uint64_t ok_requests = 0, ok_spans = 0, refused = 0, errors = 0;
};

Totals Sum(const std::vector<std::unique_ptr<WorkerStats>>& stats) {
  Totals t;
  for (const auto& s : stats) {
    t.ok_requests += s->ok_requests.load(std::memory_order_relaxed);
    t.ok_spans += s->ok_spans.load(std::memory_order_relaxed);
    t.refused += s->refused.load(std::memory_order_relaxed);
    t.errors += s->errors.load(std::memory_order_relaxed);
  }
  return t;
}

int RunLoadgen(const LoadgenOptions& options, bool duration_given) {
  Protocol protocol;
  if (options.protocol == "http-proto") {
    protocol = Protocol::kHttpProto;
  } else if (options.protocol == "http-json") {
    protocol = Protocol::kHttpJson;
  } else if (options.protocol == "grpc") {
    protocol = Protocol::kGrpc;
  } else {
    std::fprintf(stderr, "loadgen: --protocol must be http-proto, http-json or grpc\n");
    return 2;
  }
  std::string target = options.target;
  if (target.empty()) target = protocol == Protocol::kGrpc ? "127.0.0.1:4317" : "127.0.0.1:4318";
  std::optional<HttpTarget> http_target;
  if (protocol != Protocol::kGrpc) {
    http_target = ParseHttpTarget(target);
    if (!http_target) {
      std::fprintf(stderr, "loadgen: --target must be host:port, got '%s'\n", target.c_str());
      return 2;
    }
  } else if (target.starts_with("http://")) {
    target = target.substr(7);
  }
  // With --requests and no --duration, the request count alone ends the run.
  std::optional<uint64_t> duration_nanos;
  if (duration_given || options.requests == 0) {
    duration_nanos = ParseDurationNanos(options.duration);
    if (!duration_nanos) {
      std::fprintf(stderr, "loadgen: bad --duration '%s' (e.g. 10s, 500ms, 2m)\n",
                   options.duration.c_str());
      return 2;
    }
  }

  const Clock& clock = RealClock::Get();
  const uint64_t pool_start = clock.MonotonicNanos();
  const std::vector<PooledRequest> pool = BuildPool(options, protocol);
  size_t pool_bytes = 0;
  for (const PooledRequest& r : pool) pool_bytes += r.body.size();
  const bool hex_ids = protocol == Protocol::kHttpJson;
  if (pool.front().patches.empty()) {
    std::fprintf(stderr,
                 "loadgen: warning: no trace id found in the encoded requests; every pass over "
                 "the pool resends the same traces\n");
  }
  std::printf(
      "loadgen: %s to %s, %d connections, %zu spans/request, pool of %zu requests "
      "(%.1f MiB, built in %.2f s)\n",
      std::string(ProtocolName(protocol)).c_str(), target.c_str(), options.connections,
      options.spans_per_request, pool.size(), static_cast<double>(pool_bytes) / (1 << 20),
      static_cast<double>(clock.MonotonicNanos() - pool_start) / 1e9);
  std::fflush(stdout);

  // Distinct trace ids across runs too: the tags of this run start from a random nonce.
  const uint64_t run_nonce = RandomGenerator().Next();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> claimed{0};
  NonOkTally non_ok;
  std::vector<std::unique_ptr<WorkerStats>> stats;
  stats.reserve(options.connections);
  for (int i = 0; i < options.connections; ++i) stats.push_back(std::make_unique<WorkerStats>());

  auto worker = [&](int index) {
    WorkerStats& my = *stats[index];
    std::unique_ptr<Connection> connection;
    if (protocol == Protocol::kGrpc) {
      connection = std::make_unique<GrpcConnection>(target, index, options.tenant);
    } else {
      connection = std::make_unique<HttpConnection>(
          *http_target,
          protocol == Protocol::kHttpJson ? "application/json" : "application/x-protobuf",
          options.tenant);
    }
    std::string body;
    for (uint64_t sequence = 0; !stop.load(std::memory_order_relaxed); ++sequence) {
      if (options.requests > 0 &&
          claimed.fetch_add(1, std::memory_order_relaxed) >= options.requests) {
        break;
      }
      const PooledRequest& request =
          pool[(static_cast<size_t>(index) + sequence * options.connections) % pool.size()];
      const uint64_t tag = run_nonce ^ (static_cast<uint64_t>(index) << 48) ^ sequence;
      PatchedCopy(request, tag, hex_ids, body);
      const uint64_t started = clock.MonotonicNanos();
      const Outcome outcome = connection->Send(body);
      const uint64_t micros = (clock.MonotonicNanos() - started) / 1000;
      switch (outcome.kind) {
        case Outcome::kOk:
          my.latencies_micros.push_back(
              static_cast<uint32_t>(std::min<uint64_t>(micros, UINT32_MAX)));
          my.ok_spans.fetch_add(request.spans, std::memory_order_relaxed);
          my.ok_requests.fetch_add(1, std::memory_order_relaxed);
          break;
        case Outcome::kRefused:
          my.refused.fetch_add(1, std::memory_order_relaxed);
          non_ok.Add(outcome);
          // A refusal comes back at once; a short pause keeps a refusing (or absent) server from
          // being flooded with instant retries while the other connections keep it busy.
          std::this_thread::sleep_for(kRefusedPause);
          break;
        case Outcome::kError:
          my.errors.fetch_add(1, std::memory_order_relaxed);
          non_ok.Add(outcome);
          // Do not spin on a dead server.
          if (outcome.label.starts_with("connect")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
          break;
      }
    }
  };

  const uint64_t start = clock.MonotonicNanos();
  std::atomic<int> running{options.connections};
  std::vector<std::thread> threads;
  threads.reserve(options.connections);
  for (int i = 0; i < options.connections; ++i) {
    threads.emplace_back([&, i] {
      worker(i);
      running.fetch_sub(1);
    });
  }

  // Progress once a second until the duration is over or every worker has stopped.
  Totals previous;
  uint64_t previous_time = start;
  uint64_t next_report = start + 1'000'000'000;
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const uint64_t now = clock.MonotonicNanos();
    if (duration_nanos && now - start >= *duration_nanos) stop.store(true);
    if (now >= next_report) {
      const Totals t = Sum(stats);
      const double seconds = static_cast<double>(now - previous_time) / 1e9;
      std::printf(
          "loadgen: %4.0fs %10.0f spans/s %8.1f req/s  refused %llu  errors %llu  non-OK: %s\n",
          static_cast<double>(now - start) / 1e9,
          static_cast<double>(t.ok_spans - previous.ok_spans) / seconds,
          static_cast<double>(t.ok_requests - previous.ok_requests) / seconds,
          static_cast<unsigned long long>(t.refused), static_cast<unsigned long long>(t.errors),
          non_ok.Describe().c_str());
      std::fflush(stdout);
      previous = t;
      previous_time = now;
      next_report += 1'000'000'000;
    }
  }
  for (std::thread& t : threads) t.join();
  const double elapsed = static_cast<double>(clock.MonotonicNanos() - start) / 1e9;

  const Totals t = Sum(stats);
  std::vector<uint32_t> latencies;
  for (const auto& s : stats) {
    latencies.insert(latencies.end(), s->latencies_micros.begin(), s->latencies_micros.end());
  }
  auto percentile_ms = [&](double p) {
    if (latencies.empty()) return 0.0;
    const size_t k = std::min(latencies.size() - 1,
                              static_cast<size_t>(p * static_cast<double>(latencies.size())));
    std::nth_element(latencies.begin(), latencies.begin() + static_cast<ptrdiff_t>(k),
                     latencies.end());
    return latencies[k] / 1000.0;
  };
  const double p50 = percentile_ms(0.50);
  const double p99 = percentile_ms(0.99);
  std::printf(
      "loadgen: %.1f s, %llu requests OK (%llu spans), %llu refused, %llu errors; "
      "non-OK: %s\n",
      elapsed, static_cast<unsigned long long>(t.ok_requests),
      static_cast<unsigned long long>(t.ok_spans), static_cast<unsigned long long>(t.refused),
      static_cast<unsigned long long>(t.errors), non_ok.Describe().c_str());
  std::printf(
      "loadgen: %s %.0f spans/s, %.1f req/s, %llu errors, %llu refused, p50/p99 %.2f/%.2f ms\n",
      std::string(ProtocolName(protocol)).c_str(), static_cast<double>(t.ok_spans) / elapsed,
      static_cast<double>(t.ok_requests) / elapsed, static_cast<unsigned long long>(t.errors),
      static_cast<unsigned long long>(t.refused), p50, p99);
  std::fflush(stdout);
  return t.errors > 0 || t.ok_requests == 0 ? 1 : 0;
}

}  // namespace

void AddLoadgenCommand(CLI::App& app, int* exit_code) {
  // shared_ptr: CLI11 keeps a copy of the callback, which must own the options it fills in.
  auto options = std::make_shared<LoadgenOptions>();
  CLI::App* sub = app.add_subcommand(
      "loadgen",
      "Send synthetic traces to an OTLP receiver as fast as it accepts them, and report "
      "spans/s, req/s, refusals, errors and latency");
  sub->add_option("--target", options->target,
                  "host:port of the receiver (default 127.0.0.1:4318, or :4317 for grpc); for "
                  "HTTP an http:// prefix and a path (default /v1/traces) are accepted");
  sub->add_option("--protocol", options->protocol, "http-proto, http-json or grpc")
      ->capture_default_str()
      ->check(CLI::IsMember({"http-proto", "http-json", "grpc"}));
  sub->add_option("--connections", options->connections,
                  "concurrent keep-alive connections, one request in flight on each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  CLI::Option* duration =
      sub->add_option("--duration", options->duration,
                      "how long to send (10s, 500ms, 2m); with --requests alone, no limit")
          ->capture_default_str();
  sub->add_option("--spans-per-request", options->spans_per_request,
                  "spans in each request (whole traces of 5-50 spans)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  sub->add_option("--requests", options->requests, "stop after this many requests in total");
  sub->add_option("--pool", options->pool, "distinct pre-encoded requests to cycle through")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 16));
  sub->add_option("--seed", options->seed, "trace generator seed")->capture_default_str();
  sub->add_option("--tenant", options->tenant, "X-Scope-OrgID to send (none by default)");
  sub->callback(
      [options, duration, exit_code] { *exit_code = RunLoadgen(*options, duration->count() > 0); });
}

}  // namespace weft::cli
