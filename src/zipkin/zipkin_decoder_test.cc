#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "zipkin/zipkin_codec.h"

namespace weft::zipkin {
namespace {

using ::testing::HasSubstr;

// A span as the Zipkin Java/Brave reporters send it.
constexpr std::string_view kClientSpan = R"({
  "traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c","id":"352bff9a74ca9ad2",
  "kind":"CLIENT","name":"get /api","timestamp":1556604172355737,"duration":1431,
  "localEndpoint":{"serviceName":"frontend","ipv4":"192.168.99.1","port":3306},
  "remoteEndpoint":{"serviceName":"backend","ipv4":"172.19.0.2","ipv6":"::1","port":9000},
  "annotations":[{"timestamp":1556604172355800,"value":"ws"},{"value":"wr"}],
  "tags":{"http.method":"GET","http.path":"/api","clnt/finagle.version":"6.45.0"},
  "debug":true})";

absl::StatusOr<DecodeResult> Decode(std::string_view json, SpanBatch& batch) {
  return DecodeSpansJson(json, batch);
}

// Decodes `[span]`, expecting success without rejections; returns the one span.
const Span& DecodeOne(std::string_view span_json, SpanBatch& batch) {
  const size_t before = batch.size();
  const absl::StatusOr<DecodeResult> result = Decode("[" + std::string(span_json) + "]", batch);
  EXPECT_TRUE(result.ok()) << result.status();
  if (result.ok()) {
    EXPECT_EQ(result->rejected_spans, 0u) << result->error_message;
  }
  static const Span kEmpty;
  if (batch.size() != before + 1) {
    ADD_FAILURE() << "expected one span";
    return kEmpty;
  }
  return batch.spans().back();
}

std::string WithIds(std::string_view more) {
  std::string json = R"({"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2")";
  if (!more.empty()) json += "," + std::string(more);
  return json + "}";
}

const AnyValue* Attr(Attributes attributes, std::string_view key) {
  return FindAttribute(attributes, key);
}

TEST(ZipkinDecoderTest, DecodesAReporterSpan) {
  SpanBatch batch;
  const Span& span = DecodeOne(kClientSpan, batch);
  EXPECT_EQ(span.trace_id.ToHex(), "00000000000000005af7183fb1d4cf5f");
  EXPECT_EQ(span.span_id.ToHex(), "352bff9a74ca9ad2");
  EXPECT_EQ(span.parent_span_id.ToHex(), "6b221d5bc9e6496c");
  EXPECT_EQ(span.kind, SpanKind::kClient);
  EXPECT_EQ(span.name, "get /api");
  EXPECT_EQ(span.start_time_unix_nano, 1556604172355737000u);
  EXPECT_EQ(span.end_time_unix_nano, 1556604172355737000u + 1431000u);
  EXPECT_EQ(span.status_code, StatusCode::kUnset);

  const Resource& resource = batch.resource_of(span);
  EXPECT_EQ(ServiceName(resource), "frontend");
  EXPECT_EQ(*Attr(resource.attributes, "net.host.ip"), AnyValue::String("192.168.99.1"));
  EXPECT_EQ(*Attr(resource.attributes, "net.host.port"), AnyValue::Int(3306));
  EXPECT_EQ(resource.attributes.size(), 3u);

  ASSERT_EQ(span.attributes.size(), 8u);
  EXPECT_EQ(span.attributes[0].key, "http.method");  // tags first, in input order
  EXPECT_EQ(span.attributes[0].value, AnyValue::String("GET"));
  EXPECT_EQ(span.attributes[2].key, "clnt/finagle.version");
  EXPECT_EQ(*Attr(span.attributes, "peer.service"), AnyValue::String("backend"));
  EXPECT_EQ(*Attr(span.attributes, "net.peer.ip"), AnyValue::String("172.19.0.2"));
  EXPECT_EQ(*Attr(span.attributes, "zipkin.remote_endpoint.ipv6"), AnyValue::String("::1"));
  EXPECT_EQ(*Attr(span.attributes, "net.peer.port"), AnyValue::Int(9000));
  EXPECT_EQ(*Attr(span.attributes, "zipkin.debug"), AnyValue::Bool(true));
  EXPECT_EQ(Attr(span.attributes, "zipkin.shared"), nullptr);

  ASSERT_EQ(span.events.size(), 2u);
  EXPECT_EQ(span.events[0].time_unix_nano, 1556604172355800000u);
  EXPECT_EQ(span.events[0].name, "ws");
  EXPECT_EQ(span.events[1].time_unix_nano, 0u);
  EXPECT_EQ(span.events[1].name, "wr");
}

TEST(ZipkinDecoderTest, TraceIdsOf32HexAreKeptWhole) {
  SpanBatch batch;
  const Span& span =
      DecodeOne(R"({"traceId":"463AC35C9F6413AD48485A3953BB6124","id":"a2fb4a1d1a96d312"})", batch);
  EXPECT_EQ(span.trace_id.ToHex(), "463ac35c9f6413ad48485a3953bb6124");
  EXPECT_TRUE(span.is_root());
}

TEST(ZipkinDecoderTest, KindMapping) {
  struct Case {
    std::string_view json;
    SpanKind kind;
  };
  for (const Case& c : {Case{R"("kind":"SERVER")", SpanKind::kServer},
                        Case{R"("kind":"client")", SpanKind::kClient},
                        Case{R"("kind":"PRODUCER")", SpanKind::kProducer},
                        Case{R"("kind":"CONSUMER")", SpanKind::kConsumer},
                        Case{"", SpanKind::kInternal}, Case{R"("kind":null)", SpanKind::kInternal},
                        Case{R"("kind":"LOCAL")", SpanKind::kUnspecified}}) {
    SpanBatch batch;
    EXPECT_EQ(DecodeOne(WithIds(c.json), batch).kind, c.kind) << c.json;
  }
}

TEST(ZipkinDecoderTest, OneResourcePerDistinctLocalEndpoint) {
  const std::string json = "[" + WithIds(R"("localEndpoint":{"serviceName":"a"})") + "," +
                           WithIds(R"("localEndpoint":{"serviceName":"b"})") + "," +
                           WithIds(R"("localEndpoint":{"serviceName":"a"})") + "," +
                           WithIds(R"("localEndpoint":{"serviceName":"a","ipv4":"10.0.0.1"})") +
                           "," + WithIds("") + "]";
  SpanBatch batch;
  ASSERT_TRUE(Decode(json, batch).ok());
  ASSERT_EQ(batch.size(), 5u);
  EXPECT_EQ(batch.resources().size(), 4u);
  EXPECT_EQ(batch.spans()[0].scope_index, batch.spans()[2].scope_index);
  EXPECT_NE(batch.spans()[0].scope_index, batch.spans()[1].scope_index);
  EXPECT_NE(batch.spans()[0].scope_index, batch.spans()[3].scope_index);
  EXPECT_EQ(ServiceName(batch.resource_of(batch.spans()[1])), "b");
  EXPECT_EQ(ServiceName(batch.resource_of(batch.spans()[4])), "");
  EXPECT_TRUE(batch.resource_of(batch.spans()[4]).attributes.empty());
}

TEST(ZipkinDecoderTest, Ipv6OnlyEndpointsAndBadPorts) {
  SpanBatch batch;
  const Span& span =
      DecodeOne(WithIds(R"("localEndpoint":{"serviceName":"s","ipv6":"2001:db8::c001","port":0},
                 "remoteEndpoint":{"ipv6":"2001:db8::1","port":70000})"),
                batch);
  const Resource& resource = batch.resource_of(span);
  EXPECT_EQ(*Attr(resource.attributes, "net.host.ip"), AnyValue::String("2001:db8::c001"));
  EXPECT_EQ(Attr(resource.attributes, "net.host.port"), nullptr);
  EXPECT_EQ(*Attr(span.attributes, "net.peer.ip"), AnyValue::String("2001:db8::1"));
  EXPECT_EQ(Attr(span.attributes, "net.peer.port"), nullptr);
  EXPECT_EQ(Attr(span.attributes, "peer.service"), nullptr);
}

TEST(ZipkinDecoderTest, ErrorTagSetsStatus) {
  SpanBatch batch;
  const Span& span = DecodeOne(WithIds(R"("tags":{"error":"connection refused"})"), batch);
  EXPECT_EQ(span.status_code, StatusCode::kError);
  EXPECT_EQ(span.status_message, "connection refused");
  EXPECT_EQ(*Attr(span.attributes, "error"), AnyValue::String("connection refused"));
  SpanBatch batch2;
  const Span& empty_error = DecodeOne(WithIds(R"("tags":{"error":""})"), batch2);
  EXPECT_EQ(empty_error.status_code, StatusCode::kError);
}

TEST(ZipkinDecoderTest, OtelStatusTagsSetStatus) {
  SpanBatch batch;
  const Span& error = DecodeOne(
      WithIds(R"("tags":{"otel.status_code":"ERROR","otel.status_description":"timeout"})"), batch);
  EXPECT_EQ(error.status_code, StatusCode::kError);
  EXPECT_EQ(error.status_message, "timeout");
  SpanBatch batch2;
  EXPECT_EQ(DecodeOne(WithIds(R"("tags":{"otel.status_code":"OK"})"), batch2).status_code,
            StatusCode::kOk);
}

TEST(ZipkinDecoderTest, NonStringTagValuesAreKeptAsText) {
  SpanBatch batch;
  const Span& span = DecodeOne(WithIds(R"("tags":{"n":42,"d":1.5,"b":true,"skip":null})"), batch);
  ASSERT_EQ(span.attributes.size(), 3u);
  EXPECT_EQ(span.attributes[0].value, AnyValue::String("42"));
  EXPECT_EQ(span.attributes[1].value, AnyValue::String("1.5"));
  EXPECT_EQ(span.attributes[2].value, AnyValue::String("true"));
}

TEST(ZipkinDecoderTest, SharedIsKeptAsAnAttribute) {
  SpanBatch batch;
  const Span& span = DecodeOne(WithIds(R"("kind":"SERVER","shared":true)"), batch);
  EXPECT_EQ(*Attr(span.attributes, "zipkin.shared"), AnyValue::Bool(true));
  SpanBatch batch2;
  EXPECT_EQ(Attr(DecodeOne(WithIds(R"("shared":false)"), batch2).attributes, "zipkin.shared"),
            nullptr);
}

TEST(ZipkinDecoderTest, MissingDurationMeansZeroLength) {
  SpanBatch batch;
  const Span& span = DecodeOne(WithIds(R"("timestamp":"1000")"), batch);
  EXPECT_EQ(span.start_time_unix_nano, 1000000u);
  EXPECT_EQ(span.end_time_unix_nano, 1000000u);
}

// Regression: the OpenTelemetry JS Zipkin exporter sends fractional microseconds; weft answered
// 400 "expected integer" to every span it sent.
TEST(ZipkinDecoderTest, FractionalMicrosecondsFromOtelJsAreAccepted) {
  SpanBatch batch;
  const Span& span = DecodeOne(WithIds(R"("timestamp":1700000000123456.75,"duration":1431.5,
                           "annotations":[{"timestamp":1700000000123457.25,"value":"ws"}])"),
                               batch);
  // Doubles near 1.7e15 resolve to 0.25 us, so these values are exact.
  EXPECT_EQ(span.start_time_unix_nano, 1700000000123456750u);
  EXPECT_EQ(span.end_time_unix_nano, 1700000000123456750u + 1431500u);
  ASSERT_EQ(span.events.size(), 1u);
  EXPECT_EQ(span.events[0].time_unix_nano, 1700000000123457250u);
}

TEST(ZipkinDecoderTest, NegativeOrHugeFractionalTimesRejectTheSpan) {
  for (std::string_view fields :
       {R"("timestamp":-1.5)", R"("timestamp":1.9e16)", R"("duration":2e300)"}) {
    SpanBatch batch;
    auto result = Decode("[" + WithIds(fields) + "]", batch);
    ASSERT_TRUE(result.ok()) << fields;
    EXPECT_EQ(result->rejected_spans, 1u) << fields;
  }
}

TEST(ZipkinDecoderTest, RootSpans) {
  for (std::string_view parent :
       {"", R"("parentId":"")", R"("parentId":null)", R"("parentId":"0000000000000000")"}) {
    SpanBatch batch;
    EXPECT_TRUE(DecodeOne(WithIds(parent), batch).is_root()) << parent;
  }
}

TEST(ZipkinDecoderTest, InvalidIdsRejectOnlyThatSpan) {
  struct Case {
    std::string span;
    std::string message;
  };
  const Case cases[] = {
      {R"({"traceId":"5af7183fb1d4cf5","id":"352bff9a74ca9ad2"})",
       "[1].traceId: invalid trace id (expected 16 or 32 hex digits, not all zero)"},
      {R"({"traceId":"5af7183fb1d4cf5f5af7183fb1d4cf5","id":"352bff9a74ca9ad2"})",
       "[1].traceId: invalid trace id"},
      {R"({"traceId":"0000000000000000","id":"352bff9a74ca9ad2"})", "[1].traceId: invalid"},
      {R"({"traceId":"5af7183fb1d4cf5z","id":"352bff9a74ca9ad2"})", "[1].traceId: invalid"},
      {R"({"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad"})", "[1].id: invalid span id"},
      {R"({"traceId":"5af7183fb1d4cf5f","id":"0000000000000000"})", "[1].id: invalid span id"},
      {R"({"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","parentId":"12"})",
       "[1].parentId: invalid span id"},
      {R"({"id":"352bff9a74ca9ad2"})", "[1].traceId: missing"},
      {R"({"traceId":"5af7183fb1d4cf5f"})", "[1].id: missing"},
      {R"({"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","timestamp":18446744073709552})",
       "[1].timestamp: out of range"},
      {R"({"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","timestamp":18446744073709551,
           "duration":1000})",
       "[1].duration: out of range"},
  };
  for (const Case& c : cases) {
    const std::string json = "[" + WithIds("") + "," + c.span + "," + WithIds("") + "]";
    SpanBatch batch;
    const absl::StatusOr<DecodeResult> result = Decode(json, batch);
    ASSERT_TRUE(result.ok()) << c.span << ": " << result.status();
    EXPECT_EQ(result->rejected_spans, 1u) << c.span;
    EXPECT_THAT(result->error_message, HasSubstr(c.message)) << c.span;
    EXPECT_EQ(batch.size(), 2u) << c.span;
  }
}

TEST(ZipkinDecoderTest, MalformedJsonAndWrongTypesAreInvalidArgument) {
  SpanBatch batch;
  for (std::string_view bad :
       {"", "[", R"([{"traceId":]")", "{}", R"({"traceId":"x"})", "[1]", "[[]]", "[\"span\"]"}) {
    EXPECT_EQ(Decode(bad, batch).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  struct Case {
    std::string fields;
    std::string message;
  };
  const Case cases[] = {
      {R"("timestamp":"soon")", "[0].timestamp: expected integer"},
      {R"("timestamp":-1)", "[0].timestamp: integer out of range"},
      {R"("duration":true)", "[0].duration: expected integer"},
      {R"("name":1)", "[0].name: expected string"},
      {R"("kind":1)", "[0].kind: expected string"},
      {R"("tags":[])", "[0].tags: expected object"},
      {R"("tags":{"a":{}})", "[0].tags.a: expected string"},
      {R"("annotations":{})", "[0].annotations: expected array"},
      {R"("annotations":[{"value":1}])", "[0].annotations[0].value: expected string"},
      {R"("localEndpoint":"svc")", "[0].localEndpoint: expected object"},
      {R"("remoteEndpoint":{"port":"x"})", "[0].remoteEndpoint.port: expected integer"},
      {R"("shared":"yes")", "[0].shared: expected boolean"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Decode("[" + WithIds(c.fields) + "]", batch).status(),
              absl::InvalidArgumentError(c.message))
        << c.fields;
  }
  const absl::StatusOr<DecodeResult> ids =
      Decode(R"([{"traceId":5,"id":"352bff9a74ca9ad2"}])", batch);
  EXPECT_EQ(ids.status(), absl::InvalidArgumentError("[0].traceId: expected string"));
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(batch.resources().empty());
}

TEST(ZipkinDecoderTest, EmptyArraySucceeds) {
  SpanBatch batch;
  const absl::StatusOr<DecodeResult> result = Decode("[]", batch);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rejected_spans, 0u);
  EXPECT_TRUE(batch.empty());
}

TEST(ZipkinDecoderTest, InvalidUtf8AndLoneSurrogatesAreReplaced) {
  SpanBatch batch;
  const Span& span = DecodeOne(WithIds("\"name\":\"a\xff\",\"tags\":{\"k\":\"\\ud800\"},"
                                       "\"localEndpoint\":{\"serviceName\":\"svc\xc3\"}"),
                               batch);
  EXPECT_EQ(span.name, "a\xef\xbf\xbd");
  EXPECT_EQ(span.attributes[0].value, AnyValue::String("\xef\xbf\xbd"));
  EXPECT_EQ(ServiceName(batch.resource_of(span)), "svc\xef\xbf\xbd");
}

TEST(ZipkinDecoderTest, DeepNestingFails) {
  SpanBatch batch;
  const std::string deep =
      "[" + WithIds(R"("x":)" + std::string(10000, '[') + std::string(10000, ']')) + "]";
  EXPECT_EQ(Decode(deep, batch).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ZipkinDecoderTest, ManySpansWithDistinctServicesStayLinear) {
  std::string json = "[";
  constexpr int kSpans = 100000;
  for (int i = 0; i < kSpans; ++i) {
    if (i != 0) json += ',';
    json += WithIds(R"("localEndpoint":{"serviceName":"s)" + std::to_string(i) + "\"}");
  }
  json += "]";
  SpanBatch batch;
  ASSERT_TRUE(Decode(json, batch).ok());
  EXPECT_EQ(batch.size(), static_cast<size_t>(kSpans));
  EXPECT_EQ(batch.resources().size(), static_cast<size_t>(kSpans));
}

TEST(ZipkinDecoderTest, AppendsToABatchThatHoldsSpans) {
  SpanBatch batch;
  DecodeOne(WithIds(R"("localEndpoint":{"serviceName":"first"})"), batch);
  const Span& second = DecodeOne(WithIds(R"("localEndpoint":{"serviceName":"second"})"), batch);
  EXPECT_EQ(ServiceName(batch.resource_of(second)), "second");
  EXPECT_EQ(ServiceName(batch.resource_of(batch.spans()[0])), "first");
}

}  // namespace
}  // namespace weft::zipkin
