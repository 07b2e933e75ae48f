// Finished SpanRecords -> model::SpanBatch (then weft's own OTLP protobuf encoder). Strings are
// not copied: the batch points into the records, so it is valid only while they are.
// Thread rule: pure function over caller-owned data.
#pragma once

#include <span>
#include <string>

#include "model/span_batch.h"
#include "sdk/span_record.h"

namespace weft::sdk_otlp {

// Appends `records` to `batch`, grouped into one resource/scope entry per distinct
// (resource, scope) pair.
void RecordsToBatch(std::span<v1::detail::SpanRecord* const> records, SpanBatch& batch);

// RecordsToBatch + otlp::EncodeExportRequest (OTLP/JSON with `json`), appended to `out`.
void EncodeRecords(std::span<v1::detail::SpanRecord* const> records, std::string& out,
                   bool json = false);

}  // namespace weft::sdk_otlp
