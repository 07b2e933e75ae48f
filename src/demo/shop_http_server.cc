// A thread-per-connection Beast HTTP server for the shop's services (see shop_http_server.h).
// Thread rule: see the header.
#include "shop_http_server.h"

#include <exception>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

namespace weft::shop {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds kIdleTimeout{60};
constexpr std::chrono::seconds kWriteTimeout{10};

HttpResponse MakeResponse(http::status status, std::string body, std::string_view content_type) {
  HttpResponse response(status, 11);
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  response.set(http::field::server, "weft-shop");
  response.body() = std::move(body);
  return response;
}

ShopHttpServer::ShopHttpServer() : acceptor_(io_context_) {}

ShopHttpServer::~ShopHttpServer() { Stop(std::chrono::milliseconds(0)); }

bool ShopHttpServer::Listen(const std::string& host, int port, std::string* error) {
  boost::beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  if (!ec) acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    return false;
  }
  port_ = acceptor_.local_endpoint().port();
  return true;
}

void ShopHttpServer::Start(Handler handler) {
  handler_ = std::move(handler);
  started_ = true;
  AcceptNext();
  accept_thread_ = std::thread([this] { io_context_.run(); });
}

void ShopHttpServer::AcceptNext() {
  acceptor_.async_accept([this](boost::beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (acceptor_.is_open() && !stopping_) AcceptNext();
      return;
    }
    const int fd = socket.release(ec);
    if (!ec) std::thread([this, fd] { Serve(fd); }).detach();
    AcceptNext();
  });
}

void ShopHttpServer::Serve(int native_socket) {
  BlockingStream stream(native_socket);
  boost::beast::flat_buffer buffer;
  while (!stopping_) {
    HttpRequest request;
    if (stream.Read(buffer, request, kIdleTimeout)) break;
    {
      std::lock_guard lock(mutex_);
      ++active_requests_;
    }
    const auto [path, query] =
        SplitTarget(std::string_view(request.target().data(), request.target().size()));
    HttpResponse response;
    try {
      response = handler_(ServerRequest{request, path, QueryParams::Parse(query)});
    } catch (const std::exception& e) {
      response = MakeResponse(http::status::internal_server_error,
                              std::string("{\"error\":\"") + e.what() + "\"}");
    }
    response.version(request.version());
    response.keep_alive(request.keep_alive() && !stopping_);
    response.prepare_payload();
    const bool written = !stream.Write(response, kWriteTimeout);
    {
      std::lock_guard lock(mutex_);
      if (--active_requests_ == 0) idle_.notify_all();
    }
    if (!written || !response.keep_alive()) break;
  }
  stream.Close();
}

void ShopHttpServer::Stop(std::chrono::milliseconds drain) {
  if (!started_) return;
  started_ = false;
  stopping_ = true;
  asio::post(io_context_, [this] {
    boost::beast::error_code ec;
    acceptor_.close(ec);
  });
  if (accept_thread_.joinable()) accept_thread_.join();
  std::unique_lock lock(mutex_);
  idle_.wait_for(lock, drain, [this] { return active_requests_ == 0; });
}

}  // namespace weft::shop
