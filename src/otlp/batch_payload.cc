#include "otlp/batch_payload.h"

#include "absl/strings/str_cat.h"
#include "otlp/proto_codec.h"

namespace weft::otlp {

std::string EncodeBatch(const SpanBatch& batch) {
  std::string out;
  EncodeExportRequest(batch, out);
  return out;
}

absl::StatusOr<std::unique_ptr<SpanBatch>> DecodeBatch(std::string_view payload) {
  auto batch = std::make_unique<SpanBatch>();
  const std::string_view input = batch->AdoptInput(std::string(payload));
  absl::StatusOr<DecodeResult> result = DecodeExportRequest(input, *batch);
  if (!result.ok()) return result.status();
  if (result->rejected_spans > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(result->rejected_spans, " spans rejected: ", result->error_message));
  }
  return batch;
}

}  // namespace weft::otlp
