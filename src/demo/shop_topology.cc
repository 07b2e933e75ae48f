// The shop's services and their ports (see shop_topology.h).
// Thread rule: immutable data and pure functions.
#include "shop_topology.h"

#include <array>

namespace weft::shop {
namespace {

constexpr std::array<ServiceInfo, 9> kServices{{
    {"queue", 7, false, "message broker: POST /publish, long-poll GET /consume"},
    {"fulfillment", 8, false, "consumes shipment.requested from the queue"},
    {"payment", 4, false, "charges a card, PayPal or a gift card"},
    {"inventory", 5, false, "reserves stock (mysql spans)"},
    {"shipping", 6, false, "quotes a carrier, publishes shipment.requested"},
    {"cart", 1, false, "loads the cart (postgresql spans)"},
    {"catalog", 2, false, "prices products (redis cache, postgresql on a miss)"},
    {"checkout", 3, true, "JavaScript (OpenTelemetry JS SDK): payment, inventory, shipping"},
    {"frontend", 0, false, "the shop's entry point: catalog, cart, checkout"},
}};

}  // namespace

std::span<const ServiceInfo> AllServices() { return kServices; }

const ServiceInfo* FindService(std::string_view name) {
  for (const ServiceInfo& info : kServices) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

Endpoint EndpointOf(std::string_view name, int base_port) {
  return Endpoint{.host = kShopHost, .port = base_port + FindService(name)->port_offset};
}

}  // namespace weft::shop
