// Parsing an OTLP endpoint URL ("http://host:port/path") into what the HTTP client needs.
// Thread rule: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace weft::sdk_otlp {

struct Endpoint {
  std::string host_port;  // "127.0.0.1:4318" (default port 80 for http)
  std::string target;     // "/v1/traces"
};

// nullopt for anything but http:// URLs (https is not supported yet) or a malformed host.
std::optional<Endpoint> ParseEndpoint(std::string_view url);

}  // namespace weft::sdk_otlp
