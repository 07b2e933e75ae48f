// `frontend`: the shop's entry point. POST /checkout?user=&region=&payment=&items= prices the
// products (catalog), loads the cart (cart) and places the order with the JavaScript `checkout`
// service, which calls payment, inventory and shipping. The request's attributes go on the
// SERVER span so that `weft search` can slice traces by them.
// Thread rule: the handler is called concurrently; it keeps no state.
#include <string>

#include "services.h"
#include "shop_http_client.h"
#include "shop_random.h"

namespace weft::shop {

ServiceDefinition MakeFrontendService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [context](const ServerRequest& request, Span& span) -> HttpResponse {
    if (request.path != "/checkout") return NotFound(request.path);
    const std::string user = request.query.Get("user", "anonymous");
    const std::string region = request.query.Get("region", "eu-west");
    const std::string payment = request.query.Get("payment", "card");
    const int64_t items = request.query.GetInt("items", 1);
    span.SetAttributes({{"enduser.id", user},
                        {"region", region},
                        {"payment.method", payment},
                        {"cart.items", items}});

    const QueryParams order = QueryParams()
                                  .Set("user", user)
                                  .Set("region", region)
                                  .Set("payment", payment)
                                  .Set("items", items);
    const CallResult price =
        TracedCall(context.tracer, context.Peer("catalog"), http::verb::get,
                   MakeTarget("/price", order), {}, {.peer_service = "catalog"});
    if (!price.ok()) {
      span.SetStatus(StatusCode::kError, "catalog: " + std::to_string(price.status));
      return ErrorResponse(http::status::bad_gateway, "catalog failed");
    }
    const CallResult cart = TracedCall(context.tracer, context.Peer("cart"), http::verb::get,
                                       MakeTarget("/cart", order), {}, {.peer_service = "cart"});
    if (!cart.ok()) return ErrorResponse(http::status::bad_gateway, "cart failed");

    const CallResult placed =
        TracedCall(context.tracer, context.Peer("checkout"), http::verb::post,
                   MakeTarget("/checkout", order), {}, {.peer_service = "checkout"});
    if (!placed.ok()) {
      span.SetAttribute("order.outcome", "failed");
      return ErrorResponse(http::status::bad_gateway,
                           "checkout failed: " + (placed.status == 0 ? placed.error : placed.body));
    }
    {
      Span render = context.tracer.StartSpan("render confirmation");
      Work(1, 3);
    }
    span.SetAttribute("order.outcome", "placed");
    return MakeResponse(http::status::ok, placed.body);
  };
  return service;
}

}  // namespace weft::shop
