// A SpanBatch as a self-contained byte string and back (an OTLP ExportTraceServiceRequest): the
// embedded store's WAL payloads, and anything else that needs a batch at rest.
// Thread rule: pure functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/span_batch.h"

namespace weft::otlp {

std::string EncodeBatch(const SpanBatch& batch);

// A batch owning a copy of `payload` (so the view need not outlive the call). A span the decoder
// rejects (EncodeBatch never writes one) is an InvalidArgument error here: a payload at rest is
// never partially good.
absl::StatusOr<std::unique_ptr<SpanBatch>> DecodeBatch(std::string_view payload);

}  // namespace weft::otlp
