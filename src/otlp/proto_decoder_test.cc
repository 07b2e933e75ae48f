// Hand-made and hostile inputs for the OTLP protobuf decoder (differential tests against
// libprotobuf live in proto_differential_test.cc).
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "otlp/proto_codec.h"
#include "otlp/proto_test_util.h"

namespace weft::otlp {
namespace {

using testing::DiffBatchAndProto;
using testing::Fixed32Field;
using testing::Fixed64Field;
using testing::GroupField;
using ::testing::HasSubstr;
using testing::LenField;
using testing::ProtoRequest;
using ::testing::StartsWith;
using testing::VarintField;

const std::string kTraceId(16, '\x11');
const std::string kSpanId(8, '\x22');

// Wraps span bytes into resource_spans[0].scope_spans[0].spans[i].
std::string RequestWithSpans(const std::vector<std::string>& spans) {
  std::string scope_spans;
  for (const std::string& span : spans) scope_spans += LenField(2, span);
  return LenField(1, LenField(2, scope_spans));
}

std::string ValidSpan(const std::string& extra = "") {
  return absl::StrCat(LenField(1, kTraceId), LenField(2, kSpanId), LenField(5, "op"), extra);
}

// A KeyValue whose value is `value` (AnyValue bytes).
std::string Attribute(const std::string& key, const std::string& any_value) {
  return absl::StrCat(LenField(1, key), LenField(2, any_value));
}

// Decodes a copy of `input` adopted by the batch, so tests may pass temporaries.
absl::StatusOr<DecodeResult> Decode(std::string_view input, SpanBatch& batch,
                                    DecodeOptions options = {}) {
  return DecodeExportRequest(batch.AdoptInput(std::string(input)), batch, options);
}

TEST(ProtoDecoderTest, EmptyRequestSucceeds) {
  SpanBatch batch;
  auto result = Decode("", batch);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rejected_spans, 0u);
  EXPECT_TRUE(batch.empty());
}

TEST(ProtoDecoderTest, DecodesEveryFieldOfAHandBuiltRequest) {
  ProtoRequest request;
  auto* rs = request.add_resource_spans();
  rs->set_schema_url("resource-schema");
  auto* attr = rs->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("checkout");
  rs->mutable_resource()->set_dropped_attributes_count(3);
  auto* ss = rs->add_scope_spans();
  ss->set_schema_url("scope-schema");
  ss->mutable_scope()->set_name("lib");
  ss->mutable_scope()->set_version("1.2");
  auto* span = ss->add_spans();
  span->set_trace_id(kTraceId);
  span->set_span_id(kSpanId);
  span->set_parent_span_id(std::string(8, '\x33'));
  span->set_trace_state("a=b");
  span->set_name("GET /cart");
  span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  span->set_start_time_unix_nano(1000);
  span->set_end_time_unix_nano(2500);
  auto* kv = span->add_attributes();
  kv->set_key("http.status_code");
  kv->mutable_value()->set_int_value(-200);
  auto* nested = span->add_attributes();
  nested->set_key("list");
  nested->mutable_value()->mutable_array_value()->add_values()->set_double_value(1.5);
  nested->mutable_value()->mutable_array_value()->add_values()->set_bool_value(true);
  span->set_dropped_attributes_count(4);
  auto* event = span->add_events();
  event->set_time_unix_nano(1200);
  event->set_name("exception");
  event->add_attributes()->set_key("empty");
  auto* link = span->add_links();
  link->set_trace_id(std::string(16, '\x44'));
  link->set_span_id(std::string(8, '\x55'));
  link->set_flags(0x301);
  span->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("boom");
  span->set_flags(0x101);
  const std::string bytes = request.SerializeAsString();

  SpanBatch batch;
  auto result = Decode(bytes, batch);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(DiffBatchAndProto(batch, request), "");
  const Span& s = batch.spans()[0];
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.status_code, StatusCode::kError);
  EXPECT_EQ(ServiceName(batch.resource_of(s)), "checkout");
  EXPECT_EQ(s.attributes[1].value.array_value()[0].double_value(), 1.5);
  EXPECT_TRUE(s.events[0].attributes[0].value.empty());
}

TEST(ProtoDecoderTest, StringsPointIntoTheInput) {
  const std::string input =
      RequestWithSpans({ValidSpan(LenField(9, Attribute("key", LenField(1, "value"))))});
  SpanBatch batch;
  ASSERT_TRUE(DecodeExportRequest(input, batch).ok());
  const auto inside = [&](std::string_view s) {
    return s.data() >= input.data() && s.data() + s.size() <= input.data() + input.size();
  };
  const Span& span = batch.spans()[0];
  EXPECT_TRUE(inside(span.name));
  EXPECT_TRUE(inside(span.attributes[0].key));
  EXPECT_TRUE(inside(span.attributes[0].value.string_value()));
}

TEST(ProtoDecoderTest, AppendsToANonEmptyBatch) {
  SpanBatch batch;
  ASSERT_TRUE(Decode(RequestWithSpans({ValidSpan()}), batch).ok());
  ASSERT_TRUE(Decode(RequestWithSpans({ValidSpan(), ValidSpan()}), batch).ok());
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.spans()[0].scope_index, 0u);
  EXPECT_EQ(batch.spans()[2].scope_index, 1u);
  EXPECT_EQ(batch.scopes()[1].resource_index, 1u);
}

TEST(ProtoDecoderTest, ResourceAfterItsScopesStillApplies) {
  const std::string scope_spans = LenField(2, ValidSpan());
  const std::string resource = LenField(1, Attribute("service.name", LenField(1, "late")));
  const std::string input =
      LenField(1, absl::StrCat(LenField(2, scope_spans), LenField(1, resource)));
  SpanBatch batch;
  ASSERT_TRUE(Decode(input, batch).ok());
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(ServiceName(batch.resource_of(batch.spans()[0])), "late");
}

TEST(ProtoDecoderTest, RepeatedResourceMessagesMergeLikeProtobuf) {
  const std::string r1 = LenField(1, Attribute("a", LenField(1, "1")));
  const std::string r2 = LenField(1, Attribute("b", LenField(1, "2")));
  const std::string input = LenField(
      1, absl::StrCat(LenField(1, r1), LenField(1, r2), LenField(2, LenField(2, ValidSpan()))));
  SpanBatch batch;
  ASSERT_TRUE(Decode(input, batch).ok());
  ProtoRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(input));
  EXPECT_EQ(DiffBatchAndProto(batch, parsed), "");
  EXPECT_EQ(batch.resource_of(batch.spans()[0]).attributes.size(), 2u);
}

// --- unknown fields ---------------------------------------------------------------------------

std::string EveryUnknownWireType() {
  return absl::StrCat(
      VarintField(100, 1), Fixed64Field(101, 2), LenField(102, "junk"),
      GroupField(103, absl::StrCat(VarintField(1, 5), GroupField(2, LenField(3, "x")))),
      Fixed32Field(104, 3), VarintField(536870911, 9));
}

TEST(ProtoDecoderTest, SkipsUnknownFieldsOfEveryWireTypeAtEveryLevel) {
  const std::string u = EveryUnknownWireType();
  const std::string value =
      absl::StrCat(u, LenField(5, absl::StrCat(u, LenField(1, absl::StrCat(LenField(1, "s"), u)))));
  const std::string kv = absl::StrCat(u, Attribute("k", value));
  const std::string event = absl::StrCat(u, Fixed64Field(1, 7), LenField(2, "ev"), LenField(3, kv));
  const std::string link =
      absl::StrCat(u, LenField(1, std::string(16, '\x01')), LenField(2, std::string(8, '\x02')));
  const std::string status = absl::StrCat(u, VarintField(1, 4) /* reserved */, VarintField(3, 1));
  const std::string span = ValidSpan(absl::StrCat(u, LenField(9, kv), LenField(11, event),
                                                  LenField(13, link), LenField(15, status)));
  const std::string scope = absl::StrCat(u, LenField(1, "scope"));
  const std::string scope_spans = absl::StrCat(u, LenField(1, scope), LenField(2, span));
  const std::string resource = absl::StrCat(u, LenField(1, kv));
  const std::string input = absl::StrCat(
      u, LenField(1, absl::StrCat(u, LenField(1, resource), LenField(2, scope_spans))), u);

  ProtoRequest reference;
  ASSERT_TRUE(reference.ParseFromString(input));
  SpanBatch batch;
  auto result = Decode(input, batch);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(DiffBatchAndProto(batch, reference), "");
  EXPECT_EQ(batch.spans()[0].status_code, StatusCode::kOk);
}

// --- wire errors: each fails the request and names the field ---------------------------------

struct WireErrorCase {
  std::string name;
  std::string input;
  std::string message_prefix;  // the field path
  std::string detail;
};

std::vector<WireErrorCase> WireErrorCases() {
  const std::string span_path = "resource_spans[0].scope_spans[0].spans[0]";
  return {
      {"NameAsVarint", RequestWithSpans({ValidSpan(VarintField(5, 1))}), span_path + ".name",
       "unexpected wire type varint"},
      {"KindAsBytes", RequestWithSpans({ValidSpan(LenField(6, "x"))}), span_path + ".kind",
       "unexpected wire type length-delimited"},
      {"StartTimeAsVarint", RequestWithSpans({ValidSpan(VarintField(7, 1))}),
       span_path + ".start_time_unix_nano", "unexpected wire type varint"},
      {"FlagsAsFixed64", RequestWithSpans({ValidSpan(Fixed64Field(16, 1))}), span_path + ".flags",
       "unexpected wire type fixed64"},
      {"TraceIdAsFixed64", RequestWithSpans({ValidSpan(Fixed64Field(1, 1))}),
       span_path + ".trace_id", "unexpected wire type fixed64"},
      {"ResourceSpansAsVarint", VarintField(1, 3), "resource_spans", "unexpected wire type"},
      {"AttributeValueIntAsFixed32",
       RequestWithSpans({ValidSpan(LenField(9, Attribute("k", Fixed32Field(3, 1))))}),
       span_path + ".attributes[0].value.int_value", "unexpected wire type fixed32"},
      {"StatusCodeAsBytes", RequestWithSpans({ValidSpan(LenField(15, LenField(3, "x")))}),
       span_path + ".status.code", "unexpected wire type"},
      {"TruncatedVarintValue", RequestWithSpans({ValidSpan(std::string("\x30\x80", 2))}),
       span_path + ".kind", "truncated varint"},
      {"TruncatedTag", RequestWithSpans({ValidSpan(std::string("\x80", 1))}), span_path,
       "truncated tag"},
      {"LengthPastEnd", RequestWithSpans({ValidSpan(std::string("\x2a\x05op", 4))}),
       span_path + ".name", "length past the end"},
      {"TopLevelLengthPastEnd", std::string("\x0a\x10\x12", 3), "resource_spans",
       "length past the end"},
      {"TruncatedFixed64", RequestWithSpans({ValidSpan(std::string("\x39\x01\x02", 3))}),
       span_path + ".start_time_unix_nano", "truncated fixed-width"},
      {"FieldNumberZero", RequestWithSpans({ValidSpan(std::string("\x00\x01", 2))}), span_path,
       "invalid tag"},
      {"WireType6", RequestWithSpans({ValidSpan(std::string("\x0e", 1))}), span_path + ".trace_id",
       "invalid wire type"},
      {"WireType7", VarintField(1, 0).replace(0, 1, "\x0f"), "resource_spans", "invalid wire type"},
      {"StrayEndGroup", RequestWithSpans({ValidSpan(std::string("\xa4\x06", 2))}),
       span_path + ".<field 100>", "end-group tag without"},
      {"UnterminatedGroup", RequestWithSpans({ValidSpan(std::string("\xa3\x06\x08\x01", 4))}),
       span_path + ".<field 100>", "group without a matching end-group"},
      {"MismatchedEndGroup", RequestWithSpans({ValidSpan(std::string("\xa3\x06\xac\x06", 4))}),
       span_path + ".<field 100>", "end-group tag without"},
      {"EventNameAsFixed32", RequestWithSpans({ValidSpan(LenField(11, Fixed32Field(2, 0)))}),
       span_path + ".events[0].name", "unexpected wire type fixed32"},
      {"LinkFlagsAsVarint", RequestWithSpans({ValidSpan(LenField(13, VarintField(6, 1)))}),
       span_path + ".links[0].flags", "unexpected wire type varint"},
      {"ScopeNameAsVarint", LenField(1, LenField(2, LenField(1, VarintField(1, 1)))),
       "resource_spans[0].scope_spans[0].scope.name", "unexpected wire type"},
      {"ResourceAttributeTruncated",
       LenField(1, LenField(1, LenField(1, std::string("\x0a\x09", 2)))),
       "resource_spans[0].resource.attributes[0].key", "length past the end"},
  };
}

TEST(ProtoDecoderTest, WireErrorsFailTheRequestNamingTheField) {
  for (const WireErrorCase& c : WireErrorCases()) {
    SCOPED_TRACE(c.name);
    SpanBatch batch;
    auto result = Decode(c.input, batch);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()), StartsWith(c.message_prefix + ": "));
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.detail));
    EXPECT_TRUE(batch.empty());
  }
}

TEST(ProtoDecoderTest, FailedRequestLeavesEarlierSpansAlone) {
  SpanBatch batch;
  ASSERT_TRUE(Decode(RequestWithSpans({ValidSpan()}), batch).ok());
  const std::string bad =
      RequestWithSpans({ValidSpan(), ValidSpan(), ValidSpan(VarintField(5, 1))});
  ASSERT_FALSE(Decode(bad, batch).ok());
  EXPECT_EQ(batch.size(), 1u);
}

// --- nesting ----------------------------------------------------------------------------------

// An AnyValue nested `levels` deep: arrays (or kvlists) around an int.
std::string NestedValue(int levels, bool kvlist = false) {
  std::string value = VarintField(3, 1);  // level `levels`: int_value
  for (int level = levels - 1; level >= 1; --level) {
    const std::string element = kvlist ? LenField(1, Attribute("k", value)) : LenField(1, value);
    value = LenField(kvlist ? 6 : 5, element);
  }
  return value;
}

std::string RequestWithValue(const std::string& value) {
  return RequestWithSpans({ValidSpan(LenField(9, Attribute("deep", value)))});
}

TEST(ProtoDecoderTest, NestingUpToTheLimitIsAccepted) {
  for (bool kvlist : {false, true}) {
    SpanBatch batch;
    auto result = Decode(RequestWithValue(NestedValue(kMaxAnyValueDepth, kvlist)), batch);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(batch.spans()[0].attributes[0].value.Depth(), kMaxAnyValueDepth);
  }
}

TEST(ProtoDecoderTest, NestingPastTheLimitNamesTheAttribute) {
  SpanBatch batch;
  auto result = Decode(RequestWithValue(NestedValue(kMaxAnyValueDepth + 1)), batch);
  ASSERT_FALSE(result.ok());
  const std::string message(result.status().message());
  EXPECT_THAT(message, StartsWith("resource_spans[0].scope_spans[0].spans[0].attributes[0].value."
                                  "array_value.values[0]"));
  EXPECT_THAT(message, HasSubstr("more)..."));
  EXPECT_THAT(message, HasSubstr(": nesting deeper than 64"));
}

TEST(ProtoDecoderTest, TenThousandLevelsFailWithoutRecursingThatDeep) {
  for (bool kvlist : {false, true}) {
    SpanBatch batch;
    auto result = Decode(RequestWithValue(NestedValue(10000, kvlist)), batch);
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(std::string(result.status().message()), HasSubstr("nesting deeper than 64"));
  }
}

TEST(ProtoDecoderTest, DepthOptionIsHonouredAndClamped) {
  SpanBatch batch;
  DecodeOptions shallow;
  shallow.max_value_depth = 2;
  EXPECT_TRUE(Decode(RequestWithValue(NestedValue(2)), batch, shallow).ok());
  auto too_deep = Decode(RequestWithValue(NestedValue(3)), batch, shallow);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_THAT(std::string(too_deep.status().message()), HasSubstr("nesting deeper than 2"));

  DecodeOptions huge;
  huge.max_value_depth = 1 << 30;
  auto clamped = Decode(RequestWithValue(NestedValue(kMaxSupportedValueDepth + 1)), batch, huge);
  ASSERT_FALSE(clamped.ok());
  EXPECT_THAT(std::string(clamped.status().message()),
              HasSubstr(absl::StrCat("nesting deeper than ", kMaxSupportedValueDepth)));
}

// --- per-span rejection -----------------------------------------------------------------------

struct RejectCase {
  std::string name;
  std::string span;
  std::string field_message;
};

std::vector<RejectCase> RejectCases() {
  const std::string name = LenField(5, "op");
  const std::string trace = LenField(1, kTraceId);
  const std::string span = LenField(2, kSpanId);
  const std::string good_link =
      absl::StrCat(LenField(1, std::string(16, '\x01')), LenField(2, std::string(8, '\x02')));
  return {
      {"TraceIdTooShort", absl::StrCat(LenField(1, std::string(15, '\x01')), span, name),
       "trace_id: must be 16 bytes, got 15"},
      {"TraceIdMissing", absl::StrCat(span, name), "trace_id: must be 16 bytes, got 0"},
      {"TraceIdAllZero", absl::StrCat(LenField(1, std::string(16, '\0')), span, name),
       "trace_id: all zero (invalid id)"},
      {"SpanIdTooLong", absl::StrCat(trace, LenField(2, std::string(9, '\x01')), name),
       "span_id: must be 8 bytes, got 9"},
      {"SpanIdAllZero", absl::StrCat(trace, LenField(2, std::string(8, '\0')), name),
       "span_id: all zero (invalid id)"},
      {"ParentWrongLength", absl::StrCat(trace, span, LenField(4, "1234"), name),
       "parent_span_id: must be 8 bytes or empty, got 4"},
      {"LinkTraceIdShort",
       absl::StrCat(trace, span, LenField(13, good_link),
                    LenField(13, absl::StrCat(LenField(1, "short"), LenField(2, kSpanId)))),
       "links[1].trace_id: must be 16 bytes, got 5"},
      {"LinkSpanIdZero",
       absl::StrCat(
           trace, span,
           LenField(13, absl::StrCat(LenField(1, kTraceId), LenField(2, std::string(8, '\0'))))),
       "links[0].span_id: all zero (invalid id)"},
  };
}

TEST(ProtoDecoderTest, SpansWithInvalidIdsAreRejectedAloneNamingTheField) {
  for (const RejectCase& c : RejectCases()) {
    SCOPED_TRACE(c.name);
    SpanBatch batch;
    auto result = Decode(RequestWithSpans({ValidSpan(), c.span, ValidSpan()}), batch);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(batch.size(), 2u);
    EXPECT_EQ(result->rejected_spans, 1u);
    EXPECT_EQ(result->error_message,
              "resource_spans[0].scope_spans[0].spans[1]." + c.field_message);
  }
}

TEST(ProtoDecoderTest, RejectionsAreCountedAndTheFirstReasonKept) {
  const std::string bad_trace = absl::StrCat(LenField(1, "x"), LenField(2, kSpanId));
  const std::string bad_span = absl::StrCat(LenField(1, kTraceId), LenField(2, "y"));
  SpanBatch batch;
  auto result = Decode(RequestWithSpans({bad_trace, ValidSpan(), bad_span, bad_trace}), batch);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(batch.size(), 1u);
  EXPECT_EQ(result->rejected_spans, 3u);
  EXPECT_THAT(result->error_message, HasSubstr("spans[0].trace_id"));
  // The partial-success response carries both.
  const std::string response = EncodeExportResponse(*result);
  EXPECT_FALSE(response.empty());
}

TEST(ProtoDecoderTest, SpanOwnIdProblemIsReportedBeforeALinkProblem) {
  const std::string span = absl::StrCat(LenField(13, LenField(1, "bad")),
                                        LenField(1, std::string(16, '\0')), LenField(2, kSpanId));
  SpanBatch batch;
  auto result = Decode(RequestWithSpans({span}), batch);
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(result->error_message, HasSubstr("spans[0].trace_id: all zero"));
}

TEST(ProtoDecoderTest, AllZeroParentMeansRoot) {
  SpanBatch batch;
  ASSERT_TRUE(Decode(RequestWithSpans({ValidSpan(LenField(4, std::string(8, '\0')))}), batch).ok());
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch.spans()[0].is_root());
}

TEST(ProtoDecoderTest, WireErrorInARejectedSpanStillFailsTheRequest) {
  const std::string span = absl::StrCat(LenField(1, "short"), VarintField(5, 1));
  SpanBatch batch;
  EXPECT_FALSE(Decode(RequestWithSpans({span}), batch).ok());
}

// --- enums ------------------------------------------------------------------------------------

TEST(ProtoDecoderTest, OutOfRangeEnumsKeepTheSpanAsUnspecified) {
  const std::string negative_kind = VarintField(6, static_cast<uint64_t>(int64_t{-1}));
  SpanBatch batch;
  auto result = Decode(
      RequestWithSpans({ValidSpan(VarintField(6, 9)), ValidSpan(negative_kind),
                        ValidSpan(LenField(15, VarintField(3, 7))), ValidSpan(VarintField(6, 5))}),
      batch);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(result->rejected_spans, 0u);
  EXPECT_EQ(batch.spans()[0].kind, SpanKind::kUnspecified);
  EXPECT_EQ(batch.spans()[1].kind, SpanKind::kUnspecified);
  EXPECT_EQ(batch.spans()[2].status_code, StatusCode::kUnset);
  EXPECT_EQ(batch.spans()[3].kind, SpanKind::kConsumer);
}

// --- UTF-8 ------------------------------------------------------------------------------------

TEST(ProtoDecoderTest, InvalidUtf8BecomesReplacementCharacterInEveryStringField) {
  const std::string bad =
      "a\xff"
      "b";
  const std::string fixed =
      "a\xEF\xBF\xBD"
      "b";
  const std::string kv = Attribute(bad, LenField(1, bad));
  const std::string span = absl::StrCat(
      LenField(1, kTraceId), LenField(2, kSpanId), LenField(3, bad), LenField(5, bad),
      LenField(9, kv), LenField(11, absl::StrCat(LenField(2, bad), LenField(3, kv))),
      LenField(13, absl::StrCat(LenField(1, kTraceId), LenField(2, kSpanId), LenField(3, bad))),
      LenField(15, LenField(2, bad)), LenField(9, Attribute("bytes", LenField(7, bad))));
  const std::string scope = absl::StrCat(LenField(1, bad), LenField(2, bad), LenField(3, kv));
  const std::string scope_spans =
      absl::StrCat(LenField(1, scope), LenField(2, span), LenField(3, bad));
  const std::string resource_spans =
      absl::StrCat(LenField(1, LenField(1, kv)), LenField(2, scope_spans), LenField(3, bad));
  SpanBatch batch;
  auto result = Decode(LenField(1, resource_spans), batch);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(batch.size(), 1u);
  const Span& s = batch.spans()[0];
  for (std::string_view text :
       {s.trace_state, s.name, s.attributes[0].key, s.attributes[0].value.string_value(),
        s.events[0].name, s.events[0].attributes[0].key, s.links[0].trace_state, s.status_message,
        batch.scope_of(s).name, batch.scope_of(s).version, batch.scope_of(s).schema_url,
        batch.scope_of(s).attributes[0].key, batch.resource_of(s).schema_url,
        batch.resource_of(s).attributes[0].value.string_value()}) {
    EXPECT_EQ(text, fixed);
  }
  EXPECT_EQ(s.attributes[1].value.bytes_value(), bad) << "bytes are not text";
}

// --- hostile sizes ----------------------------------------------------------------------------

TEST(ProtoDecoderTest, EveryTruncationOfAValidRequestIsSafe) {
  testing::RandomRequestOptions options;
  options.unknown_fields_probability = 0.2;
  std::string full;
  for (uint64_t seed = 7; full.size() < 3000; ++seed) {  // a request of a few KB
    full = testing::RandomRequest(seed, options).SerializeAsString();
  }
  SpanBatch whole;
  ASSERT_TRUE(Decode(full, whole).ok());
  ASSERT_GE(whole.size(), 4u);
  for (size_t length = 0; length < full.size(); ++length) {
    // An exact-size heap copy, so a sanitizer build catches any read past the end.
    std::vector<char> prefix(full.begin(), full.begin() + static_cast<ptrdiff_t>(length));
    SpanBatch batch;
    auto result = DecodeExportRequest(std::string_view(prefix.data(), prefix.size()), batch);
    if (result.ok()) {
      EXPECT_LE(batch.size(), whole.size()) << length;
    } else {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_TRUE(batch.empty());
    }
  }
}

TEST(ProtoDecoderTest, AMillionTinyAttributesDecodeInLinearTime) {
  const std::string tiny = LenField(9, Attribute("k", VarintField(3, 1)));
  const auto decode_with = [&](size_t count, SpanBatch& batch) {
    std::string span = ValidSpan();
    span.reserve(span.size() + count * tiny.size());
    for (size_t i = 0; i < count; ++i) span += tiny;
    const std::string input = RequestWithSpans({span});
    const auto start = std::chrono::steady_clock::now();
    auto result = Decode(input, batch);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(result.ok());
    return std::chrono::duration<double>(elapsed).count();
  };
  SpanBatch small_batch, big_batch;
  const double small = decode_with(100000, small_batch);
  const double big = decode_with(1000000, big_batch);
  ASSERT_EQ(big_batch.spans()[0].attributes.size(), 1000000u);
  EXPECT_EQ(big_batch.spans()[0].attributes[999999].value.int_value(), 1);
  EXPECT_LT(big, 5.0);
  // Linear, with lots of slack for noisy machines: 10x the input may take at most 40x the time.
  EXPECT_LT(big, 40 * small + 0.05);
}

}  // namespace
}  // namespace weft::otlp
