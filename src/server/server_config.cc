#include "server/server_config.h"

namespace weft::server {
namespace {

void ReplaceHost(std::string& address, const std::string& host) {
  const size_t colon = address.rfind(':');
  const std::string port = colon == std::string::npos ? address : address.substr(colon + 1);
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  address = (ipv6 ? "[" + host + "]" : host) + ":" + port;
}

}  // namespace

void OverrideListenHost(ServerConfig& config, const std::string& host) {
  for (std::string* address : {&config.otlp_grpc_addr, &config.otlp_http_addr, &config.zipkin_addr,
                               &config.tempo_addr, &config.http_addr}) {
    ReplaceHost(*address, host);
  }
}

}  // namespace weft::server
