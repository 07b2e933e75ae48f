// KeepAliveClient (keepalive_client.h): Boost.Beast over one reusable tcp_stream, driven by
// io_context::run() so that the stream's deadline applies to every step.
// Thread rule: one owner thread.
#include "http/keepalive_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/str_cat.h"
#include "http/client_failure.h"

namespace weft::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

}  // namespace

struct KeepAliveClient::Connection {
  boost::asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

KeepAliveClient::KeepAliveClient(std::string host_port)
    : host_port_(std::move(host_port)), connection_(std::make_unique<Connection>()) {}

KeepAliveClient::~KeepAliveClient() { Close(); }

void KeepAliveClient::Close() {
  if (connection_->open) {
    beast::error_code ec;
    connection_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    connection_->stream.close();
  }
  connection_ = std::make_unique<Connection>();
}

absl::StatusOr<ClientResponse> KeepAliveClient::Send(const KeepAliveRequest& request) {
  bool reused = false;
  bool got_bytes = false;
  absl::StatusOr<ClientResponse> response = SendOnce(request, reused, got_bytes);
  if (!response.ok()) {
    Close();
    if (reused && !got_bytes && std::chrono::steady_clock::now() < request.deadline) {
      response = SendOnce(request, reused, got_bytes);
      if (!response.ok()) Close();
    }
  }
  return response;
}

absl::StatusOr<ClientResponse> KeepAliveClient::SendOnce(const KeepAliveRequest& request,
                                                         bool& reused, bool& got_response_bytes) {
  Connection& c = *connection_;
  reused = c.open;
  got_response_bytes = false;
  const auto now = std::chrono::steady_clock::now();
  if (now >= request.deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("deadline passed before sending to ", host_port_));
  }
  beast::error_code ec;
  tcp::resolver::results_type endpoints;
  if (!c.open) {
    const size_t colon = host_port_.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == host_port_.size()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", host_port_, "\" is not host:port"));
    }
    std::string host = host_port_.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    tcp::resolver resolver(c.io);
    endpoints = resolver.resolve(host, host_port_.substr(colon + 1), ec);
    if (ec) return ClientFailure("resolve", ec, host_port_);
  }

  bhttp::request<bhttp::span_body<const char>> out(
      bhttp::string_to_verb(beast::string_view(request.method.data(), request.method.size())),
      beast::string_view(request.target.data(), request.target.size()), 11);
  out.set(bhttp::field::host, host_port_);
  out.keep_alive(true);
  if (request.headers != nullptr) {
    for (const auto& [name, value] : *request.headers) out.set(name, value);
  }
  out.body() = beast::span<const char>(request.body.data(), request.body.size());
  out.prepare_payload();

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_response_bytes);
  std::string_view stage = "connect to";
  c.stream.expires_after(request.deadline - now);

  auto exchange = [&] {
    stage = "send to";
    bhttp::async_write(c.stream, out, [&](beast::error_code write_ec, size_t) {
      if ((ec = write_ec)) return;
      stage = "read from";
      bhttp::async_read_header(
          c.stream, c.buffer, parser, [&](beast::error_code header_ec, size_t) {
            if ((ec = header_ec)) return;
            got_response_bytes = true;
            if (const auto length = parser.content_length();
                length && *length > request.max_response_bytes) {
              ec = bhttp::error::body_limit;
              return;
            }
            bhttp::async_read(c.stream, c.buffer, parser,
                              [&](beast::error_code read_ec, size_t) { ec = read_ec; });
          });
    });
  };
  if (c.open) {
    exchange();
  } else {
    c.stream.async_connect(endpoints, [&](beast::error_code connect_ec, const tcp::endpoint&) {
      if ((ec = connect_ec)) return;
      c.open = true;
      c.stream.socket().set_option(tcp::no_delay(true), connect_ec);
      exchange();
    });
  }
  c.io.restart();
  c.io.run();
  if (ec) return ClientFailure(stage, ec, host_port_);

  ClientResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(parser.get().body());
  if (!parser.get().keep_alive()) Close();
  return response;
}

}  // namespace weft::http
