// `shipping`: POST /ship?region=&items= quotes a carrier and asks for the parcel to be sent by
// publishing `shipment.requested` on the queue. In region ap-south about half the quotes go to a
// slow carrier API (400-1200 ms): a slow dependency that shows only in some traces.
// The publish is a PRODUCER span whose context travels in the message's headers (W3C
// traceparent), so the consumer (`fulfillment`) continues the trace.
// Thread rule: the handler is called concurrently; it keeps no state.
#include <map>
#include <string>

#include "services.h"
#include "shop_http_client.h"
#include "shop_random.h"
#include "weft/propagation.h"

namespace weft::shop {

constexpr std::string_view kShipmentTopic = "shipment.requested";
constexpr double kSlowCarrierRate = 0.5;

namespace {

void QuoteCarrier(const Tracer& tracer, const std::string& region) {
  const bool slow = region == "ap-south" && Chance(kSlowCarrierRate);
  Span quote = tracer.StartSpan(
      "GET carrier quote",
      {.kind = SpanKind::kClient,
       .attributes = {{"peer.service", slow ? "slowpost-carrier-api" : "fastship-carrier-api"},
                      {"server.address", slow ? "api.slowpost.example" : "api.fastship.example"},
                      {"shipping.carrier", slow ? "slowpost" : "fastship"}}});
  if (slow) {
    Work(400, 1200);
  } else {
    Work(10, 30);
  }
}

// Publishes one message with the producer's context in its headers; returns the broker's answer.
CallResult Publish(const ServiceContext& context, const std::string& body) {
  Span producer =
      context.tracer.StartSpan("send " + std::string(kShipmentTopic),
                               {.kind = SpanKind::kProducer,
                                .attributes = {{"messaging.system", "shopq"},
                                               {"messaging.operation.type", "send"},
                                               {"messaging.operation.name", "send"},
                                               {"messaging.destination.name", kShipmentTopic},
                                               {"server.address", kShopHost}}});
  Scope scope(producer);
  std::map<std::string, std::string> message_headers;
  MapCarrier carrier(message_headers);
  Inject(Context::Current(), carrier);
  HeaderList headers;
  for (const auto& [name, value] : message_headers) headers.emplace_back("x-msg-" + name, value);
  CallResult result = TracedCall(context.tracer, context.Peer("queue"), http::verb::post,
                                 MakeTarget("/publish", QueryParams().Set("topic", kShipmentTopic)),
                                 body, {.peer_service = "queue", .headers = std::move(headers)});
  if (result.ok()) {
    producer.SetAttribute("messaging.message.id", result.Header("x-msg-id"));
  } else {
    producer.SetStatus(StatusCode::kError, "publish failed");
  }
  return result;
}

}  // namespace

ServiceDefinition MakeShippingService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [context](const ServerRequest& request, Span& span) -> HttpResponse {
    if (request.path != "/ship") return NotFound(request.path);
    const std::string region = request.query.Get("region", "eu-west");
    const int64_t items = request.query.GetInt("items", 1);
    span.SetAttributes({{"region", region}, {"cart.items", items}});
    QuoteCarrier(context.tracer, region);
    const std::string body = "{\"user\":\"" + request.query.Get("user") + "\",\"region\":\"" +
                             region + "\",\"items\":" + std::to_string(items) + "}";
    const CallResult published = Publish(context, body);
    if (!published.ok()) return ErrorResponse(http::status::bad_gateway, "queue unavailable");
    return MakeResponse(http::status::ok, "{\"shipment\":\"requested\"}");
  };
  return service;
}

}  // namespace weft::shop
