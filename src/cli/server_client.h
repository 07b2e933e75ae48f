// How the query subcommands (`weft services`, `weft operations`, `weft trace`) reach a running
// server: GET a path of its HTTP API and get the body of a 200, or an error a person can act on
// ("no weft server answers at 127.0.0.1:16686 — start one with `weft serve` or pass --server").
// Thread rule: free functions.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace weft::cli {

inline constexpr const char* kDefaultServer = "127.0.0.1:16686";

// The body of a 200 answer to `GET target` on `server` (host:port). Errors: Unavailable when no
// server answers, NotFound for a 404, InvalidArgument / Internal with the server's own message
// for other answers.
// `accept` sets the Accept header when not empty.
absl::StatusOr<std::string> GetFromServer(const std::string& server, const std::string& target,
                                          const std::string& accept = "");

// Percent-encodes `text` for a URL path segment or query value.
std::string UrlEncode(std::string_view text);

}  // namespace weft::cli
