// Internal to src/http: one accepted HTTP/1.1 connection. Reads a request head, routes it, asks the
// route's admission hook, reads the body (bounded by the route's limit and the reservation), hands
// the request to the handler, writes its answer, and starts over (keep-alive) or closes with a
// lingering drain so the peer sees the answer rather than a reset.
// Thread rule: every member runs on the connection's strand, except Post (any thread) and
// CloseUnlocked (only once the I/O threads are stopped).
#pragma once

#include <utility>  // before Asio (g++ 12, C++20)

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/http_server.h"
#include "http/route_table.h"
#include "http/server_core.h"

namespace weft::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must be bound to `strand`.
  Connection(ServerCore& core, net::ip::tcp::socket socket,
             net::strand<net::io_context::executor_type> strand);

  void Start();
  // Queues `response` as the answer to request number `seq` (ignored if stale). Any thread.
  void Post(uint64_t seq, Response response);
  // For a graceful stop (any thread): closes now if waiting for a request, else after the answer
  // to the request in progress.
  void CloseWhenIdle();
  // Closes the socket without the strand. REQUIRES: no I/O thread is running.
  void CloseUnlocked();

 private:
  void ReadHead();
  void OnHead(beast::error_code ec);
  void ReadBody();
  void ReadFixedBody(size_t length);
  void OnBodyTimeout(uint64_t seq, beast::error_code ec);
  void OnFixedBody(beast::error_code ec);
  void ReadSomeBody();
  void OnBodyRead(beast::error_code ec);
  void Dispatch();
  void OnHandlerTimeout(uint64_t seq, beast::error_code ec);
  void Respond(uint64_t seq, Response response);

  // An answer made by the server itself, rendered by the route when it has a renderer.
  void Fail(int status, std::string_view message);
  // Writes `response`; then closes (drain first) or reads the next request.
  void Write(Response response);
  void OnWrite(beast::error_code ec);
  void LingerThenClose();
  void Drain();
  void Close();

  // True once the head is read but the body is not (fully) read: the stream is not at a request
  // boundary, so the connection cannot be reused.
  bool BodyPending() const;

  ServerCore& core_;
  const net::strand<net::io_context::executor_type> strand_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_address_;

  std::optional<bhttp::request_parser<bhttp::empty_body>> head_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
  const RouteEntry* route_ = nullptr;
  bool head_as_get_ = false;
  Request request_;      // the request being read (moved to the handler)
  Request head_;         // its head without the body, kept for rendering server-made answers
  size_t reserved_ = 0;  // bytes request_.reservation holds for the body
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool reading_head_ = false;  // waiting for (the rest of) a request head
  // A Content-Length body is being read into request_.body (no parser involved).
  bool fixed_body_pending_ = false;
  bool body_timed_out_ = false;
  net::steady_timer body_timer_;  // body_read_timeout for a Content-Length body

  uint64_t seq_ = 0;  // number of the request in the handler; Responders carry it
  bool awaiting_response_ = false;
  net::steady_timer handler_timer_;

  std::optional<bhttp::response<bhttp::string_body>> response_;  // being written
  bool close_after_write_ = false;
  size_t drained_ = 0;
  bool closed_ = false;
};

}  // namespace weft::http::detail
