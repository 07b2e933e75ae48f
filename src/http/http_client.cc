#include "http/http_client.h"

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

absl::StatusOr<ClientResponse> Fetch(const ClientRequest& request) {
  const size_t colon = request.host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == request.host_port.size()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", request.host_port, "\" is not host:port"));
  }
  const std::string host = request.host_port.substr(0, colon);
  const std::string port = request.host_port.substr(colon + 1);

  // Asynchronous operations driven by run(): the stream's deadline applies only to those.
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return ClientFailure("resolve", ec, request.host_port);

  bhttp::request<bhttp::string_body> out(bhttp::string_to_verb(request.method), request.target, 11);
  out.set(bhttp::field::host, request.host_port);
  out.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) out.set(name, value);
  out.body() = request.body;
  out.prepare_payload();

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_response_bytes);
  std::string_view stage = "connect to";
  stream.expires_after(request.timeout);
  stream.async_connect(endpoints, [&](beast::error_code connect_ec, const tcp::endpoint&) {
    if ((ec = connect_ec)) return;
    stage = "send to";
    bhttp::async_write(stream, out, [&](beast::error_code write_ec, size_t) {
      if ((ec = write_ec)) return;
      stage = "read from";
      bhttp::async_read_header(stream, buffer, parser, [&](beast::error_code header_ec, size_t) {
        if ((ec = header_ec)) return;
        // A declared length over the cap fails before any of the body is read.
        if (const auto length = parser.content_length();
            length && *length > request.max_response_bytes) {
          ec = bhttp::error::body_limit;
          return;
        }
        bhttp::async_read(stream, buffer, parser,
                          [&](beast::error_code read_ec, size_t) { ec = read_ec; });
      });
    });
  });
  io.run();
  if (ec) return ClientFailure(stage, ec, request.host_port);

  ClientResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(parser.get().body());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return response;
}

}  // namespace weft::http
