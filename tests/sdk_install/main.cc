// A user's program built against the installed SDK: starts a trace with a child span, exports it
// to the console and in-memory exporters, propagates it into headers, and prints a summary that
// run_install_test.cmake checks.
// Thread rule: single-threaded.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "weft/sdk.h"

int main() {
  auto memory = std::make_shared<weft::InMemorySpans>();
  weft::TracerProviderOptions options;
  options.resource.Set("service.name", "install-example");
  options.processors.push_back(weft::SimpleProcessor(weft::ConsoleExporter(stdout)));
  options.processors.push_back(weft::SimpleProcessor(weft::InMemoryExporter(memory)));
  weft::TracerProvider provider(std::move(options));
  weft::SetGlobalTracerProvider(&provider);

  weft::Tracer tracer = weft::GetTracer("example");
  std::map<std::string, std::string> headers;
  {
    weft::Span root = tracer.StartSpan(
        "checkout", {.kind = weft::SpanKind::kServer, .attributes = {{"cart.items", 3}}});
    weft::Scope scope(root);
    weft::Span child = tracer.StartSpan("charge card", {.kind = weft::SpanKind::kClient});
    child.SetStatus(weft::StatusCode::kError, "card declined");
    weft::MapCarrier carrier(headers);
    weft::Inject(carrier);
  }
  provider.ForceFlush();
  weft::SetGlobalTracerProvider(nullptr);
  std::printf("in-memory spans: %zu\n", memory->size());
  std::printf("traceparent: %s\n", headers["traceparent"].c_str());
  return memory->size() == 2 && headers.count("traceparent") ? 0 : 1;
}
