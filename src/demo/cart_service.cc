// `cart`: GET /cart?user=&items= loads a cart from "postgresql". Carts of more than 8 items take
// the N+1 path — one query per item instead of one for all — which only a trace shows: the
// service's latency histogram just grows a tail.
// Thread rule: the handler is called concurrently; it keeps no state.
#include <string>

#include "db_span.h"
#include "services.h"

namespace weft::shop {

constexpr int64_t kNPlusOneAbove = 8;

ServiceDefinition MakeCartService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [context](const ServerRequest& request, Span& span) -> HttpResponse {
    if (request.path != "/cart") return NotFound(request.path);
    const int64_t items = request.query.GetInt("items", 1);
    const bool n_plus_one = items > kNPlusOneAbove;
    span.SetAttributes({{"enduser.id", request.query.Get("user")},
                        {"cart.items", items},
                        {"cart.query_path", n_plus_one ? "n+1" : "batched"}});
    RunDbQuery(context.tracer, {.system = "postgresql",
                                .operation = "SELECT",
                                .collection = "carts",
                                .text = "SELECT id, updated_at FROM carts WHERE user_id = $1",
                                .min_ms = 2,
                                .max_ms = 5});
    if (n_plus_one) {
      for (int64_t i = 0; i < items; ++i) {
        RunDbQuery(context.tracer,
                   {.system = "postgresql",
                    .operation = "SELECT",
                    .collection = "cart_items",
                    .text = "SELECT * FROM cart_items WHERE cart_id = $1 AND position = $2",
                    .min_ms = 15,
                    .max_ms = 30});
      }
    } else {
      RunDbQuery(context.tracer, {.system = "postgresql",
                                  .operation = "SELECT",
                                  .collection = "cart_items",
                                  .text = "SELECT * FROM cart_items WHERE cart_id = $1",
                                  .min_ms = 3,
                                  .max_ms = 8});
    }
    return MakeResponse(http::status::ok, "{\"items\":" + std::to_string(items) + "}");
  };
  return service;
}

}  // namespace weft::shop
