// `payment`: POST /charge?payment=&attempt= charges a card, PayPal or a gift card.
//   - paypal: the PayPal API takes 300-900 ms and fails about one time in five (502, ERROR).
//   - card: about one first attempt in twelve answers 503 (processor busy); the checkout service
//     retries once, so the trace shows two CLIENT spans (retry.attempt 0 and 1).
//   - giftcard: a quick "postgresql" lookup.
// Thread rule: the handler is called concurrently; it keeps no state.
#include <string>

#include "db_span.h"
#include "services.h"
#include "shop_random.h"

namespace weft::shop {

constexpr double kPaypalFailureRate = 0.20;
constexpr double kCardBusyRate = 0.08;

ServiceDefinition MakePaymentService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [context](const ServerRequest& request, Span& span) -> HttpResponse {
    if (request.path != "/charge") return NotFound(request.path);
    const std::string method = request.query.Get("payment", "card");
    const int64_t attempt = request.query.GetInt("attempt", 0);
    span.SetAttributes({{"payment.method", method},
                        {"retry.attempt", attempt},
                        {"region", request.query.Get("region")}});
    {
      Span fraud = context.tracer.StartSpan("fraud check", {.attributes = {{"fraud.score", 3}}});
      Work(3, 10);
    }
    if (method == "paypal") {
      Span gateway = context.tracer.StartSpan("POST api.paypal.com/v2/checkout/orders",
                                              {.kind = SpanKind::kClient,
                                               .attributes = {{"peer.service", "paypal"},
                                                              {"server.address", "api.paypal.com"},
                                                              {"http.request.method", "POST"}}});
      Work(300, 900);
      if (Chance(kPaypalFailureRate)) {
        gateway.SetAttribute("http.response.status_code", 502);
        gateway.SetStatus(StatusCode::kError, "PayPal gateway error");
        gateway.End();
        span.RecordException("PaypalGatewayError", "PayPal answered 502 INSTRUMENT_DECLINED");
        span.SetAttribute("payment.outcome", "declined");
        return ErrorResponse(http::status::bad_gateway, "paypal: gateway error");
      }
      gateway.SetAttribute("http.response.status_code", 201);
    } else if (method == "giftcard") {
      RunDbQuery(context.tracer,
                 {.system = "postgresql",
                  .operation = "UPDATE",
                  .collection = "gift_cards",
                  .text = "UPDATE gift_cards SET balance = balance - $1 WHERE code = $2",
                  .min_ms = 2,
                  .max_ms = 6});
    } else {
      if (attempt == 0 && Chance(kCardBusyRate)) {
        span.SetAttribute("payment.outcome", "busy");
        return ErrorResponse(http::status::service_unavailable, "card processor busy, retry");
      }
      Span network = context.tracer.StartSpan(
          "authorize card", {.kind = SpanKind::kClient,
                             .attributes = {{"peer.service", "card-network"},
                                            {"server.address", "acquirer.example.net"}}});
      Work(20, 60);
    }
    span.SetAttribute("payment.outcome", "charged");
    return MakeResponse(http::status::ok, "{\"charged\":true}");
  };
  return service;
}

}  // namespace weft::shop
