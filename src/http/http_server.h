// An HTTP/1.1 server (Boost.Beast underneath, kept out of this header): N I/O threads over one
// io_context, one strand per connection, keep-alive, chunked request bodies, per-route body limits
// checked before a body is read, an admission hook that reserves memory before a body is read (so
// bytes in flight are bounded by a budget, not by connections x max body), idle/read/write and
// handler timeouts, and a cap on concurrent connections.
//
// Requests on one connection are handled one at a time, in order (pipelined requests wait in the
// read buffer). Handlers are asynchronous: they get the request and a Responder, and may answer
// from any thread, later.
//
// Thread rule: Route/RoutePrefix before the first Listen (the routing table is then read-only);
// Listen and Stop from the owning thread; handlers and hooks run on I/O threads, concurrently with
// each other, so they must be thread-safe and must not block. Stop must not be called from a
// handler.
#pragma once

#include <utility>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace weft {
class MetricsRegistry;
}

namespace weft::http {

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  void Add(std::string name, std::string value);
  // The first field named `name`, or nullopt. The view lives as long as this object is unchanged.
  std::optional<std::string_view> Get(std::string_view name) const;
  // How many fields are named `name`.
  size_t Count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Bytes a route has set aside for one request (e.g. a slice of ingest's admission budget); they
// are given back when the object is destroyed. Implementations must be thread-safe for Grow from
// one thread at a time (the server and then the handler own it in turn).
class Reservation {
 public:
  virtual ~Reservation() = default;
  // Holds `more` bytes in addition; false (unchanged) when the budget cannot hold them now.
  virtual bool Grow(size_t more) = 0;
};

struct Request {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // the request-target, e.g. "/api/search?q=x"
  std::string path;    // target before '?', not percent-decoded
  std::string query;   // target after '?', without it; "" if none
  Headers headers;
  std::string body;            // decoded from chunked framing; not decompressed
  std::string remote_address;  // "ip:port" of the peer
  // What the route's `admit` hook reserved for this request (null without one). Dropping it gives
  // the bytes back; a handler that answers asynchronously keeps it until the work is done.
  std::unique_ptr<Reservation> reservation;
};

struct Response {
  int status = 200;
  std::string content_type;                                  // no Content-Type header when empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields, e.g. Retry-After
  std::string body;
  bool close = false;  // close the connection after this response

  // A `text/plain; charset=utf-8` response.
  static Response Text(int status, std::string body);
};

namespace detail {
struct ServerCore;
class Connection;
}  // namespace detail

// Sends the answer to one request. Move-only; call it exactly once, from any thread. A second call
// is ignored. Destroying a Responder that was never called answers 500, so a lost request never
// hangs its connection. Calling it after the request timed out or the server stopped is harmless.
class Responder {
 public:
  Responder(Responder&& other) noexcept;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void operator()(Response response);

 private:
  friend class detail::Connection;
  Responder(std::shared_ptr<detail::ServerCore> core, std::weak_ptr<detail::Connection> connection,
            uint64_t request_seq);

  // Shared, not unique: a Responder may outlive the HttpServer (e.g. a storage callback firing
  // late); holding the core keeps the io_context alive until every Responder is gone.
  std::shared_ptr<detail::ServerCore> core_;
  std::weak_ptr<detail::Connection> connection_;
  uint64_t request_seq_ = 0;
};

using Handler = std::function<void(Request&&, Responder)>;

// What a route's admission hook decides before the body is read.
struct AdmitResult {
  // Set: send this and do not read the body (the connection closes if a body was announced).
  std::optional<Response> refusal;
  // Moved into Request::reservation when admitted.
  std::unique_ptr<Reservation> reservation;

  static AdmitResult Accept(std::unique_ptr<Reservation> reservation = nullptr);
  static AdmitResult Refuse(Response answer);
};

struct RouteOptions {
  // Largest body accepted on the wire (before any Content-Encoding is undone). A larger
  // Content-Length is answered 413 before a byte of the body is read; a chunked body is cut off
  // with 413 as soon as it passes the limit.
  size_t max_body_bytes = size_t{1} << 20;

  // Called with the request head (body empty) before the body is read, with the bytes to reserve:
  // the Content-Length, or for a chunked body a first slice (min(max_body_bytes, 64 KiB)); as a
  // chunked body outgrows that, the server calls Reservation::Grow and answers 429 (+ Retry-After)
  // when it fails. May also refuse for reasons of its own (415, 400 bad tenant, ...).
  // Unset: every request is admitted without a reservation.
  std::function<AdmitResult(const Request& head, size_t body_bytes)> admit;

  // Renders the answers the server gives itself on this route (413, 429, 400 malformed body,
  // 408 body timeout, 503 handler timeout) — e.g. as an OTLP Status in the request's encoding.
  // The server adds `Retry-After` to 429/503 if the rendered response has none.
  // Unset: a text/plain message.
  std::function<Response(const Request& head, int status, std::string_view message)> render_error;
};

struct HttpServerOptions {
  int io_threads = 2;
  size_t max_connections = 1024;  // beyond: answered 503 and closed
  // A connection that sends nothing (between requests, or before its first) is closed after this.
  // It also bounds the time to receive a whole request head.
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds body_read_timeout{60'000};  // the whole body, from the end of the head
  std::chrono::milliseconds write_timeout{30'000};      // the whole response
  std::chrono::milliseconds handler_timeout{60'000};    // handler to Responder; then 503 + close
  std::chrono::milliseconds shutdown_grace{5'000};      // Stop waits this long for requests
  size_t max_header_bytes = 16 * 1024;                  // request line + fields; beyond: 431
  int retry_after_seconds = 1;                          // on server-made 429/503
  // Optional self-metrics (connections open, refused, timed out), labelled server="<name>".
  MetricsRegistry* metrics = nullptr;
  std::string name = "http";
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Exact path match. REQUIRES: before the first Listen.
  void Route(std::string method, std::string path, Handler handler, RouteOptions options = {});
  // Paths starting with `prefix` (e.g. "/api/traces/"); an exact Route wins, then the longest
  // prefix. REQUIRES: before the first Listen.
  // A path known for other methods only answers 405 with `Allow`; an unknown path 404. HEAD falls
  // back to the GET route with the body dropped.
  void RoutePrefix(std::string method, std::string prefix, Handler handler,
                   RouteOptions options = {});

  // Binds "host:port" ("127.0.0.1:0", "[::1]:4318", "0.0.0.0:9411"; ":4318" means every IPv4
  // address), starts the I/O threads on first use, and returns the bound port. May be called
  // more than once (every listener serves the same routes).
  absl::StatusOr<int> Listen(std::string_view address);

  // Stops accepting, closes idle connections, lets requests in progress finish (their answers
  // carry `Connection: close`) for up to shutdown_grace, then closes whatever is left and joins
  // the I/O threads. Idempotent. Responders called afterwards do nothing.
  void Stop();

  // Connections currently open (for tests and metrics).
  size_t open_connections() const;

 private:
  // Shared with connections and Responders (see Responder::core_).
  std::shared_ptr<detail::ServerCore> core_;
};

}  // namespace weft::http
