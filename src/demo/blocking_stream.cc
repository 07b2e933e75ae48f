// Deadline-bounded blocking HTTP operations over a Beast tcp_stream (see blocking_stream.h).
// Thread rule: one thread at a time per stream.
#include "blocking_stream.h"

#include <boost/asio/ip/address.hpp>

namespace weft::shop {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

BlockingStream::BlockingStream() : stream_(io_context_) {}

BlockingStream::BlockingStream(int native_socket) : stream_(io_context_) {
  boost::beast::error_code ec;
  stream_.socket().assign(tcp::v4(), native_socket, ec);
}

boost::beast::error_code BlockingStream::Connect(const std::string& host, int port,
                                                 std::chrono::milliseconds timeout) {
  boost::beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return ec;
  stream_.expires_after(timeout);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  return Run([&](auto handler) { stream_.async_connect(endpoint, std::move(handler)); });
}

void BlockingStream::Close() {
  boost::beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

}  // namespace weft::shop
