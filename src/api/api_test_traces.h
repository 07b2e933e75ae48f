// Test-only: the recorded traces the native and Tempo tag / v2 API tests read, written into a
// store. Trace kCheckoutTrace: checkout's `GET /cart` (server, http.status_code=500 int,
// cache.hit=false) and its child `charge` (client, error "card declined", an exception event,
// a link). Trace kCartTrace: cart's `GET /items` (http.method=GET, http.status_code=200,
// ratio=0.5) one second earlier, with resource attribute region=eu.
// Thread rule: call from the test's thread before serving.
#pragma once

#include <memory>
#include <span>

#include "gtest/gtest.h"
#include "storage/span_store.h"

namespace weft::api::testing {

inline constexpr uint64_t kStart = 1'700'000'000'000'000'000ULL;  // 2023-11-14T22:13:20Z
inline constexpr const char* kCheckoutTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
inline constexpr const char* kCartTrace = "5bf92f3577b34da6a3ce929d0e0e4737";

// `root_flags`: the root span's W3C trace flags (the Jaeger test records a sampled root).
inline std::unique_ptr<SpanBatch> CheckoutBatch(uint32_t root_flags = 0) {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  const KeyValue resource_attrs[] = {{"service.name", AnyValue::String("checkout")},
                                     {"host.name", AnyValue::String("web-1")}};
  const uint32_t r = batch->AddResource({arena.CopyArray(Attributes(resource_attrs)), 0, ""});
  const uint32_t s = batch->AddScope(r, {"shop", "1.2", {}, 0, ""});
  Span root;
  root.trace_id = *TraceId::FromHex(kCheckoutTrace);
  root.span_id = *SpanId::FromHex("00f067aa0ba902b7");
  root.name = "GET /cart";
  root.kind = SpanKind::kServer;
  root.start_time_unix_nano = kStart;
  root.end_time_unix_nano = kStart + 250'000'000;
  root.flags = root_flags;
  const KeyValue root_attrs[] = {{"http.status_code", AnyValue::Int(500)},
                                 {"cache.hit", AnyValue::Bool(false)}};
  root.attributes = arena.CopyArray(Attributes(root_attrs));
  root.scope_index = s;
  batch->AddSpan(root);

  Span child;
  child.trace_id = root.trace_id;
  child.span_id = *SpanId::FromHex("00f067aa0ba902b8");
  child.parent_span_id = root.span_id;
  child.name = "charge";
  child.kind = SpanKind::kClient;
  child.status_code = StatusCode::kError;
  child.status_message = "card declined";
  child.start_time_unix_nano = kStart + 10'000'000;
  child.end_time_unix_nano = kStart + 60'000'000;
  const KeyValue event_attrs[] = {{"exception.type", AnyValue::String("Declined")}};
  const Event events[] = {
      {kStart + 20'000'000, "exception", arena.CopyArray(Attributes(event_attrs)), 0}};
  child.events = arena.CopyArray(std::span<const Event>(events));
  Link link;
  link.trace_id = *TraceId::FromHex("0af7651916cd43dd8448eb211c80319c");
  link.span_id = *SpanId::FromHex("b7ad6b7169203331");
  const KeyValue link_attrs[] = {{"link.reason", AnyValue::String("retry")}};
  link.attributes = arena.CopyArray(Attributes(link_attrs));
  const Link links[] = {link};
  child.links = arena.CopyArray(std::span<const Link>(links));
  child.scope_index = s;
  batch->AddSpan(child);
  return batch;
}

inline std::unique_ptr<SpanBatch> CartBatch() {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  const KeyValue resource_attrs[] = {{"service.name", AnyValue::String("cart")},
                                     {"region", AnyValue::String("eu")}};
  const uint32_t r = batch->AddResource({arena.CopyArray(Attributes(resource_attrs)), 0, ""});
  const uint32_t s = batch->AddScope(r, {"cart-lib", "", {}, 0, ""});
  Span span;
  span.trace_id = *TraceId::FromHex(kCartTrace);
  span.span_id = *SpanId::FromHex("00000000000000c1");
  span.name = "GET /items";
  span.kind = SpanKind::kServer;
  span.start_time_unix_nano = kStart - 1'000'000'000;
  span.end_time_unix_nano = kStart - 900'000'000;
  const KeyValue attrs[] = {{"http.method", AnyValue::String("GET")},
                            {"http.status_code", AnyValue::Int(200)},
                            {"ratio", AnyValue::Double(0.5)}};
  span.attributes = arena.CopyArray(Attributes(attrs));
  span.scope_index = s;
  batch->AddSpan(span);
  return batch;
}

inline void WriteRecordedTraces(storage::SpanWriter& store) {
  store.Write(storage::kDefaultTenant, CheckoutBatch(),
              [](absl::Status status) { ASSERT_TRUE(status.ok()); });
  store.Write(storage::kDefaultTenant, CartBatch(),
              [](absl::Status status) { ASSERT_TRUE(status.ok()); });
}

}  // namespace weft::api::testing
