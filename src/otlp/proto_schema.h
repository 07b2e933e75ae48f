// OTLP trace field numbers and protobuf wire types, shared by weft's protobuf decoder and encoder.
// Source of truth: /work/shared/SPEC-NOTES.md "OTLP protobuf field numbers" (mirrored by the
// reference schema in proto/opentelemetry/...). Changing a number here breaks the wire format.
// Thread rule: constants only.
#pragma once

#include <cstdint>

namespace weft::otlp::pb {

// The low three bits of a tag.
enum WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: never used by OTLP, skipped when unknown
  kEndGroup = 4,
  kFixed32 = 5,
};

inline constexpr uint32_t MakeTag(uint32_t field, WireType wire) { return field << 3 | wire; }

namespace export_request {  // collector.trace.v1.ExportTraceServiceRequest
enum : uint32_t { kResourceSpans = 1 };
}
namespace export_response {  // ExportTraceServiceResponse
enum : uint32_t { kPartialSuccess = 1 };
}
namespace partial_success {  // ExportTracePartialSuccess
enum : uint32_t { kRejectedSpans = 1, kErrorMessage = 2 };
}
namespace resource_spans {
enum : uint32_t { kResource = 1, kScopeSpans = 2, kSchemaUrl = 3 };
}
namespace scope_spans {
enum : uint32_t { kScope = 1, kSpans = 2, kSchemaUrl = 3 };
}
namespace resource {
enum : uint32_t { kAttributes = 1, kDroppedAttributesCount = 2 };
}
namespace scope {  // common.v1.InstrumentationScope
enum : uint32_t { kName = 1, kVersion = 2, kAttributes = 3, kDroppedAttributesCount = 4 };
}
namespace span {
enum : uint32_t {
  kTraceId = 1,
  kSpanId = 2,
  kTraceState = 3,
  kParentSpanId = 4,
  kName = 5,
  kKind = 6,
  kStartTimeUnixNano = 7,
  kEndTimeUnixNano = 8,
  kAttributes = 9,
  kDroppedAttributesCount = 10,
  kEvents = 11,
  kDroppedEventsCount = 12,
  kLinks = 13,
  kDroppedLinksCount = 14,
  kStatus = 15,
  kFlags = 16,
};
}
namespace event {  // Span.Event
enum : uint32_t { kTimeUnixNano = 1, kName = 2, kAttributes = 3, kDroppedAttributesCount = 4 };
}
namespace link {  // Span.Link
enum : uint32_t {
  kTraceId = 1,
  kSpanId = 2,
  kTraceState = 3,
  kAttributes = 4,
  kDroppedAttributesCount = 5,
  kFlags = 6,
};
}
namespace status {  // trace.v1.Status; field 1 is reserved
enum : uint32_t { kMessage = 2, kCode = 3 };
}
namespace key_value {
enum : uint32_t { kKey = 1, kValue = 2 };
}
namespace any_value {  // a oneof: at most one is set
enum : uint32_t {
  kStringValue = 1,
  kBoolValue = 2,
  kIntValue = 3,
  kDoubleValue = 4,
  kArrayValue = 5,
  kKvlistValue = 6,
  kBytesValue = 7,
};
}
namespace array_value {  // ArrayValue and KeyValueList both use field 1
enum : uint32_t { kValues = 1 };
}
namespace rpc_status {  // google.rpc.Status
enum : uint32_t { kCode = 1, kMessage = 2, kDetails = 3 };
}
namespace any {  // google.protobuf.Any
enum : uint32_t { kTypeUrl = 1, kValue = 2 };
}
namespace retry_info {  // google.rpc.RetryInfo
enum : uint32_t { kRetryDelay = 1 };
}
namespace duration {  // google.protobuf.Duration
enum : uint32_t { kSeconds = 1, kNanos = 2 };
}

inline constexpr char kRetryInfoTypeUrl[] = "type.googleapis.com/google.rpc.RetryInfo";

}  // namespace weft::otlp::pb
