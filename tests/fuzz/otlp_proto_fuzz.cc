// Fuzz target for the OTLP protobuf decoder: any bytes must decode or fail cleanly; whatever
// decodes must re-encode into a request that decodes again to the same spans.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "otlp/proto_codec.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  weft::SpanBatch batch;
  auto decoded = weft::otlp::DecodeExportRequest(input, batch);
  if (!decoded.ok()) {
    Check(batch.empty());
    return 0;
  }

  std::string encoded;
  weft::otlp::EncodeExportRequest(batch, encoded);
  weft::SpanBatch again;
  auto redecoded = weft::otlp::DecodeExportRequest(encoded, again);
  // Every kept span has valid ids and valid UTF-8, so the re-encoded request is clean.
  Check(redecoded.ok());
  Check(redecoded->rejected_spans == 0);
  Check(again.size() == batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const weft::Span& a = batch.spans()[i];
    const weft::Span& b = again.spans()[i];
    Check(a.trace_id == b.trace_id && a.span_id == b.span_id &&
          a.parent_span_id == b.parent_span_id);
    Check(a.name == b.name && a.kind == b.kind && a.status_code == b.status_code);
    Check(a.attributes.size() == b.attributes.size() && a.events.size() == b.events.size() &&
          a.links.size() == b.links.size());
    for (size_t k = 0; k < a.attributes.size(); ++k) Check(a.attributes[k] == b.attributes[k]);
  }
  return 0;
}
