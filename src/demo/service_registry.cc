// Service name -> factory for `weft-shop service NAME` (see services.h).
// Thread rule: immutable table.
#include <utility>

#include <string_view>

#include "services.h"

namespace weft::shop {

ServiceFactory FindServiceFactory(std::string_view name) {
  static constexpr std::pair<std::string_view, ServiceFactory> kFactories[] = {
      {"frontend", &MakeFrontendService},   {"cart", &MakeCartService},
      {"catalog", &MakeCatalogService},     {"payment", &MakePaymentService},
      {"inventory", &MakeInventoryService}, {"shipping", &MakeShippingService},
      {"queue", &MakeQueueBroker},          {"fulfillment", &MakeFulfillmentService},
  };
  for (const auto& [service, factory] : kFactories) {
    if (service == name) return factory;
  }
  return nullptr;
}

}  // namespace weft::shop
