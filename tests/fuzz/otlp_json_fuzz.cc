// Fuzz target for the OTLP/JSON decoder: any bytes must decode or fail cleanly (leaving the batch
// empty); whatever decodes holds only valid UTF-8, and re-encodes into JSON that decodes again,
// without rejections, to spans that encode to exactly the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/utf8.h"
#include "otlp/json_codec.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckUtf8(weft::Attributes attributes) {
  for (const weft::KeyValue& kv : attributes) {
    Check(weft::IsValidUtf8(kv.key));
    if (kv.value.type() == weft::ValueType::kString) {
      Check(weft::IsValidUtf8(kv.value.string_value()));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  weft::SpanBatch batch;
  const auto decoded = weft::otlp::DecodeExportRequestJson(input, batch);
  if (!decoded.ok()) {
    Check(batch.empty());
    return 0;
  }
  for (const weft::Span& span : batch.spans()) {
    Check(span.trace_id.IsValid() && span.span_id.IsValid());
    Check(weft::IsValidUtf8(span.name) && weft::IsValidUtf8(span.status_message) &&
          weft::IsValidUtf8(span.trace_state));
    CheckUtf8(span.attributes);
    CheckUtf8(batch.resource_of(span).attributes);
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
