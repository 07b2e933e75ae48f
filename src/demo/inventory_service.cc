// `inventory`: POST /reserve?items= reserves stock in "mysql": a SELECT ... FOR UPDATE and an
// UPDATE, both database-like CLIENT spans.
// Thread rule: the handler is called concurrently; it keeps no state.
#include <string>

#include "db_span.h"
#include "services.h"

namespace weft::shop {

ServiceDefinition MakeInventoryService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [context](const ServerRequest& request, Span& span) -> HttpResponse {
    if (request.path != "/reserve") return NotFound(request.path);
    const int64_t items = request.query.GetInt("items", 1);
    span.SetAttribute("cart.items", items);
    RunDbQuery(context.tracer,
               {.system = "mysql",
                .operation = "SELECT",
                .collection = "stock",
                .text = "SELECT sku, available FROM stock WHERE sku IN (?) FOR UPDATE",
                .min_ms = 2,
                .max_ms = 6});
    RunDbQuery(context.tracer, {.system = "mysql",
                                .operation = "UPDATE",
                                .collection = "stock",
                                .text = "UPDATE stock SET available = available - ? WHERE sku = ?",
                                .min_ms = 3,
                                .max_ms = 8});
    return MakeResponse(http::status::ok, "{\"reserved\":" + std::to_string(items) + "}");
  };
  return service;
}

}  // namespace weft::shop
