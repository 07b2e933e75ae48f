#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "otlp/json_codec.h"
#include "simdjson.h"

namespace weft::otlp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TraceId TraceFromHex(std::string_view hex) { return *TraceId::FromHex(hex); }
SpanId SpanFromHex(std::string_view hex) { return *SpanId::FromHex(hex); }

// A batch that uses every field of the model and every kind of value, with two resources, three
// scopes and spans whose scopes are not all consecutive.
SpanBatch MakeEveryFieldBatch() {
  SpanBatch batch;
  Arena& arena = batch.arena();
  const KeyValue inner[] = {{"n", AnyValue::Int(-1)}, {"", AnyValue()}};
  const AnyValue list[] = {AnyValue::String("a"), AnyValue::Bool(false),
                           AnyValue::KvList(arena.CopyArray(std::span<const KeyValue>(inner))),
                           AnyValue::Array({})};
  const KeyValue attrs[] = {
      {"str", AnyValue::String("v\"<script>\"\n")},
      {"empty_str", AnyValue::String("")},
      {"bool", AnyValue::Bool(true)},
      {"int", AnyValue::Int(std::numeric_limits<int64_t>::min())},
      {"int0", AnyValue::Int(0)},
      {"double", AnyValue::Double(0.1)},
      {"neg_zero", AnyValue::Double(-0.0)},
      {"nan", AnyValue::Double(std::numeric_limits<double>::quiet_NaN())},
      {"inf", AnyValue::Double(-std::numeric_limits<double>::infinity())},
      {"big", AnyValue::Double(1e300)},
      {"bytes", AnyValue::Bytes(std::string_view("\x00\xff\x10", 3))},
      {"empty_bytes", AnyValue::Bytes("")},
      {"array", AnyValue::Array(arena.CopyArray(std::span<const AnyValue>(list)))},
      {"kvlist", AnyValue::KvList(arena.CopyArray(std::span<const KeyValue>(inner)))},
      {"empty_kvlist", AnyValue::KvList({})},
      {"unset", AnyValue()},
      {"unicode \xf0\x9f\x98\x80", AnyValue::String("caf\xc3\xa9\u2028")},
  };
  const Attributes attributes = arena.CopyArray(std::span<const KeyValue>(attrs));
  const KeyValue service_a[] = {{"service.name", AnyValue::String("checkout")}};
  const KeyValue service_b[] = {{"service.name", AnyValue::String("cart")}};
  const uint32_t r0 = batch.AddResource(
      {arena.CopyArray(std::span<const KeyValue>(service_a)), 3, "https://schema/r"});
  const uint32_t r1 =
      batch.AddResource({arena.CopyArray(std::span<const KeyValue>(service_b)), 0, ""});
  const uint32_t s0 = batch.AddScope(r0, {"scope.a", "1.0", attributes, 4, "https://schema/s"});
  const uint32_t s1 = batch.AddScope(r0, {"", "", {}, 0, ""});
  const uint32_t s2 = batch.AddScope(r1, {"scope.c", "", {}, 0, ""});

  const Event events[] = {{1700000000000000100, "exception", attributes, 5}, {0, "", {}, 0}};
  const Link links[] = {{TraceFromHex("0af7651916cd43dd8448eb211c80319c"),
                         SpanFromHex("b7ad6b7169203331"), "vendor=x", attributes, 6, 0x301},
                        {TraceFromHex("ffffffffffffffffffffffffffffffff"),
                         SpanFromHex("0000000000000001"),
                         "",
                         {},
                         0,
                         0}};

  Span full;
  full.trace_id = TraceFromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  full.span_id = SpanFromHex("00f067aa0ba902b7");
  full.parent_span_id = SpanFromHex("53995c3f42cd8ad8");
  full.trace_state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
  full.name = "GET /cart";
  full.kind = SpanKind::kServer;
  full.status_code = StatusCode::kError;
  full.flags = 0x301;
  full.start_time_unix_nano = 1700000000000000000;
  full.end_time_unix_nano = std::numeric_limits<uint64_t>::max();
  full.attributes = attributes;
  full.dropped_attributes_count = 7;
  full.events = arena.CopyArray(std::span<const Event>(events));
  full.dropped_events_count = 8;
  full.links = arena.CopyArray(std::span<const Link>(links));
  full.dropped_links_count = 9;
  full.status_message = "boom";
  full.scope_index = s0;
  batch.AddSpan(full);

  Span minimal;
  minimal.trace_id = full.trace_id;
  minimal.span_id = SpanFromHex("1111111111111111");
  minimal.scope_index = s0;
  batch.AddSpan(minimal);
  minimal.span_id = SpanFromHex("2222222222222222");
  minimal.scope_index = s1;
  minimal.status_message = "message without code";
  batch.AddSpan(minimal);
  minimal.span_id = SpanFromHex("3333333333333333");
  minimal.scope_index = s2;
  minimal.status_message = "";
  minimal.status_code = StatusCode::kOk;
  minimal.kind = SpanKind::kConsumer;
  batch.AddSpan(minimal);
  minimal.span_id = SpanFromHex("4444444444444444");
  minimal.scope_index = s0;  // back to the first scope: a new group
  batch.AddSpan(minimal);
  return batch;
}

void ExpectSameAttributes(Attributes a, Attributes b) { EXPECT_TRUE(std::ranges::equal(a, b)); }

void ExpectSameScope(const InstrumentationScope& a, const InstrumentationScope& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.version, b.version);
  ExpectSameAttributes(a.attributes, b.attributes);
  EXPECT_EQ(a.dropped_attributes_count, b.dropped_attributes_count);
  EXPECT_EQ(a.schema_url, b.schema_url);
}

void ExpectSameResource(const Resource& a, const Resource& b) {
  ExpectSameAttributes(a.attributes, b.attributes);
  EXPECT_EQ(a.dropped_attributes_count, b.dropped_attributes_count);
  EXPECT_EQ(a.schema_url, b.schema_url);
}

// Every field of every span, with its scope and resource, is identical.
void ExpectSameSpans(const SpanBatch& a, const SpanBatch& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(i);
    const Span& x = a.spans()[i];
    const Span& y = b.spans()[i];
    EXPECT_EQ(x.trace_id, y.trace_id);
    EXPECT_EQ(x.span_id, y.span_id);
    EXPECT_EQ(x.parent_span_id, y.parent_span_id);
    EXPECT_EQ(x.trace_state, y.trace_state);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.status_code, y.status_code);
    EXPECT_EQ(x.status_message, y.status_message);
    EXPECT_EQ(x.flags, y.flags);
    EXPECT_EQ(x.start_time_unix_nano, y.start_time_unix_nano);
    EXPECT_EQ(x.end_time_unix_nano, y.end_time_unix_nano);
    ExpectSameAttributes(x.attributes, y.attributes);
    EXPECT_EQ(x.dropped_attributes_count, y.dropped_attributes_count);
    ASSERT_EQ(x.events.size(), y.events.size());
    for (size_t e = 0; e < x.events.size(); ++e) {
      EXPECT_EQ(x.events[e].time_unix_nano, y.events[e].time_unix_nano);
      EXPECT_EQ(x.events[e].name, y.events[e].name);
      ExpectSameAttributes(x.events[e].attributes, y.events[e].attributes);
      EXPECT_EQ(x.events[e].dropped_attributes_count, y.events[e].dropped_attributes_count);
    }
    EXPECT_EQ(x.dropped_events_count, y.dropped_events_count);
    ASSERT_EQ(x.links.size(), y.links.size());
    for (size_t l = 0; l < x.links.size(); ++l) {
      EXPECT_EQ(x.links[l].trace_id, y.links[l].trace_id);
      EXPECT_EQ(x.links[l].span_id, y.links[l].span_id);
      EXPECT_EQ(x.links[l].trace_state, y.links[l].trace_state);
      ExpectSameAttributes(x.links[l].attributes, y.links[l].attributes);
      EXPECT_EQ(x.links[l].dropped_attributes_count, y.links[l].dropped_attributes_count);
      EXPECT_EQ(x.links[l].flags, y.links[l].flags);
    }
    EXPECT_EQ(x.dropped_links_count, y.dropped_links_count);
    ExpectSameScope(a.scope_of(x), b.scope_of(y));
    ExpectSameResource(a.resource_of(x), b.resource_of(y));
  }
}

std::string Encode(const SpanBatch& batch, const JsonEncodeOptions& options = {}) {
  std::string out;
  EncodeExportRequestJson(batch, out, options);
  return out;
}

TEST(JsonEncoderTest, RoundTripKeepsEveryFieldAndValueKind) {
  const SpanBatch batch = MakeEveryFieldBatch();
  const std::string json = Encode(batch);
  SpanBatch decoded;
  const absl::StatusOr<DecodeResult> result = DecodeExportRequestJson(json, decoded);
  ASSERT_TRUE(result.ok()) << result.status() << "\n" << json;
  EXPECT_EQ(result->rejected_spans, 0u) << result->error_message;
  ExpectSameSpans(batch, decoded);
  EXPECT_EQ(Encode(decoded), json);  // and the encoding is stable
}

TEST(JsonEncoderTest, RoundTripOfGeneratedTraces) {
  SpanBatch batch;
  TraceGenerator(42).Fill(batch, 2000);
  const std::string json = Encode(batch);
  SpanBatch decoded;
  ASSERT_TRUE(DecodeExportRequestJson(json, decoded).ok());
  ExpectSameSpans(batch, decoded);
}

TEST(JsonEncoderTest, OutputIsValidJsonWithoutRawHtmlSpecials) {
  const std::string json = Encode(MakeEveryFieldBatch());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
  EXPECT_THAT(json, Not(HasSubstr("<script>")));
  EXPECT_THAT(json, HasSubstr(R"(\u003cscript\u003e)"));
}

TEST(JsonEncoderTest, WritesProtobufJsonShapes) {
  const std::string json = Encode(MakeEveryFieldBatch());
  // Hex ids in lowercase, 64-bit integers as strings, enums as integers, flags as numbers.
  EXPECT_THAT(json, HasSubstr(R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736")"));
  EXPECT_THAT(json, HasSubstr(R"("parentSpanId":"53995c3f42cd8ad8")"));
  EXPECT_THAT(json, HasSubstr(R"("startTimeUnixNano":"1700000000000000000")"));
  EXPECT_THAT(json, HasSubstr(R"("endTimeUnixNano":"18446744073709551615")"));
  EXPECT_THAT(json, HasSubstr(R"("kind":2)"));
  EXPECT_THAT(json, HasSubstr(R"("flags":769)"));
  EXPECT_THAT(json, HasSubstr(R"("status":{"message":"boom","code":2})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"int","value":{"intValue":"-9223372036854775808"}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"int0","value":{"intValue":"0"}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"empty_str","value":{"stringValue":""}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"neg_zero","value":{"doubleValue":-0.0}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"nan","value":{"doubleValue":"NaN"}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"inf","value":{"doubleValue":"-Infinity"}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"bytes","value":{"bytesValue":"AP8Q"}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"unset","value":{}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"empty_kvlist","value":{"kvlistValue":{}}})"));
  EXPECT_THAT(json, HasSubstr(R"({"arrayValue":{}})"));
}

TEST(JsonEncoderTest, OmitsDefaultFields) {
  SpanBatch batch;
  const uint32_t r = batch.AddResource({});
  const uint32_t s = batch.AddScope(r, {});
  Span span;
  span.trace_id = TraceFromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  span.span_id = SpanFromHex("00f067aa0ba902b7");
  span.scope_index = s;
  batch.AddSpan(span);
  EXPECT_EQ(Encode(batch),
            R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[)"
            R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"}]}]}]})");
}

TEST(JsonEncoderTest, GroupsConsecutiveSpansByScopeAndScopesByResource) {
  const std::string json = Encode(MakeEveryFieldBatch());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
  simdjson::dom::array resource_spans;
  ASSERT_EQ(root["resourceSpans"].get(resource_spans), simdjson::SUCCESS);
  // Spans' scopes are s0 s0 s1 s2 s0: resources r0 (s0 s1), r1 (s2), r0 again (s0).
  ASSERT_EQ(resource_spans.size(), 3u);
  std::vector<std::vector<size_t>> shape;
  for (simdjson::dom::element rs : resource_spans) {
    simdjson::dom::array scope_spans;
    ASSERT_EQ(rs["scopeSpans"].get(scope_spans), simdjson::SUCCESS);
    std::vector<size_t> spans_per_scope;
    for (simdjson::dom::element ss : scope_spans) {
      simdjson::dom::array spans;
      ASSERT_EQ(ss["spans"].get(spans), simdjson::SUCCESS);
      spans_per_scope.push_back(spans.size());
    }
    shape.push_back(spans_per_scope);
  }
  EXPECT_EQ(shape, (std::vector<std::vector<size_t>>{{2, 1}, {1}, {1}}));
}

TEST(JsonEncoderTest, EmptyBatch) { EXPECT_EQ(Encode(SpanBatch()), R"({"resourceSpans":[]})"); }

TEST(JsonEncoderTest, TopLevelKeyForTempo) {
  JsonEncodeOptions options;
  options.top_level_key = "batches";
  EXPECT_THAT(Encode(MakeEveryFieldBatch(), options), testing::StartsWith(R"({"batches":[{)"));
}

TEST(JsonEncoderTest, InvalidUtf8InTheBatchBecomesReplacementCharacter) {
  SpanBatch batch;
  const uint32_t s = batch.AddScope(batch.AddResource({}), {});
  Span span;
  span.trace_id = TraceFromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  span.span_id = SpanFromHex("00f067aa0ba902b7");
  span.name = "bad \xff";
  span.scope_index = s;
  batch.AddSpan(span);
  EXPECT_THAT(Encode(batch), HasSubstr("\"name\":\"bad \xef\xbf\xbd\""));
}

TEST(JsonEncoderTest, ExportResponse) {
  EXPECT_EQ(EncodeExportResponseJson(DecodeResult{}), "{}");
  DecodeResult partial;
  partial.Reject("spans[3].traceId: invalid");
  partial.Reject("another");
  EXPECT_EQ(
      EncodeExportResponseJson(partial),
      R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"spans[3].traceId: invalid"}})");
  DecodeResult warning;
  warning.error_message = "warning only";
  EXPECT_EQ(EncodeExportResponseJson(warning),
            R"({"partialSuccess":{"errorMessage":"warning only"}})");
}

TEST(JsonEncoderTest, RpcStatus) {
  EXPECT_EQ(EncodeRpcStatusJson(3, "bad \"data\""), R"({"code":3,"message":"bad \"data\""})");
  EXPECT_EQ(EncodeRpcStatusJson(14, "busy", 1),
            R"({"code":14,"message":"busy","details":[{"@type":)"
            R"("type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1s"}]})");
  EXPECT_THAT(EncodeRpcStatusJson(8, "", 30), HasSubstr(R"("retryDelay":"30s")"));
}

TEST(JsonEncoderTest, AnyValueBuildingBlocks) {
  std::string out;
  JsonWriter w(out);
  const KeyValue kv[] = {{"a", AnyValue::Int(1)}};
  w.BeginArray();
  WriteAnyValueJson(AnyValue::KvList(kv), w);
  WriteAttributesJson(kv, w);
  w.EndArray();
  EXPECT_EQ(w.out(), R"([{"kvlistValue":{"values":[{"key":"a","value":{"intValue":"1"}}]}},)"
                     R"([{"key":"a","value":{"intValue":"1"}}]])");
}

}  // namespace
}  // namespace weft::otlp
