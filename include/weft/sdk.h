// The whole weft SDK in one include: the tracing API, provider set-up, propagation, samplers,
// processors and exporters. (weft/http_beast.h, which needs Boost, is separate.)
// Thread rule: see each header.
//
//   #include "weft/sdk.h"
//   int main() {
//     auto sdk = weft::sdk::InitFromEnvironment({.default_service_name = "cart"});
//     weft::Tracer tracer = weft::GetTracer("cart");
//     weft::Span span = tracer.StartSpan("load cart", {.attributes = {{"cart.items", 3}}});
//     weft::Scope scope(span);  // children started in this block get `span` as parent
//   }  // span ends, then `sdk` flushes and shuts down
#pragma once

#include "weft/exporters.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/trace.h"
