// The Jaeger-compatible query API on the http port (16686), so Grafana's Jaeger data source, the
// Jaeger UI's conventions and Jaeger API clients read from weft unchanged:
//   GET /api/services                         service names
//   GET /api/services/{service}/operations    operation names of a service
//   GET /api/operations?service=S[&spanKind=K] operations with their span kind
//   GET /api/traces/{id}                      one trace (404 when unknown); OTLP protobuf with
//                                             `Accept: application/protobuf`
//   GET /api/traces?service=S[&operation=O][&tags={"k":"v"} | &tags=k:v ...][&minDuration=100ms]
//        [&maxDuration=2s][&start=µs][&end=µs][&lookback=1h][&limit=20]
// Every answer has Jaeger's envelope {"data":…,"total":…,"limit":0,"offset":0,"errors":…}; bad
// input is 400 with the problem in errors[0].msg. A search returns whole traces, newest first,
// at most `limit` (default 20, at most 1,500). Without `start`, it looks back `lookback` (default
// 1h) from `end` (default now).
//   GET /api/dependencies?endTs=ms&lookback=ms  [{parent, child, callCount}]: calls between
//        services over the newest 1,000 traces of the window (a sample, not every trace: the
//        service graph of its own issue will count them all as they arrive) Shapes: docs/api.md.
//        Thread rule: handlers run on the server's I/O threads; the store
// must be thread-safe and outlive the server.
#pragma once

#include "api/search_params.h"
#include "common/clock.h"
#include "http/http_server.h"
#include "storage/span_store.h"

namespace weft::api {

void RegisterJaegerRoutes(http::HttpServer& server, storage::SpanStore& store,
                          const Clock& clock = RealClock::Get(), const SearchLimits& limits = {});

}  // namespace weft::api
