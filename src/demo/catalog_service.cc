// `catalog`: GET /price?items= prices a cart's products. Prices come from a "redis" cache; about
// one request in ten misses it (cache.hit = false) and reads "postgresql" slowly, then fills the
// cache. The miss path is visible per trace; on a dashboard it is a fatter p99.
// Thread rule: the handler is called concurrently; it keeps no state.
#include <string>

#include "db_span.h"
#include "services.h"
#include "shop_random.h"

namespace weft::shop {

constexpr double kCacheMissRate = 0.10;

ServiceDefinition MakeCatalogService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [context](const ServerRequest& request, Span& span) -> HttpResponse {
    if (request.path != "/price") return NotFound(request.path);
    const int64_t items = request.query.GetInt("items", 1);
    RunDbQuery(context.tracer, {.system = "redis",
                                .operation = "MGET",
                                .collection = "price",
                                .text = "MGET price:{product_id} ...",
                                .min_ms = 1,
                                .max_ms = 2,
                                .server = "cache.shop.internal"});
    const bool hit = !Chance(kCacheMissRate);
    span.SetAttributes({{"cache.hit", hit}, {"cart.items", items}});
    if (!hit) {
      RunDbQuery(context.tracer,
                 {.system = "postgresql",
                  .operation = "SELECT",
                  .collection = "products",
                  .text = "SELECT id, price, currency FROM products WHERE id = ANY($1)",
                  .min_ms = 150,
                  .max_ms = 400});
      RunDbQuery(context.tracer, {.system = "redis",
                                  .operation = "MSET",
                                  .collection = "price",
                                  .text = "MSET price:{product_id} {price} ...",
                                  .min_ms = 1,
                                  .max_ms = 2,
                                  .server = "cache.shop.internal"});
    }
    const int64_t cents = 1999 * items;
    return MakeResponse(http::status::ok, "{\"amount_cents\":" + std::to_string(cents) + "}");
  };
  return service;
}

}  // namespace weft::shop
