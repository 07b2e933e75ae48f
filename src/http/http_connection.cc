// See http_connection.h. The per-request sequence: ReadHead -> OnHead (route, 413 by
// Content-Length, admission, 100-continue) -> ReadBody, then either ReadFixedBody/OnFixedBody (a
// Content-Length body, read straight into the request's string) or ReadSomeBody/OnBodyRead (a
// chunked body through Beast's parser: limit, reservation growth) -> Dispatch (handler) -> Respond
// -> Write -> OnWrite -> ReadHead again, or LingerThenClose.
#include "http/http_connection.h"

#include <utility>

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "absl/strings/str_cat.h"
#include "http/ascii.h"

namespace weft::http::detail {
namespace {

using tcp = net::ip::tcp;

// A chunked body starts with this much reserved; the reservation then follows the body's growth.
constexpr size_t kChunkedFirstReservation = 64 * 1024;
// Room in the read buffer beyond the head limit (Beast reads up to 64 KiB at a time).
constexpr size_t kReadBufferSlack = 64 * 1024;
// Capacity of the read buffer while a chunked body is read. Beast reads max(512, free capacity)
// bytes at a time and its flat_buffer grows with its contents, not its capacity, so without this
// a body the parser keeps draining would be read 512 bytes per system call.
constexpr size_t kChunkedReadBytes = 64 * 1024;
// An idle connection keeps a read buffer up to this size (larger ones are freed between requests).
constexpr size_t kIdleReadBufferBytes = 4 * 1024;
// After an answer that closes the connection, unread request bytes are drained for at most this
// long and this much, so the peer reads the answer instead of a reset.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kMaxLingerBytes = 4 << 20;
constexpr size_t kDrainChunk = 16 * 1024;

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == make_error_code(bhttp::error::bad_method).category();
}

// The peer went away or the stream was shut down: nothing to answer.
bool IsDisconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::operation_aborted || ec == net::error::broken_pipe ||
         ec == beast::error::timeout;
}

// Header fields from handlers go out verbatim, so refuse anything that could split the head.
bool IsSafeField(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == ':' || c == 0x7f) return false;
  }
  return value.find_first_of("\r\n", 0) == std::string_view::npos &&
         value.find('\0') == std::string_view::npos;
}

std::string FormatEndpoint(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  const std::string address = endpoint.address().to_string();
  return endpoint.address().is_v6() ? absl::StrCat("[", address, "]:", endpoint.port())
                                    : absl::StrCat(address, ":", endpoint.port());
}

}  // namespace

Connection::Connection(ServerCore& core, net::ip::tcp::socket socket,
                       net::strand<net::io_context::executor_type> strand)
    : core_(core),
      strand_(std::move(strand)),
      stream_(std::move(socket)),
      buffer_(core.options.max_header_bytes + kReadBufferSlack),
      remote_address_(FormatEndpoint(stream_.socket())),
      body_timer_(strand_),
      handler_timer_(strand_) {}

void Connection::Start() {
  net::dispatch(strand_, [self = shared_from_this()] { self->ReadHead(); });
}

void Connection::Post(uint64_t seq, Response response) {
  net::post(strand_, [self = shared_from_this(), seq, response = std::move(response)]() mutable {
    self->Respond(seq, std::move(response));
  });
}

void Connection::CloseWhenIdle() {
  // Write() sees ServerCore::stopping and closes after the answer in progress.
  net::post(strand_, [self = shared_from_this()] {
    if (self->reading_head_) self->Close();
  });
}

void Connection::CloseUnlocked() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  body_timer_.cancel(ignored);
  handler_timer_.cancel(ignored);
  stream_.close();
  request_.reservation.reset();
}

bool Connection::BodyPending() const {
  if (head_parser_) return head_parser_->is_header_done() && !head_parser_->is_done();
  if (body_parser_) return !body_parser_->is_done();
  return fixed_body_pending_;
}

void Connection::ReadHead() {
  if (closed_) return;
  if (core_.stopping.load(std::memory_order_relaxed)) return Close();
  route_ = nullptr;
  head_as_get_ = false;
  keep_alive_ = false;
  request_ = Request();
  head_ = Request();
  reserved_ = 0;
  body_parser_.reset();
  fixed_body_pending_ = false;
  // An idle keep-alive connection holds at most a small read buffer.
  if (buffer_.size() == 0 && buffer_.capacity() > kIdleReadBufferBytes) buffer_.shrink_to_fit();
  head_parser_.emplace();
  head_parser_->header_limit(static_cast<uint32_t>(core_.options.max_header_bytes));
  // Checked against the route's limit in OnHead. Not boost::none: Beast 1.74 compares the
  // Content-Length against an empty optional as if it were smaller than any length.
  head_parser_->body_limit(std::numeric_limits<uint64_t>::max());
  stream_.expires_after(core_.options.idle_timeout);
  reading_head_ = true;
  bhttp::async_read_header(
      stream_, buffer_, *head_parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
}

void Connection::OnHead(beast::error_code ec) {
  reading_head_ = false;
  if (ec) {
    if (ec == beast::error::timeout) core_.metrics.timeouts->Increment();
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return Fail(431, "request header fields too large");
    }
    if (IsDisconnect(ec) || !IsHttpParseError(ec)) return Close();
    return Fail(400, absl::StrCat("malformed request: ", ec.message()));
  }
  const auto& message = head_parser_->get();
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  request_.method = std::string(View(message.method_string()));
  request_.target = std::string(View(message.target()));
  const size_t question = request_.target.find('?');
  request_.path = request_.target.substr(0, question);
  if (question != std::string::npos) request_.query = request_.target.substr(question + 1);
  for (const auto& field : message) {
    request_.headers.Add(std::string(View(field.name_string())), std::string(View(field.value())));
  }
  request_.remote_address = remote_address_;
  head_.method = request_.method;
  head_.target = request_.target;
  head_.path = request_.path;
  head_.query = request_.query;
  head_.headers = request_.headers;
  head_.remote_address = request_.remote_address;

  RouteTable::Match match = core_.routes.Find(request_.method, request_.path);
  if (match.route == nullptr) {
    if (match.allow.empty()) {
      return Fail(404, absl::StrCat("no route for ", request_.path.substr(0, 256)));
    }
    Response response = Response::Text(
        405, absl::StrCat("method ", request_.method, " not allowed; use ", match.allow, "\n"));
    response.headers.emplace_back("Allow", match.allow);
    return Write(std::move(response));
  }
  route_ = match.route;
  head_as_get_ = match.head_as_get;
  const RouteOptions& options = route_->options;

  const auto length = head_parser_->content_length();
  if (length && *length > options.max_body_bytes) {
    return Fail(413, absl::StrCat("request body of ", *length, " bytes exceeds the limit of ",
                                  options.max_body_bytes, " bytes"));
  }
  size_t to_reserve = 0;
  if (length) {
    to_reserve = static_cast<size_t>(*length);
  } else if (head_parser_->chunked()) {
    to_reserve = std::min(options.max_body_bytes, kChunkedFirstReservation);
  }
  if (options.admit) {
    AdmitResult admitted = options.admit(head_, to_reserve);
    if (admitted.refusal) return Write(std::move(*admitted.refusal));
    request_.reservation = std::move(admitted.reservation);
    reserved_ = request_.reservation ? to_reserve : 0;
  }

  const auto expect = request_.headers.Get("Expect");
  if (BodyPending() && version_ >= 11 && expect && EqualsIgnoreCase(*expect, "100-continue")) {
    // The client waits for this before sending the body (curl does for large bodies).
    auto interim =
        std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, version_);
    stream_.expires_after(core_.options.write_timeout);
    bhttp::async_write(stream_, *interim,
                       [self = shared_from_this(), interim](beast::error_code write_ec, size_t) {
                         if (write_ec) return self->Close();
                         self->ReadBody();
                       });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  if (head_parser_->is_done()) {  // no body at all
    head_parser_.reset();
    return Dispatch();
  }
  if (const auto length = head_parser_->content_length()) {
    return ReadFixedBody(static_cast<size_t>(*length));  // OnHead checked it against the limit
  }
  body_parser_.emplace(std::move(*head_parser_));
  head_parser_.reset();
  body_parser_->body_limit(route_->options.max_body_bytes);
  buffer_.reserve(std::min(kChunkedReadBytes, buffer_.max_size()));
  stream_.expires_after(core_.options.body_read_timeout);
  ReadSomeBody();
}

void Connection::ReadFixedBody(size_t length) {
  head_parser_.reset();
  fixed_body_pending_ = true;
  std::string& body = request_.body;
  body.resize(length);
  if (request_.reservation && body.capacity() > reserved_) {
    if (!request_.reservation->Grow(body.capacity() - reserved_)) {
      return Fail(429, "too much data in flight; retry later");
    }
    reserved_ = body.capacity();
  }
  // What arrived with the head; anything beyond the body (a pipelined request) stays buffered.
  const size_t buffered = net::buffer_copy(net::buffer(body.data(), length), buffer_.data());
  buffer_.consume(buffered);
  if (buffered == length) return OnFixedBody({});
  // One composed read of exactly the rest, straight into the string, under one deadline for the
  // whole body (the stream's own timer would be re-armed for every read_some).
  stream_.expires_never();
  body_timed_out_ = false;
  body_timer_.expires_after(core_.options.body_read_timeout);
  body_timer_.async_wait([self = shared_from_this(), seq = seq_](beast::error_code ec) {
    self->OnBodyTimeout(seq, ec);
  });
  net::async_read(stream_.socket(), net::buffer(body.data() + buffered, length - buffered),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    beast::error_code ignored;
                    self->body_timer_.cancel(ignored);
                    self->OnFixedBody(ec);
                  });
}

void Connection::OnBodyTimeout(uint64_t seq, beast::error_code ec) {
  // `seq` is the number of the request before this one's Dispatch: a stale expiry of an earlier
  // body finds it changed.
  if (ec || closed_ || seq != seq_ || !fixed_body_pending_) return;
  body_timed_out_ = true;
  beast::error_code ignored;
  stream_.socket().cancel(ignored);  // the read completes with operation_aborted
}

void Connection::OnFixedBody(beast::error_code ec) {
  if (ec) {
    // Timed out, or the peer went away mid-body, or the connection is being closed.
    if (body_timed_out_) core_.metrics.timeouts->Increment();
    return Close();
  }
  fixed_body_pending_ = false;
  Dispatch();
}

void Connection::ReadSomeBody() {
  if (body_parser_->is_done()) {
    request_.body = std::move(body_parser_->get().body());
    keep_alive_ = body_parser_->get().keep_alive();
    body_parser_.reset();
    return Dispatch();
  }
  bhttp::async_read_some(
      stream_, buffer_, *body_parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBodyRead(ec); });
}

void Connection::OnBodyRead(beast::error_code ec) {
  if (ec) {
    if (ec == bhttp::error::body_limit) {
      return Fail(413, absl::StrCat("request body exceeds the limit of ",
                                    route_->options.max_body_bytes, " bytes"));
    }
    if (ec == beast::error::timeout) core_.metrics.timeouts->Increment();
    if (IsDisconnect(ec) || !IsHttpParseError(ec)) return Close();
    return Fail(400, absl::StrCat("malformed request body: ", ec.message()));
  }
  if (request_.reservation) {
    // What the body really holds (a growing string over-allocates); chunked bodies grow here.
    const size_t held = body_parser_->get().body().capacity();
    if (held > reserved_) {
      if (!request_.reservation->Grow(held - reserved_)) {
        return Fail(429, "too much data in flight; retry later");
      }
      reserved_ = held;
    }
  }
  ReadSomeBody();
}

void Connection::Dispatch() {
  stream_.expires_never();
  ++seq_;
  awaiting_response_ = true;
  handler_timer_.expires_after(core_.options.handler_timeout);
  handler_timer_.async_wait([self = shared_from_this(), seq = seq_](beast::error_code ec) {
    self->OnHandlerTimeout(seq, ec);
  });
  Responder responder(core_.shared_from_this(), weak_from_this(), seq_);
  try {
    route_->handler(std::move(request_), std::move(responder));
  } catch (...) {
    // A handler must not throw; if one does, its Responder (destroyed by now) answered 500.
  }
}

void Connection::OnHandlerTimeout(uint64_t seq, beast::error_code ec) {
  if (ec || closed_ || seq != seq_ || !awaiting_response_) return;
  awaiting_response_ = false;
  core_.metrics.timeouts->Increment();
  // The handler may still answer later; the Responder's sequence number makes that a no-op, and
  // closing keeps a late answer from ever reaching a later request.
  keep_alive_ = false;
  Fail(503, "the request was not handled in time");
}

void Connection::Respond(uint64_t seq, Response response) {
  if (closed_ || seq != seq_ || !awaiting_response_) return;
  awaiting_response_ = false;
  beast::error_code ignored;
  handler_timer_.cancel(ignored);
  Write(std::move(response));
}

void Connection::Fail(int status, std::string_view message) {
  Response response;
  if (route_ != nullptr && route_->options.render_error) {
    response = route_->options.render_error(head_, status, message);
  } else {
    response = Response::Text(status, absl::StrCat(std::string(message), "\n"));
  }
  response.status = status;
  const bool has_retry_after =
      std::any_of(response.headers.begin(), response.headers.end(),
                  [](const auto& field) { return EqualsIgnoreCase(field.first, "Retry-After"); });
  if ((status == 429 || status == 503) && !has_retry_after) {
    response.headers.emplace_back("Retry-After", absl::StrCat(core_.options.retry_after_seconds));
  }
  Write(std::move(response));
}

void Connection::Write(Response response) {
  if (closed_) return;
  close_after_write_ = response.close || !keep_alive_ || BodyPending() ||
                       core_.stopping.load(std::memory_order_relaxed);
  response_.emplace();
  auto& out = *response_;
  out.version(version_);
  out.result(response.status >= 200 && response.status <= 999 ? response.status : 500);
  out.set(bhttp::field::server, "weft");
  // Answers may echo request data (paths, messages): never let a browser sniff them into HTML.
  out.set("X-Content-Type-Options", "nosniff");
  if (!response.content_type.empty() && IsSafeField("Content-Type", response.content_type)) {
    out.set(bhttp::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    if (IsSafeField(name, value)) out.insert(name, value);
  }
  out.body() = std::move(response.body);
  out.prepare_payload();  // Content-Length, also for HEAD, whose body is then dropped
  if (head_as_get_) out.body().clear();
  out.keep_alive(!close_after_write_);
  stream_.expires_after(core_.options.write_timeout);
  bhttp::async_write(stream_, out, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnWrite(ec);
  });
}

void Connection::OnWrite(beast::error_code ec) {
  response_.reset();
  if (ec) return Close();
  if (close_after_write_) return LingerThenClose();
  ReadHead();
}

void Connection::LingerThenClose() {
  request_.reservation.reset();
  request_.body = std::string();
  head_parser_.reset();
  body_parser_.reset();
  fixed_body_pending_ = false;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.consume(buffer_.size());
  drained_ = 0;
  stream_.expires_after(kLingerTime);
  Drain();
}

void Connection::Drain() {
  stream_.async_read_some(buffer_.prepare(kDrainChunk),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kMaxLingerBytes) return self->Close();
                            self->Drain();
                          });
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  body_timer_.cancel(ignored);
  handler_timer_.cancel(ignored);
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  request_.reservation.reset();
  core_.Unregister(this);  // the caller's handler still holds a reference
}

}  // namespace weft::http::detail
