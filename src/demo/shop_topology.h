// Where the shop's services listen: one port each, at fixed offsets from a base port (default
// 18080), all on 127.0.0.1. Every process of the shop is started with the same base port, so each
// knows its peers' addresses without a registry.
//
//   frontend 18080  cart 18081  catalog 18082  checkout 18083 (JavaScript)  payment 18084
//   inventory 18085  shipping 18086  queue 18087  fulfillment 18088
//
// Thread rule: immutable data and pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace weft::shop {

inline constexpr int kDefaultBasePort = 18080;
inline constexpr const char* kShopHost = "127.0.0.1";

struct ServiceInfo {
  std::string_view name;
  int port_offset;
  bool javascript;           // run with node (js/checkout.mjs), not `weft-shop service`
  std::string_view summary;  // one line for --help and docs
};

// Every service, in start order (dependencies first, frontend last).
std::span<const ServiceInfo> AllServices();
const ServiceInfo* FindService(std::string_view name);

struct Endpoint {
  std::string host = kShopHost;
  int port = 0;
  std::string HostPort() const { return host + ":" + std::to_string(port); }
};

// The endpoint of service `name` when the shop runs from `base_port`.
// REQUIRES: FindService(name) != nullptr.
Endpoint EndpointOf(std::string_view name, int base_port);

}  // namespace weft::shop
