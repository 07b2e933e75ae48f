#include <chrono>
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "otlp/json_codec.h"

namespace weft::otlp {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kTraceHex = "5b8efff798038103d269b633813fc60c";
constexpr std::string_view kSpanHex = "eee19b7ec3c1b174";
constexpr std::string_view kParentHex = "eee19b7ec3c1b173";

// A request holding one span whose object members are `span_fields`.
std::string OneSpan(std::string_view span_fields) {
  return std::string(R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{)") +
         std::string(span_fields) + "}]}]}]}";
}

// A valid span's ids followed by `more` members.
std::string SpanWith(std::string_view more) {
  std::string fields =
      R"("traceId":")" + std::string(kTraceHex) + R"(","spanId":")" + std::string(kSpanHex) + "\"";
  if (!more.empty()) fields += "," + std::string(more);
  return OneSpan(fields);
}

// Decodes a request expected to succeed with no rejections and one span; returns that span.
const Span& DecodeOne(const std::string& json, SpanBatch& batch) {
  const size_t before = batch.size();
  const absl::StatusOr<DecodeResult> result = DecodeExportRequestJson(json, batch);
  EXPECT_TRUE(result.ok()) << result.status() << "\n" << json;
  if (result.ok()) {
    EXPECT_EQ(result->rejected_spans, 0u) << result->error_message;
  }
  static const Span kEmpty;
  if (batch.size() != before + 1) {
    ADD_FAILURE() << "expected one span, got " << batch.size() - before;
    return kEmpty;
  }
  return batch.spans().back();
}

absl::Status DecodeStatus(const std::string& json, const JsonDecodeOptions& options = {}) {
  SpanBatch batch;
  absl::StatusOr<DecodeResult> result = DecodeExportRequestJson(json, batch, options);
  if (!result.ok()) {
    EXPECT_EQ(batch.size(), 0u);
  }
  return result.status();
}

// A one-attribute span whose attribute value is `value_json`; returns the decoded value.
AnyValue DecodeValue(std::string_view value_json, SpanBatch& batch) {
  const Span& span = DecodeOne(
      SpanWith(R"("attributes":[{"key":"k","value":)" + std::string(value_json) + "}]"), batch);
  if (span.attributes.size() != 1) return AnyValue();
  return span.attributes[0].value;
}

TEST(JsonDecoderTest, DecodesEveryField) {
  const std::string json = R"({"resourceSpans":[{
    "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}],
                "droppedAttributesCount":2},
    "schemaUrl":"https://opentelemetry.io/schemas/1.21.0",
    "scopeSpans":[{
      "scope":{"name":"io.weft","version":"1.2.3",
               "attributes":[{"key":"s","value":{"boolValue":true}}],"droppedAttributesCount":3},
      "schemaUrl":"https://scope/schema",
      "spans":[{
        "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
        "traceState":"congo=t61rcWkgMzE","parentSpanId":"eee19b7ec3c1b173","flags":769,
        "name":"GET /cart","kind":2,
        "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000123456789,
        "attributes":[{"key":"http.status_code","value":{"intValue":"200"}}],
        "droppedAttributesCount":4,
        "events":[{"timeUnixNano":"1700000000000000500","name":"retry",
                   "attributes":[{"key":"attempt","value":{"intValue":2}}],
                   "droppedAttributesCount":5}],
        "droppedEventsCount":6,
        "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
                  "traceState":"a=b","attributes":[{"key":"l","value":{"doubleValue":0.5}}],
                  "droppedAttributesCount":7,"flags":1}],
        "droppedLinksCount":8,
        "status":{"message":"boom","code":2}
      }]}]}]})";
  SpanBatch batch;
  const Span& span = DecodeOne(json, batch);
  EXPECT_EQ(span.trace_id.ToHex(), kTraceHex);
  EXPECT_EQ(span.span_id.ToHex(), kSpanHex);
  EXPECT_EQ(span.parent_span_id.ToHex(), kParentHex);
  EXPECT_EQ(span.trace_state, "congo=t61rcWkgMzE");
  EXPECT_EQ(span.flags, 769u);
  EXPECT_EQ(span.name, "GET /cart");
  EXPECT_EQ(span.kind, SpanKind::kServer);
  EXPECT_EQ(span.start_time_unix_nano, 1700000000000000000u);
  EXPECT_EQ(span.end_time_unix_nano, 1700000000123456789u);
  ASSERT_EQ(span.attributes.size(), 1u);
  EXPECT_EQ(span.attributes[0].key, "http.status_code");
  EXPECT_EQ(span.attributes[0].value, AnyValue::Int(200));
  EXPECT_EQ(span.dropped_attributes_count, 4u);
  ASSERT_EQ(span.events.size(), 1u);
  EXPECT_EQ(span.events[0].time_unix_nano, 1700000000000000500u);
  EXPECT_EQ(span.events[0].name, "retry");
  ASSERT_EQ(span.events[0].attributes.size(), 1u);
  EXPECT_EQ(span.events[0].attributes[0].value, AnyValue::Int(2));
  EXPECT_EQ(span.events[0].dropped_attributes_count, 5u);
  EXPECT_EQ(span.dropped_events_count, 6u);
  ASSERT_EQ(span.links.size(), 1u);
  EXPECT_EQ(span.links[0].trace_id.ToHex(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(span.links[0].span_id.ToHex(), "b7ad6b7169203331");
  EXPECT_EQ(span.links[0].trace_state, "a=b");
  ASSERT_EQ(span.links[0].attributes.size(), 1u);
  EXPECT_EQ(span.links[0].attributes[0].value, AnyValue::Double(0.5));
  EXPECT_EQ(span.links[0].dropped_attributes_count, 7u);
  EXPECT_EQ(span.links[0].flags, 1u);
  EXPECT_EQ(span.dropped_links_count, 8u);
  EXPECT_EQ(span.status_message, "boom");
  EXPECT_EQ(span.status_code, StatusCode::kError);

  const Resource& resource = batch.resource_of(span);
  EXPECT_EQ(ServiceName(resource), "checkout");
  EXPECT_EQ(resource.dropped_attributes_count, 2u);
  EXPECT_EQ(resource.schema_url, "https://opentelemetry.io/schemas/1.21.0");
  const InstrumentationScope& scope = batch.scope_of(span);
  EXPECT_EQ(scope.name, "io.weft");
  EXPECT_EQ(scope.version, "1.2.3");
  ASSERT_EQ(scope.attributes.size(), 1u);
  EXPECT_EQ(scope.attributes[0].value, AnyValue::Bool(true));
  EXPECT_EQ(scope.dropped_attributes_count, 3u);
  EXPECT_EQ(scope.schema_url, "https://scope/schema");
}

// The shape @opentelemetry/exporter-trace-otlp-http sends from a browser: upper/lower-case hex
// ids, int64 times as strings, intValue as a number, empty arrays and zero counts spelled out,
// status with only a code, no parentSpanId on the root.
TEST(JsonDecoderTest, DecodesOpenTelemetryJsExporterPayload) {
  const std::string json = R"({"resourceSpans":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"frontend-web"}},
      {"key":"telemetry.sdk.language","value":{"stringValue":"webjs"}},
      {"key":"telemetry.sdk.name","value":{"stringValue":"opentelemetry"}},
      {"key":"telemetry.sdk.version","value":{"stringValue":"1.18.1"}}],
      "droppedAttributesCount":0},
    "scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-fetch","version":"0.45.1"},
      "spans":[
        {"traceId":"d4cda95b652f4a1592b449d5929fda1b","spanId":"6e0c63257de34c92",
         "name":"HTTP GET","kind":3,"startTimeUnixNano":"1700000000000000000",
         "endTimeUnixNano":"1700000000250000000",
         "attributes":[{"key":"http.method","value":{"stringValue":"GET"}},
                       {"key":"http.url","value":{"stringValue":"https://shop.example/api/cart"}},
                       {"key":"http.status_code","value":{"intValue":200}},
                       {"key":"http.response_content_length","value":{"intValue":1234}}],
         "droppedAttributesCount":0,
         "events":[{"attributes":[],"name":"fetchStart","timeUnixNano":"1700000000000100000",
                    "droppedAttributesCount":0},
                   {"attributes":[],"name":"responseEnd","timeUnixNano":"1700000000249000000",
                    "droppedAttributesCount":0}],
         "droppedEventsCount":0,"status":{"code":0},"links":[],"droppedLinksCount":0},
        {"traceId":"D4CDA95B652F4A1592B449D5929FDA1B","spanId":"7A2190356C3FC94B",
         "parentSpanId":"6e0c63257de34c92","name":"documentLoad","kind":1,
         "startTimeUnixNano":"1700000000001000000","endTimeUnixNano":"1700000000002000000",
         "attributes":[],"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,
         "status":{"code":1},"links":[],"droppedLinksCount":0}]}]}]})";
  SpanBatch batch;
  const absl::StatusOr<DecodeResult> result = DecodeExportRequestJson(json, batch);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rejected_spans, 0u);
  ASSERT_EQ(batch.size(), 2u);
  const Span& fetch = batch.spans()[0];
  const Span& load = batch.spans()[1];
  EXPECT_EQ(ServiceName(batch.resource_of(fetch)), "frontend-web");
  EXPECT_EQ(batch.scope_of(fetch).name, "@opentelemetry/instrumentation-fetch");
  EXPECT_TRUE(fetch.is_root());
  EXPECT_EQ(fetch.kind, SpanKind::kClient);
  EXPECT_EQ(fetch.duration_nanos(), 250'000'000u);
  EXPECT_EQ(*FindAttribute(fetch.attributes, "http.status_code"), AnyValue::Int(200));
  ASSERT_EQ(fetch.events.size(), 2u);
  EXPECT_TRUE(fetch.events[0].attributes.empty());
  EXPECT_EQ(fetch.status_code, StatusCode::kUnset);
  EXPECT_EQ(load.trace_id, fetch.trace_id);
  EXPECT_EQ(load.parent_span_id, fetch.span_id);
  EXPECT_EQ(load.span_id.ToHex(), "7a2190356c3fc94b");
  EXPECT_EQ(load.status_code, StatusCode::kOk);
  EXPECT_EQ(load.scope_index, fetch.scope_index);
}

TEST(JsonDecoderTest, EmptyRequestsSucceed) {
  for (std::string json :
       {"{}", R"({"resourceSpans":[]})", R"({"resourceSpans":null})", R"({"resourceSpans":[{}]})",
        R"({"resourceSpans":[{"scopeSpans":[{}]}]})"}) {
    SpanBatch batch;
    const absl::StatusOr<DecodeResult> result = DecodeExportRequestJson(json, batch);
    ASSERT_TRUE(result.ok()) << json << ": " << result.status();
    EXPECT_EQ(result->rejected_spans, 0u);
    EXPECT_TRUE(batch.empty());
    EXPECT_TRUE(batch.resources().empty()) << "resources without spans are not added";
  }
}

TEST(JsonDecoderTest, RootMustBeAnObject) {
  EXPECT_EQ(DecodeStatus("[]"), absl::InvalidArgumentError("expected object"));
  EXPECT_EQ(DecodeStatus(R"({"resourceSpans":{}})"),
            absl::InvalidArgumentError("resourceSpans: expected array"));
}

TEST(JsonDecoderTest, RootSpansHaveEmptyOrZeroOrNoParent) {
  for (std::string_view parent : {R"("parentSpanId":"")", R"("parentSpanId":"0000000000000000")",
                                  R"("parentSpanId":null)", ""}) {
    SpanBatch batch;
    EXPECT_TRUE(DecodeOne(SpanWith(parent), batch).is_root()) << parent;
  }
}

TEST(JsonDecoderTest, InvalidIdsRejectOnlyThatSpan) {
  struct Case {
    std::string fields;
    std::string message;
  };
  const std::string valid_span = R"("spanId":")" + std::string(kSpanHex) + "\"";
  const std::string valid_trace = R"("traceId":")" + std::string(kTraceHex) + "\"";
  const Case cases[] = {
      {R"("traceId":"5b8efff798038103d269b633813fc6",)" + valid_span,
       "traceId: invalid trace id (expected 32 hex digits, not all zero)"},
      {R"("traceId":"5b8efff798038103d269b633813fc60g",)" + valid_span, "traceId: invalid"},
      {R"("traceId":"00000000000000000000000000000000",)" + valid_span, "traceId: invalid"},
      {R"("traceId":"",)" + valid_span, "traceId: invalid"},
      {R"("traceId":"W47/95gDgQPSabYzgT/GDA==",)" + valid_span, "traceId: invalid"},  // base64
      {valid_trace + R"(,"spanId":"eee19b7ec3c1b17")", "spanId: invalid span id"},
      {valid_trace + R"(,"spanId":"0000000000000000")", "spanId: invalid span id"},
      {valid_trace + "," + valid_span + R"(,"parentSpanId":"xyz")",
       "parentSpanId: invalid parent span id"},
      {valid_span, "traceId: missing"},
      {valid_trace, "spanId: missing"},
      {valid_trace + "," + valid_span +
           R"(,"links":[{"traceId":"00","spanId":"b7ad6b7169203331"}])",
       "links[0].traceId: invalid trace id"},
      {valid_trace + "," + valid_span + R"(,"links":[{"traceId":")" + std::string(kTraceHex) +
           R"("}])",
       "links[0].spanId: missing"},
  };
  for (const Case& c : cases) {
    const std::string json = R"({"resourceSpans":[{"scopeSpans":[{"spans":[)"
                             R"({"traceId":")" +
                             std::string(kTraceHex) + R"(","spanId":"1111111111111111"},{)" +
                             c.fields + R"(},{"traceId":")" + std::string(kTraceHex) +
                             R"(","spanId":"2222222222222222"}]}]}]})";
    SpanBatch batch;
    const absl::StatusOr<DecodeResult> result = DecodeExportRequestJson(json, batch);
    ASSERT_TRUE(result.ok()) << c.fields << ": " << result.status();
    EXPECT_EQ(result->rejected_spans, 1u) << c.fields;
    EXPECT_THAT(result->error_message,
                HasSubstr("resourceSpans[0].scopeSpans[0].spans[1]." + c.message))
        << c.fields;
    ASSERT_EQ(batch.size(), 2u) << c.fields;
    EXPECT_EQ(batch.spans()[0].span_id.ToHex(), "1111111111111111");
    EXPECT_EQ(batch.spans()[1].span_id.ToHex(), "2222222222222222");
  }
}

TEST(JsonDecoderTest, ResourcesOfOnlyRejectedSpansAreNotAdded) {
  SpanBatch batch;
  const absl::StatusOr<DecodeResult> result =
      DecodeExportRequestJson(OneSpan(R"("traceId":"bad","spanId":"bad")"), batch);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rejected_spans, 1u);
  EXPECT_THAT(result->error_message, HasSubstr("traceId"));  // the first reason only
  EXPECT_TRUE(batch.resources().empty());
  EXPECT_TRUE(batch.scopes().empty());
}

TEST(JsonDecoderTest, IdsMustBeStrings) {
  EXPECT_EQ(DecodeStatus(OneSpan(R"("traceId":12,"spanId":"eee19b7ec3c1b174")")),
            absl::InvalidArgumentError(
                "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected string"));
}

TEST(JsonDecoderTest, SnakeCaseKeysAreUnknownAndIgnored) {
  SpanBatch batch;
  const absl::StatusOr<DecodeResult> result =
      DecodeExportRequestJson(R"({"resource_spans":[{"scope_spans":[{"spans":[{}]}]}]})", batch);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rejected_spans, 0u);
  EXPECT_TRUE(batch.empty());

  SpanBatch batch2;
  const Span& span = DecodeOne(
      SpanWith(R"("start_time_unix_nano":"5","parent_span_id":"eee19b7ec3c1b173","kind":2)"),
      batch2);
  EXPECT_EQ(span.start_time_unix_nano, 0u);
  EXPECT_TRUE(span.is_root());
  EXPECT_EQ(span.kind, SpanKind::kServer);
}

TEST(JsonDecoderTest, UnknownFieldsAreIgnoredAtEveryLevel) {
  const std::string json = R"({"x":1,"resourceSpans":[{"x":[1,{"y":[]}],
    "resource":{"x":"y","attributes":[{"key":"a","x":{},"value":{"x":1,"stringValue":"v"}}]},
    "scopeSpans":[{"x":null,"scope":{"x":true},"spans":[{"x":{"deep":[[[]]]},
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
      "events":[{"x":1}],"links":[{"x":1,"traceId":"5b8efff798038103d269b633813fc60c",
      "spanId":"eee19b7ec3c1b174"}],"status":{"x":1,"deprecatedCode":3},
      "instrumentationLibrary":{}}]}]}]})";
  SpanBatch batch;
  const Span& span = DecodeOne(json, batch);
  EXPECT_EQ(span.events.size(), 1u);
  EXPECT_EQ(span.links.size(), 1u);
  EXPECT_EQ(batch.resource_of(span).attributes[0].value, AnyValue::String("v"));
}

TEST(JsonDecoderTest, NullMeansAbsent) {
  SpanBatch batch;
  const Span& span = DecodeOne(SpanWith(R"("name":null,"kind":null,"attributes":null,
      "status":null,"events":[{"name":null}],"startTimeUnixNano":null)"),
                               batch);
  EXPECT_EQ(span.name, "");
  EXPECT_EQ(span.events.size(), 1u);
  SpanBatch batch2;
  EXPECT_TRUE(DecodeValue(R"({"stringValue":null})", batch2).empty());
}

TEST(JsonDecoderTest, EnumsAreIntegersOrTheirProtobufNames) {
  struct Case {
    std::string_view json;
    SpanKind kind;
  };
  for (const Case& c : {Case{"3", SpanKind::kClient}, Case{R"("4")", SpanKind::kProducer},
                        Case{R"("SPAN_KIND_SERVER")", SpanKind::kServer},
                        Case{R"("SPAN_KIND_CONSUMER")", SpanKind::kConsumer},
                        Case{R"("SPAN_KIND_INTERNAL")", SpanKind::kInternal},
                        // Values a newer sender might use decode as unspecified.
                        Case{"9", SpanKind::kUnspecified}, Case{"-1", SpanKind::kUnspecified}}) {
    SpanBatch batch;
    EXPECT_EQ(DecodeOne(SpanWith(R"("kind":)" + std::string(c.json)), batch).kind, c.kind)
        << c.json;
  }
  SpanBatch batch;
  const Span& span = DecodeOne(SpanWith(R"("status":{"code":"STATUS_CODE_ERROR"})"), batch);
  EXPECT_EQ(span.status_code, StatusCode::kError);
  SpanBatch batch2;
  EXPECT_EQ(DecodeOne(SpanWith(R"("status":{"code":7})"), batch2).status_code, StatusCode::kUnset);
}

TEST(JsonDecoderTest, UnknownEnumNamesFailTheRequestNamingTheField) {
  EXPECT_EQ(DecodeStatus(SpanWith(R"("kind":"SERVER")")),
            absl::InvalidArgumentError("resourceSpans[0].scopeSpans[0].spans[0].kind: expected "
                                       "an integer or a SpanKind name"));
  EXPECT_EQ(DecodeStatus(SpanWith(R"("status":{"code":"error"})")),
            absl::InvalidArgumentError("resourceSpans[0].scopeSpans[0].spans[0].status.code: "
                                       "expected an integer or a StatusCode name"));
  EXPECT_EQ(DecodeStatus(SpanWith(R"("kind":1.5)")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeStatus(SpanWith(R"("kind":4294967298)")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JsonDecoderTest, Int64FieldsAcceptStringsAndNumbers) {
  SpanBatch batch;
  const Span& span = DecodeOne(SpanWith(R"("startTimeUnixNano":"18446744073709551615",
      "endTimeUnixNano":18446744073709551615)"),
                               batch);
  EXPECT_EQ(span.start_time_unix_nano, UINT64_MAX);
  EXPECT_EQ(span.end_time_unix_nano, UINT64_MAX);
  SpanBatch b1, b2, b3;
  EXPECT_EQ(DecodeValue(R"({"intValue":"-9223372036854775808"})", b1), AnyValue::Int(INT64_MIN));
  EXPECT_EQ(DecodeValue(R"({"intValue":-42})", b2), AnyValue::Int(-42));
  EXPECT_EQ(DecodeValue(R"({"intValue":"9223372036854775807"})", b3), AnyValue::Int(INT64_MAX));
}

TEST(JsonDecoderTest, WrongTypesFailTheRequestNamingTheFieldPath) {
  const std::string prefix = "resourceSpans[0].scopeSpans[0].spans[0].";
  struct Case {
    std::string fields;
    std::string message;
  };
  const Case cases[] = {
      {R"("startTimeUnixNano":true)", "startTimeUnixNano: expected integer"},
      {R"("startTimeUnixNano":"12:00")", "startTimeUnixNano: expected integer"},
      {R"("endTimeUnixNano":-1)", "endTimeUnixNano: integer out of range"},
      {R"("startTimeUnixNano":"18446744073709551616")", "startTimeUnixNano: integer out of range"},
      {R"("droppedAttributesCount":4294967296)", "droppedAttributesCount: integer out of range"},
      {R"("name":5)", "name: expected string"},
      {R"("traceState":[])", "traceState: expected string"},
      {R"("attributes":{})", "attributes: expected array"},
      {R"("attributes":[1])", "attributes[0]: expected object"},
      {R"("attributes":[{"key":1}])", "attributes[0].key: expected string"},
      {R"("attributes":[{"key":"a","value":"x"}])", "attributes[0].value: expected object"},
      {R"("attributes":[{"key":"a","value":{"intValue":1.5}}])",
       "attributes[0].value.intValue: expected integer"},
      {R"("attributes":[{"key":"a","value":{"boolValue":"true"}}])",
       "attributes[0].value.boolValue: expected boolean"},
      {R"("attributes":[{"key":"a","value":{"doubleValue":"x"}}])",
       "attributes[0].value.doubleValue: expected number"},
      {R"("attributes":[{"key":"a","value":{"bytesValue":"!!"}}])",
       "attributes[0].value.bytesValue: invalid base64"},
      {R"("attributes":[{"key":"a","value":{"arrayValue":{"values":[{"intValue":"x"}]}}}])",
       "attributes[0].value.arrayValue.values[0].intValue: expected integer"},
      {R"("attributes":[{"key":"a","value":{"kvlistValue":{"values":[{"key":"b","value":{"stringValue":1}}]}}}])",
       "attributes[0].value.kvlistValue.values[0].value.stringValue: expected string"},
      {R"("events":[{"timeUnixNano":{}}])", "events[0].timeUnixNano: expected integer"},
      {R"("events":{})", "events: expected array"},
      {R"("links":[{"flags":"x"}])", "links[0].flags: expected integer"},
      {R"("status":{"message":1})", "status.message: expected string"},
      {R"("status":[])", "status: expected object"},
      {R"("flags":-1)", "flags: integer out of range"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DecodeStatus(SpanWith(c.fields)), absl::InvalidArgumentError(prefix + c.message))
        << c.fields;
  }
  EXPECT_EQ(DecodeStatus(R"({"resourceSpans":[{"resource":{"attributes":[{"key":3}]}}]})"),
            absl::InvalidArgumentError("resourceSpans[0].resource.attributes[0].key: expected "
                                       "string"));
  EXPECT_EQ(
      DecodeStatus(R"({"resourceSpans":[{"scopeSpans":[{"scope":{"version":2}}]}]})"),
      absl::InvalidArgumentError("resourceSpans[0].scopeSpans[0].scope.version: expected string"));
  EXPECT_EQ(DecodeStatus(R"({"resourceSpans":[{"schemaUrl":1}]})"),
            absl::InvalidArgumentError("resourceSpans[0].schemaUrl: expected string"));
}

TEST(JsonDecoderTest, AFailedRequestLeavesTheBatchUnchanged) {
  SpanBatch batch;
  ASSERT_TRUE(DecodeExportRequestJson(SpanWith(""), batch).ok());
  ASSERT_EQ(batch.size(), 1u);
  const std::string json = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":")" +
                           std::string(kTraceHex) +
                           R"(","spanId":"1111111111111111"},{"name":false}]}]}]})";
  EXPECT_FALSE(DecodeExportRequestJson(json, batch).ok());
  EXPECT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.resources().size(), 1u);
  EXPECT_EQ(batch.scopes().size(), 1u);
}

TEST(JsonDecoderTest, AppendsToABatchThatHoldsSpans) {
  SpanBatch batch;
  ASSERT_TRUE(DecodeExportRequestJson(SpanWith(R"("name":"first")"), batch).ok());
  const std::string second = R"({"resourceSpans":[{"resource":{"attributes":[{"key":
      "service.name","value":{"stringValue":"two"}}]},"scopeSpans":[{"scope":{"name":"s2"},
      "spans":[{"traceId":")" +
                             std::string(kTraceHex) +
                             R"(","spanId":"1111111111111111","name":"second"}]}]}]})";
  ASSERT_TRUE(DecodeExportRequestJson(second, batch).ok());
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch.spans()[1].name, "second");
  EXPECT_EQ(batch.scope_of(batch.spans()[1]).name, "s2");
  EXPECT_EQ(ServiceName(batch.resource_of(batch.spans()[1])), "two");
  EXPECT_EQ(batch.scope_of(batch.spans()[0]).name, "");
}

TEST(JsonDecoderTest, KeyOrderDoesNotMatter) {
  const std::string json = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":
      "eee19b7ec3c1b174","traceId":"5b8efff798038103d269b633813fc60c"}],"scope":{"name":"late"}}],
      "resource":{"attributes":[{"value":{"stringValue":"svc"},"key":"service.name"}]}}]})";
  SpanBatch batch;
  const Span& span = DecodeOne(json, batch);
  EXPECT_EQ(batch.scope_of(span).name, "late");
  EXPECT_EQ(ServiceName(batch.resource_of(span)), "svc");
}

TEST(JsonDecoderTest, EveryValueKind) {
  SpanBatch batch;
  EXPECT_EQ(DecodeValue(R"({"stringValue":"s"})", batch), AnyValue::String("s"));
  EXPECT_EQ(DecodeValue(R"({"boolValue":false})", batch), AnyValue::Bool(false));
  EXPECT_EQ(DecodeValue(R"({"doubleValue":2.5})", batch), AnyValue::Double(2.5));
  EXPECT_EQ(DecodeValue(R"({"doubleValue":3})", batch), AnyValue::Double(3));
  EXPECT_EQ(DecodeValue(R"({"doubleValue":"-Infinity"})", batch), AnyValue::Double(-INFINITY));
  EXPECT_TRUE(std::isnan(DecodeValue(R"({"doubleValue":"NaN"})", batch).double_value()));
  EXPECT_EQ(DecodeValue(R"({"bytesValue":"AAH/"})", batch),
            AnyValue::Bytes(std::string_view("\x00\x01\xff", 3)));
  EXPECT_EQ(DecodeValue("{}", batch), AnyValue());
  EXPECT_EQ(DecodeValue(R"({"arrayValue":{}})", batch), AnyValue::Array({}));
  EXPECT_EQ(DecodeValue(R"({"kvlistValue":{}})", batch), AnyValue::KvList({}));
  const AnyValue array = DecodeValue(
      R"({"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"two"},{},
          {"arrayValue":{"values":[{"boolValue":true}]}}]}})",
      batch);
  ASSERT_EQ(array.type(), ValueType::kArray);
  ASSERT_EQ(array.array_value().size(), 4u);
  EXPECT_EQ(array.array_value()[0], AnyValue::Int(1));
  EXPECT_EQ(array.array_value()[1], AnyValue::String("two"));
  EXPECT_TRUE(array.array_value()[2].empty());
  EXPECT_EQ(array.array_value()[3].array_value()[0], AnyValue::Bool(true));
  const AnyValue kvlist = DecodeValue(
      R"({"kvlistValue":{"values":[{"key":"a","value":{"intValue":1}},
          {"key":"b","value":{"kvlistValue":{"values":[{"key":"c"}]}}}]}})",
      batch);
  ASSERT_EQ(kvlist.type(), ValueType::kKvList);
  ASSERT_EQ(kvlist.kvlist_value().size(), 2u);
  EXPECT_EQ(kvlist.kvlist_value()[0].key, "a");
  EXPECT_EQ(kvlist.kvlist_value()[1].value.kvlist_value()[0].key, "c");
  EXPECT_TRUE(kvlist.kvlist_value()[1].value.kvlist_value()[0].value.empty());
  EXPECT_EQ(kvlist.Depth(), 3);
}

// `{"arrayValue":{"values":[ ... ]}}` nested so the value's depth is `depth`.
std::string NestedArrayValue(int depth) {
  std::string json;
  for (int i = 1; i < depth; ++i) json += R"({"arrayValue":{"values":[)";
  json += R"({"intValue":"1"})";
  for (int i = 1; i < depth; ++i) json += "]}}";
  return json;
}

TEST(JsonDecoderTest, ValueNestingUpToTheLimitIsAccepted) {
  SpanBatch batch;
  EXPECT_EQ(DecodeValue(NestedArrayValue(kMaxAnyValueDepth), batch).Depth(), kMaxAnyValueDepth);
}

TEST(JsonDecoderTest, ValueNestingPastTheLimitFails) {
  const absl::Status status = DecodeStatus(SpanWith(
      R"("attributes":[{"key":"k","value":)" + NestedArrayValue(kMaxAnyValueDepth + 1) + "}]"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("value nested deeper than 64 levels"));
  EXPECT_THAT(status.message(), HasSubstr("attributes[0].value.arrayValue.values[0]"));
}

TEST(JsonDecoderTest, MaxValueDepthOptionIsHonoured) {
  JsonDecodeOptions options;
  options.max_value_depth = 2;
  const std::string ok =
      SpanWith(R"("attributes":[{"key":"k","value":)" + NestedArrayValue(2) + "}]");
  EXPECT_TRUE(DecodeStatus(ok, options).ok());
  const std::string deep =
      SpanWith(R"("attributes":[{"key":"k","value":)" + NestedArrayValue(3) + "}]");
  EXPECT_THAT(DecodeStatus(deep, options).message(), HasSubstr("nested deeper than 2 levels"));
}

TEST(JsonDecoderTest, TenThousandDeepNestingFailsWithoutOverflowingTheStack) {
  const absl::Status value_status = DecodeStatus(
      SpanWith(R"("attributes":[{"key":"k","value":)" + NestedArrayValue(10000) + "}]"));
  EXPECT_EQ(value_status.code(), absl::StatusCode::kInvalidArgument);
  const absl::Status array_status =
      DecodeStatus(SpanWith(R"("x":)" + std::string(10000, '[') + std::string(10000, ']')));
  EXPECT_EQ(array_status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(array_status.message(), HasSubstr("nested deeper"));
}

TEST(JsonDecoderTest, AMillionTinyAttributesDecodeInLinearTime) {
  constexpr size_t kCount = 1'000'000;
  std::string attributes = R"("attributes":[)";
  attributes.reserve(kCount * 24 + 64);
  for (size_t i = 0; i < kCount; ++i) {
    if (i != 0) attributes += ',';
    attributes += R"({"key":"k","value":{}})";
  }
  attributes += "]";
  const std::string json = SpanWith(attributes);
  SpanBatch batch;
  const auto start = std::chrono::steady_clock::now();
  const Span& span = DecodeOne(json, batch);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(span.attributes.size(), kCount);
  // Linear work is well under a second even in sanitizer builds; quadratic would be hours.
  EXPECT_LT(elapsed, std::chrono::seconds(30));
}

TEST(JsonDecoderTest, InvalidUtf8InStringsIsReplaced) {
  SpanBatch batch;
  const Span& span =
      DecodeOne(SpanWith("\"name\":\"GET \xff\xfe/cart\",\"attributes\":[{\"key\":\"k\xc0\","
                         "\"value\":{\"stringValue\":\"\xed\xa0\x80\"}}]"),
                batch);
  EXPECT_EQ(span.name, "GET \xef\xbf\xbd\xef\xbf\xbd/cart");
  EXPECT_EQ(span.attributes[0].key, "k\xef\xbf\xbd");
  EXPECT_EQ(span.attributes[0].value.string_value(), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(JsonDecoderTest, LoneSurrogateEscapesAreReplaced) {
  SpanBatch batch;
  const Span& span = DecodeOne(SpanWith(R"("name":"cut \ud83d","traceState":"\udc00x")"), batch);
  EXPECT_EQ(span.name, "cut \xef\xbf\xbd");
  EXPECT_EQ(span.trace_state, "\xef\xbf\xbdx");
  SpanBatch batch2;
  EXPECT_EQ(DecodeOne(SpanWith(R"("name":"\ud83d\ude00 \u00e9\u0000")"), batch2).name,
            std::string_view("\xf0\x9f\x98\x80 \xc3\xa9\0", 8));
}

TEST(JsonDecoderTest, NumbersOutOfRangeFail) {
  // As JSON numbers the parser rejects them; as strings the field is named.
  EXPECT_EQ(DecodeStatus(SpanWith(R"("startTimeUnixNano":18446744073709551616)")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeStatus(SpanWith(R"("startTimeUnixNano":1e400)")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(DecodeStatus(SpanWith(R"("attributes":[{"key":"k","value":{"intValue":
      "9223372036854775808"}}])"))
                  .message(),
              HasSubstr("attributes[0].value.intValue: integer out of range"));
  EXPECT_THAT(
      DecodeStatus(SpanWith(R"("events":[{"timeUnixNano":"99999999999999999999"}])")).message(),
      HasSubstr("events[0].timeUnixNano: integer out of range"));
}

TEST(JsonDecoderTest, HugeStringsAreKept) {
  const std::string name(8 << 20, 'n');
  SpanBatch batch;
  const Span& span = DecodeOne(SpanWith(R"("name":")" + name + "\""), batch);
  EXPECT_EQ(span.name.size(), name.size());
  EXPECT_EQ(span.name, name);
}

TEST(JsonDecoderTest, EveryTruncationIsInvalidArgument) {
  const std::string json = SpanWith(
      R"("name":"n","attributes":[{"key":"k","value":{"arrayValue":{"values":[{"intValue":"1"}]}}}])");
  SpanBatch batch;
  for (size_t n = 0; n < json.size(); ++n) {
    const absl::StatusOr<DecodeResult> result =
        DecodeExportRequestJson(std::string_view(json).substr(0, n), batch);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << n;
  }
  EXPECT_TRUE(batch.empty());
}

TEST(JsonDecoderTest, MalformedJsonIsInvalidArgument) {
  for (std::string_view bad : {"", "   ", "nope", R"({"resourceSpans":[}])", "{\"a\":\"\x01\"}",
                               R"({"a":"\q"})", "{} {}", "\xef\xbb\xbf{}x"}) {
    EXPECT_EQ(DecodeStatus(std::string(bad)).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(JsonDecoderTest, DuplicateKeysLastOneWins) {
  SpanBatch batch;
  const Span& span = DecodeOne(SpanWith(R"("name":"a","name":"b")"), batch);
  EXPECT_EQ(span.name, "b");
}

}  // namespace
}  // namespace weft::otlp
