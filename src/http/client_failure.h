// How the HTTP clients (http_client.h, keepalive_client.h) report a failed exchange: a Beast /
// Asio error as the absl::Status their contracts promise (Unavailable for an unreachable server,
// DeadlineExceeded, ResourceExhausted for a body over its cap, Internal otherwise).
// Thread rule: pure function.
#pragma once

#include <utility>

#include <string>
#include <string_view>

#include <boost/beast/core/error.hpp>

#include "absl/status/status.h"

namespace weft::http {

// `what` names the step ("connect to", "read from"); the message is "<what> <host_port>: <why>".
absl::Status ClientFailure(std::string_view what, const boost::beast::error_code& ec,
                           const std::string& host_port);

}  // namespace weft::http
