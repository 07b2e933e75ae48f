// ClientFailure (client_failure.h).
#include "http/client_failure.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "absl/strings/str_cat.h"

namespace weft::http {

absl::Status ClientFailure(std::string_view what, const boost::beast::error_code& ec,
                           const std::string& host_port) {
  const std::string message = absl::StrCat(std::string(what), " ", host_port, ": ", ec.message());
  if (ec == boost::beast::error::timeout) return absl::DeadlineExceededError(message);
  if (ec == boost::beast::http::error::body_limit) return absl::ResourceExhaustedError(message);
  if (ec == boost::asio::error::connection_refused || ec == boost::asio::error::host_not_found ||
      ec == boost::asio::error::host_not_found_try_again ||
      ec == boost::asio::error::network_unreachable) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

}  // namespace weft::http
