// The shop's HTTP/1.1 server: Boost.Beast, one accept thread and one thread per connection
// (keep-alive honoured), so a handler may block — sleep standing for work, call other services,
// long-poll — without holding anyone else up. Simple and robust at demo rates.
// Thread rule: Listen/Start/Stop from one controlling thread; the handler is called concurrently
// from connection threads and must be thread-safe. Connection threads are detached: a process
// that destroys its server must not outlive it by much (the services _Exit right after Stop).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "blocking_stream.h"
#include "query_params.h"

namespace weft::shop {

struct ServerRequest {
  const HttpRequest& http;
  std::string_view path;
  QueryParams query;
};

using Handler = std::function<HttpResponse(const ServerRequest&)>;

// A response with `body` and its content type (JSON by default).
HttpResponse MakeResponse(http::status status, std::string body,
                          std::string_view content_type = "application/json");

class ShopHttpServer {
 public:
  ShopHttpServer();
  ~ShopHttpServer();  // Stop()s
  ShopHttpServer(const ShopHttpServer&) = delete;
  ShopHttpServer& operator=(const ShopHttpServer&) = delete;

  // Binds host:port (port 0 picks one). False with `*error` set when it cannot.
  bool Listen(const std::string& host, int port, std::string* error);
  int port() const { return port_; }
  // Accepts connections on a thread of its own until Stop. REQUIRES: Listen succeeded.
  void Start(Handler handler);
  // Stops accepting, then waits up to `drain` for requests in progress to finish. Idle
  // keep-alive connections are not waited for: their threads end when the peer closes, the idle
  // timeout passes, or the process exits (the services _Exit after flushing the SDK).
  void Stop(std::chrono::milliseconds drain = std::chrono::seconds(2));

 private:
  void AcceptNext();
  void Serve(int native_socket);

  boost::asio::io_context io_context_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread accept_thread_;
  Handler handler_;
  int port_ = 0;
  bool started_ = false;

  std::mutex mutex_;
  std::condition_variable idle_;
  int active_requests_ = 0;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
};

}  // namespace weft::shop
