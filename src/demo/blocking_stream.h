// A TCP stream with blocking, deadline-bounded HTTP operations: each call runs one Beast async
// operation on the stream's own io_context until it completes or its timeout expires. The shop's
// servers (one thread per connection) and clients use it, so a stuck peer never hangs a thread.
// Thread rule: one thread at a time per stream.
#pragma once

#include <utility>  // before Boost.Asio under C++20 with g++ 12 (DESIGN.md)

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace weft::shop {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

class BlockingStream {
 public:
  BlockingStream();
  // Adopts an accepted socket's descriptor.
  explicit BlockingStream(int native_socket);
  BlockingStream(const BlockingStream&) = delete;
  BlockingStream& operator=(const BlockingStream&) = delete;

  boost::beast::error_code Connect(const std::string& host, int port,
                                   std::chrono::milliseconds timeout);

  template <class Message>
  boost::beast::error_code Read(boost::beast::flat_buffer& buffer, Message& message,
                                std::chrono::milliseconds timeout) {
    stream_.expires_after(timeout);
    return Run(
        [&](auto handler) { http::async_read(stream_, buffer, message, std::move(handler)); });
  }

  template <class Message>
  boost::beast::error_code Write(Message& message, std::chrono::milliseconds timeout) {
    stream_.expires_after(timeout);
    return Run([&](auto handler) { http::async_write(stream_, message, std::move(handler)); });
  }

  // Shuts down the sending side and closes; errors are ignored.
  void Close();

 private:
  // Starts `start(handler)` and runs the io_context until the handler has been called.
  template <class Start>
  boost::beast::error_code Run(Start&& start) {
    boost::beast::error_code result = boost::asio::error::would_block;
    start([&result](boost::beast::error_code ec, auto&&...) { result = ec; });
    io_context_.restart();
    io_context_.run();
    return result;
  }

  boost::asio::io_context io_context_{1};
  boost::beast::tcp_stream stream_;
};

}  // namespace weft::shop
