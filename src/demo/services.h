// The factories of the shop's C++ services; each lives in its own <name>_service.cc (the broker in
// queue_broker.cc). The `checkout` service is JavaScript (js/checkout.mjs).
// Thread rule: factories are called once, on the main thread, before the server starts.
#pragma once

#include "service_host.h"

namespace weft::shop {

ServiceDefinition MakeFrontendService(const ServiceContext& context);
ServiceDefinition MakeCartService(const ServiceContext& context);
ServiceDefinition MakeCatalogService(const ServiceContext& context);
ServiceDefinition MakePaymentService(const ServiceContext& context);
ServiceDefinition MakeInventoryService(const ServiceContext& context);
ServiceDefinition MakeShippingService(const ServiceContext& context);
ServiceDefinition MakeQueueBroker(const ServiceContext& context);
ServiceDefinition MakeFulfillmentService(const ServiceContext& context);

// The factory of C++ service `name`, or null (unknown, or the JavaScript one).
ServiceFactory FindServiceFactory(std::string_view name);

}  // namespace weft::shop
