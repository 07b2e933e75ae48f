// Internal to src/http: the state an HttpServer shares with its connections and Responders — the
// io_context and its threads, the routing table, the registry of open connections, self-metrics.
// Included only by src/http/*.cc (it pulls in Asio).
// Thread rule: `routes` and `options` are read-only once the first listener runs; `connections`
// is guarded by `mu`; counters are atomics. `threads` and `listeners` belong to the owning thread.
#pragma once

#include <utility>  // before Asio (g++ 12, C++20)

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics.h"
#include "http/http_server.h"
#include "http/route_table.h"

namespace weft::http::detail {

namespace net = boost::asio;

class Connection;
class Listener;

struct ServerMetrics {
  Gauge* open = nullptr;
  Counter* accepted = nullptr;
  Counter* refused = nullptr;  // over max_connections
  Counter* timeouts = nullptr;
};

// Shared (see Responder::core_): Responders may outlive the HttpServer.
struct ServerCore : std::enable_shared_from_this<ServerCore> {
  explicit ServerCore(HttpServerOptions opts);
  ~ServerCore();

  // The connection registry: the server owns every open connection until it closes itself.
  void Register(const std::shared_ptr<Connection>& connection);
  void Unregister(Connection* connection);

  const HttpServerOptions options;
  RouteTable routes;
  ServerMetrics metrics;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> open_connections{0};

  absl::Mutex mu;
  absl::flat_hash_map<Connection*, std::shared_ptr<Connection>> connections ABSL_GUARDED_BY(mu);

  std::vector<std::unique_ptr<Listener>> listeners;  // owning thread only
  std::vector<std::thread> threads;                  // owning thread only
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;

  // Last, so it is destroyed first: destroying it destroys queued handlers, which may own the
  // last reference to a connection, while everything above is still alive.
  net::io_context ioc;
};

// One listening socket; accepts until closed.
class Listener {
 public:
  // `acceptor` must be bound to a strand of core.ioc (accepts and CloseSoon are serialised on it).
  Listener(ServerCore& core, net::ip::tcp::acceptor acceptor);
  void Start();
  void CloseSoon();  // any thread: closes on the listener's strand
  void Close();      // REQUIRES: the I/O threads are stopped
  int port() const;

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, net::ip::tcp::socket socket);
  void Refuse(net::ip::tcp::socket socket);

  ServerCore& core_;
  net::ip::tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;  // backs off when accept fails (e.g. out of descriptors)
};

}  // namespace weft::http::detail
