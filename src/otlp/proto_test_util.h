// Test-only helpers for the OTLP protobuf codec: seeded random requests built with the libprotobuf
// reference types (proto/), and field-by-field comparison of a SpanBatch with such a request or
// with another SpanBatch. Never linked into weft itself.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/span_batch.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace weft::otlp::testing {

using ProtoRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using ProtoSpan = opentelemetry::proto::trace::v1::Span;
using ProtoAnyValue = opentelemetry::proto::common::v1::AnyValue;

struct RandomRequestOptions {
  int max_resource_spans = 3;
  int max_scope_spans = 3;
  int max_spans = 5;
  int max_attributes = 6;
  int max_value_depth = 3;  // of generated AnyValues (arrays / kvlists)
  // Chance that each message gets unknown fields of every wire type (groups included).
  double unknown_fields_probability = 0;
  // Strings mix ASCII with 2-, 3- and 4-byte UTF-8 sequences (always valid UTF-8).
  bool non_ascii = true;
};

// A deterministic request for `seed`: every span has valid ids; kinds and status codes are in
// range; every field of every message type is exercised across seeds.
ProtoRequest RandomRequest(uint64_t seed, const RandomRequestOptions& options = {});

// Adds unknown fields of every wire type (varint, fixed64, length-delimited, group, fixed32) to
// `message`, using field numbers unused by OTLP.
void AddUnknownFields(google::protobuf::Message& message, uint64_t seed);

// "" when `batch` holds exactly the spans of `request` in order (with the same resource and scope
// contents), compared field by field the way weft decodes them (enums out of range read as
// unspecified/unset; an empty parent_span_id as the zero id). Otherwise the first difference.
std::string DiffBatchAndProto(const SpanBatch& batch, const ProtoRequest& request);

// "" when the two batches hold the same spans in order with equal resources and scopes.
std::string DiffBatches(const SpanBatch& a, const SpanBatch& b);

// Hand-made protobuf fields, for inputs libprotobuf would never produce. Concatenate them.
std::string VarintField(uint32_t field, uint64_t value);
std::string Fixed64Field(uint32_t field, uint64_t value);
std::string Fixed32Field(uint32_t field, uint32_t value);
std::string LenField(uint32_t field, std::string_view payload);
std::string GroupField(uint32_t field, std::string_view body);  // start tag, body, end tag

}  // namespace weft::otlp::testing
