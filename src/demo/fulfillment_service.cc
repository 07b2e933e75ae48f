// `fulfillment`: consumes `shipment.requested` from the queue (long polls) and handles each
// message in a CONSUMER span that continues the producer's trace: its parent is the context
// extracted from the message's headers, and it also links to it (the messaging conventions'
// way to tie a process span to the message it handles). The handling writes a row ("postgresql")
// and sends a confirmation e-mail.
// Thread rule: one consumer thread (the service's background loop); no shared state.
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "db_span.h"
#include "services.h"
#include "shop_http_client.h"
#include "shop_random.h"
#include "weft/propagation.h"

namespace weft::shop {
namespace {

constexpr std::string_view kTopic = "shipment.requested";
constexpr std::string_view kHeaderPrefix = "x-msg-";

void Handle(const ServiceContext& context, const CallResult& delivery) {
  std::map<std::string, std::string> message_headers;
  for (const auto& [name, value] : delivery.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.starts_with(kHeaderPrefix)) {
      message_headers[lower.substr(kHeaderPrefix.size())] = value;
    }
  }
  const MapCarrier carrier(message_headers);
  const Context producer = Extract(carrier);
  const std::string message_id = message_headers["id"];
  Span span = context.tracer.StartSpan(
      "process " + std::string(kTopic),
      {.kind = SpanKind::kConsumer,
       .parent = &producer,
       .attributes = {{"messaging.system", "shopq"},
                      {"messaging.operation.type", "process"},
                      {"messaging.operation.name", "process"},
                      {"messaging.destination.name", kTopic},
                      {"messaging.message.id", message_id},
                      {"messaging.message.body.size", static_cast<int64_t>(delivery.body.size())}},
       .links = {{.context = producer.span_context}}});
  Scope scope(span);
  RunDbQuery(context.tracer,
             {.system = "postgresql",
              .operation = "INSERT",
              .collection = "shipments",
              .text = "INSERT INTO shipments (order_id, region, items) VALUES ($1, $2, $3)",
              .min_ms = 3,
              .max_ms = 8});
  Span email = context.tracer.StartSpan(
      "send confirmation email",
      {.kind = SpanKind::kClient,
       .attributes = {{"peer.service", "smtp"}, {"server.address", "smtp.shop.internal"}}});
  Work(10, 30);
}

}  // namespace

ServiceDefinition MakeFulfillmentService(const ServiceContext& context) {
  ServiceDefinition service;
  service.handle = [](const ServerRequest& request, Span&) { return NotFound(request.path); };
  service.background = [context](const std::atomic<bool>& stop) {
    const std::string target =
        MakeTarget("/consume", QueryParams().Set("topic", kTopic).Set("wait_ms", 500));
    while (!stop) {
      const CallResult delivery =
          PlainCall(context.Peer("queue"), http::verb::get, target, {}, std::chrono::seconds(5));
      if (delivery.status == 200) {
        Handle(context, delivery);
      } else if (delivery.status != 204) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // broker not up yet
      }
    }
  };
  return service;
}

}  // namespace weft::shop
