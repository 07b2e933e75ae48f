// Fuzz target for the Zipkin v2 JSON decoder: any bytes must decode or fail cleanly (leaving the
// batch empty); whatever decodes holds valid ids and UTF-8, and survives an OTLP/JSON round trip:
// encoded, decoded again without rejections, and encoded to exactly the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/utf8.h"
#include "otlp/json_codec.h"
#include "zipkin/zipkin_codec.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  weft::SpanBatch batch;
  const auto decoded = weft::zipkin::DecodeSpansJson(input, batch);
  if (!decoded.ok()) {
    Check(batch.empty());
    return 0;
  }
  for (const weft::Span& span : batch.spans()) {
    Check(span.trace_id.IsValid() && span.span_id.IsValid());
    Check(span.end_time_unix_nano >= span.start_time_unix_nano);
    Check(weft::IsValidUtf8(span.name) && weft::IsValidUtf8(span.status_message));
    for (const weft::KeyValue& kv : span.attributes) Check(weft::IsValidUtf8(kv.key));
    Check(weft::IsValidUtf8(weft::ServiceName(batch.resource_of(span))));
  }

  std::string encoded;
  weft::otlp::EncodeExportRequestJson(batch, encoded);
  weft::SpanBatch again;
  const auto redecoded = weft::otlp::DecodeExportRequestJson(encoded, again);
  Check(redecoded.ok());
  Check(redecoded->rejected_spans == 0);
  Check(again.size() == batch.size());
  std::string reencoded;
  weft::otlp::EncodeExportRequestJson(again, reencoded);
  Check(reencoded == encoded);
  return 0;
}
