// A minimal blocking HTTP/1.1 client over POSIX sockets for tests: one request per connection
// (Connection: close), answers read to EOF. Enough to check status, headers and bodies of weft's
// servers without another HTTP stack. Thread rule: free functions; each call owns its socket.
#pragma once

#include <utility>

#include <string>
#include <vector>

namespace weft::testing {

struct HttpResult {
  int status = 0;  // 0: could not connect or parse
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header named `name` (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& body = "");

}  // namespace weft::testing
