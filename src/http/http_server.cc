// See http_server.h. This file holds the server's lifecycle (listeners, threads, Stop), the
// connection registry, the Responder and the small value types; http_connection.cc holds the
// per-connection protocol.
#include "http/http_server.h"

#include <utility>  // before Asio (g++ 12, C++20)

#include <algorithm>
#include <cassert>
#include <charconv>
#include <chrono>
#include <string>
#include <thread>

#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "http/ascii.h"
#include "http/http_connection.h"
#include "http/server_core.h"

namespace weft::http {

// ---- value types ----

void Headers::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (EqualsIgnoreCase(field, name)) return std::string_view(value);
  }
  return std::nullopt;
}

size_t Headers::Count(std::string_view name) const {
  return std::count_if(fields_.begin(), fields_.end(),
                       [name](const auto& field) { return EqualsIgnoreCase(field.first, name); });
}

Response Response::Text(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

AdmitResult AdmitResult::Accept(std::unique_ptr<Reservation> reservation) {
  AdmitResult result;
  result.reservation = std::move(reservation);
  return result;
}

AdmitResult AdmitResult::Refuse(Response answer) {
  AdmitResult result;
  result.refusal = std::move(answer);
  return result;
}

// ---- Responder ----

Responder::Responder(std::shared_ptr<detail::ServerCore> core,
                     std::weak_ptr<detail::Connection> connection, uint64_t request_seq)
    : core_(std::move(core)), connection_(std::move(connection)), request_seq_(request_seq) {}

Responder::Responder(Responder&& other) noexcept
    : core_(std::move(other.core_)),
      connection_(std::move(other.connection_)),
      request_seq_(other.request_seq_) {}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (core_) (*this)(Response::Text(500, "the request was dropped\n"));
    core_ = std::move(other.core_);
    connection_ = std::move(other.connection_);
    request_seq_ = other.request_seq_;
  }
  return *this;
}

Responder::~Responder() {
  if (core_) (*this)(Response::Text(500, "the request was dropped\n"));
}

void Responder::operator()(Response response) {
  if (!core_) return;  // already answered, or moved from
  // Keep the core (and its io_context) alive while posting to the connection's strand.
  const std::shared_ptr<detail::ServerCore> core = std::move(core_);
  core_.reset();
  if (std::shared_ptr<detail::Connection> connection = connection_.lock()) {
    connection->Post(request_seq_, std::move(response));
  }
  connection_.reset();
}

// ---- ServerCore and Listener ----

namespace detail {

ServerCore::ServerCore(HttpServerOptions opts) : options(std::move(opts)) {
  static MetricsRegistry unused_registry;  // keeps the counters valid when metrics are off
  MetricsRegistry& registry = options.metrics != nullptr ? *options.metrics : unused_registry;
  const std::string labels = absl::StrCat("server=\"", options.name, "\"");
  metrics.open = &registry.GetGauge("weft_http_connections_open", "Open HTTP connections.", labels);
  metrics.accepted = &registry.GetCounter("weft_http_connections_accepted_total",
                                          "HTTP connections accepted.", labels);
  metrics.refused =
      &registry.GetCounter("weft_http_connections_refused_total",
                           "HTTP connections refused because max_connections were open.", labels);
  metrics.timeouts = &registry.GetCounter("weft_http_timeouts_total",
                                          "HTTP reads and handlers that ran out of time.", labels);
}

ServerCore::~ServerCore() {
  // Normally done by HttpServer::Stop; these must go before the io_context.
  listeners.clear();
  work.reset();
  absl::MutexLock lock(&mu);
  connections.clear();
}

void ServerCore::Register(const std::shared_ptr<Connection>& connection) {
  open_connections.fetch_add(1, std::memory_order_relaxed);
  metrics.open->Add(1);
  metrics.accepted->Increment();
  absl::MutexLock lock(&mu);
  Connection* key = connection.get();
  connections.emplace(key, connection);
}

void ServerCore::Unregister(Connection* connection) {
  std::shared_ptr<Connection> last;  // released outside the lock
  {
    absl::MutexLock lock(&mu);
    auto it = connections.find(connection);
    if (it == connections.end()) return;
    last = std::move(it->second);
    connections.erase(it);
  }
  open_connections.fetch_sub(1, std::memory_order_relaxed);
  metrics.open->Add(-1);
}

Listener::Listener(ServerCore& core, net::ip::tcp::acceptor acceptor)
    : core_(core), acceptor_(std::move(acceptor)), retry_timer_(acceptor_.get_executor()) {}

void Listener::Start() { Accept(); }

void Listener::CloseSoon() {
  net::post(acceptor_.get_executor(), [this] { Close(); });
}

void Listener::Close() {
  boost::system::error_code ignored;
  retry_timer_.cancel(ignored);
  acceptor_.close(ignored);
}

int Listener::port() const {
  boost::system::error_code ec;
  const auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Listener::Accept() {
  auto strand = net::make_strand(core_.ioc);
  acceptor_.async_accept(strand, [this, strand](boost::system::error_code ec,
                                                net::ip::tcp::socket socket) {
    if (ec == net::error::operation_aborted || core_.stopping.load()) return;
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      retry_timer_.expires_after(std::chrono::milliseconds(50));
      retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    if (core_.open_connections.load(std::memory_order_relaxed) >= core_.options.max_connections) {
      Refuse(std::move(socket));
    } else {
      auto connection = std::make_shared<Connection>(core_, std::move(socket), strand);
      core_.Register(connection);
      connection->Start();
    }
    Accept();
  });
}

void Listener::Refuse(net::ip::tcp::socket socket) {
  core_.metrics.refused->Increment();
  static constexpr char kBody[] = "too many connections\n";
  // Owned by the write's handler; shared only so the lambda can be copied by Asio.
  auto answer = std::make_shared<std::string>(absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nServer: weft\r\nConnection: close\r\nRetry-After: ",
      core_.options.retry_after_seconds, "\r\nContent-Type: text/plain; charset=utf-8\r\n",
      "Content-Length: ", sizeof(kBody) - 1, "\r\n\r\n", kBody));
  auto stream = std::make_shared<boost::beast::tcp_stream>(std::move(socket));
  stream->expires_after(std::chrono::seconds(5));
  net::async_write(*stream, net::buffer(*answer),
                   [stream, answer](boost::system::error_code, size_t) {
                     boost::system::error_code ignored;
                     stream->socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
                     stream->close();
                   });
}

}  // namespace detail

// ---- HttpServer ----

HttpServer::HttpServer(HttpServerOptions options)
    : core_(std::make_shared<detail::ServerCore>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string method, std::string path, Handler handler,
                       RouteOptions options) {
  assert(core_->listeners.empty() && handler);
  core_->routes.Add(RouteEntry{std::move(method), std::move(path), /*prefix=*/false,
                               std::move(handler), std::move(options)});
}

void HttpServer::RoutePrefix(std::string method, std::string prefix, Handler handler,
                             RouteOptions options) {
  assert(core_->listeners.empty() && handler);
  core_->routes.Add(RouteEntry{std::move(method), std::move(prefix), /*prefix=*/true,
                               std::move(handler), std::move(options)});
}

absl::StatusOr<int> HttpServer::Listen(std::string_view address) {
  namespace net = boost::asio;
  using tcp = net::ip::tcp;
  if (core_->stopping.load()) return absl::FailedPreconditionError("the server was stopped");
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address '", std::string(address), "' is not host:port"));
  }
  std::string_view host = address.substr(0, colon);
  int port = 0;
  const std::string_view port_text = address.substr(colon + 1);
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad port in listen address '", std::string(address), "'"));
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const net::ip::address ip = net::ip::make_address(std::string(host), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address '", std::string(address), "': host must be an IP address"));
  }
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  tcp::acceptor acceptor(net::make_strand(core_->ioc));
  if (acceptor.open(endpoint.protocol(), ec); !ec) {
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", std::string(address), ": ", ec.message()));
  }
  auto listener = std::make_unique<detail::Listener>(*core_, std::move(acceptor));
  const int bound_port = listener->port();
  listener->Start();
  core_->listeners.push_back(std::move(listener));
  if (core_->threads.empty()) {
    core_->work.emplace(core_->ioc.get_executor());
    const int threads = std::max(1, core_->options.io_threads);
    for (int i = 0; i < threads; ++i) {
      core_->threads.emplace_back([core = core_.get()] {
        for (;;) {
          try {
            core->ioc.run();
            return;
          } catch (...) {
            // Something threw through Asio; keep serving the other connections.
          }
        }
      });
    }
  }
  return bound_port;
}

void HttpServer::Stop() {
  if (core_->stopping.exchange(true)) return;
  if (!core_->threads.empty()) {
    // Graceful part: no new connections; idle ones close now, busy ones after their answer.
    for (auto& listener : core_->listeners) listener->CloseSoon();
    std::vector<std::shared_ptr<detail::Connection>> open;
    {
      absl::MutexLock lock(&core_->mu);
      for (auto& [key, connection] : core_->connections) open.push_back(connection);
    }
    for (auto& connection : open) connection->CloseWhenIdle();
    open.clear();
    const auto deadline = std::chrono::steady_clock::now() + core_->options.shutdown_grace;
    while (core_->open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  core_->work.reset();
  core_->ioc.stop();
  for (std::thread& thread : core_->threads) thread.join();
  core_->threads.clear();
  // No I/O thread runs from here on, so sockets may be closed directly.
  for (auto& listener : core_->listeners) listener->Close();
  core_->listeners.clear();
  std::vector<std::shared_ptr<detail::Connection>> open;
  {
    absl::MutexLock lock(&core_->mu);
    for (auto& [key, connection] : core_->connections) open.push_back(std::move(connection));
    core_->connections.clear();
  }
  for (auto& connection : open) connection->CloseUnlocked();
  core_->open_connections.store(0);
  core_->metrics.open->Set(0);
}

size_t HttpServer::open_connections() const {
  return core_->open_connections.load(std::memory_order_relaxed);
}

}  // namespace weft::http
