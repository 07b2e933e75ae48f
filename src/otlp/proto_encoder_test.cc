// EncodeExportRequest grouping and the response messages, checked by parsing with libprotobuf.
#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "otlp/proto_codec.h"
#include "otlp/proto_test_util.h"

namespace weft::otlp {
namespace {

using testing::ProtoRequest;
using ProtoResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;

Span MakeSpan(uint32_t scope_index, uint8_t id) {
  Span span;
  span.trace_id = TraceId(std::array<uint8_t, 16>{1, id});
  span.span_id = SpanId(std::array<uint8_t, 8>{2, id});
  span.scope_index = scope_index;
  return span;
}

TEST(ProtoEncoderTest, GroupsRunsOfSpansByScopeAndResource) {
  SpanBatch batch;
  static const KeyValue kService[] = {{"service.name", AnyValue::String("a")}};
  Resource service;
  service.attributes = kService;
  const uint32_t r0 = batch.AddResource(service);
  const uint32_t r1 = batch.AddResource(Resource{});
  InstrumentationScope named;
  named.name = "lib";
  const uint32_t s0 = batch.AddScope(r0, named);
  const uint32_t s1 = batch.AddScope(r0, InstrumentationScope{});
  const uint32_t s2 = batch.AddScope(r1, named);
  // Runs: (r0: s0 s0, s1), (r1: s2), (r0: s0).
  for (auto [scope, id] : {std::pair{s0, 1}, {s0, 2}, {s1, 3}, {s2, 4}, {s0, 5}}) {
    batch.AddSpan(MakeSpan(scope, static_cast<uint8_t>(id)));
  }
  std::string bytes;
  EncodeExportRequest(batch, bytes);
  ProtoRequest request;
  ASSERT_TRUE(request.ParseFromString(bytes));
  ASSERT_EQ(request.resource_spans_size(), 3);
  EXPECT_EQ(request.resource_spans(0).scope_spans_size(), 2);
  EXPECT_EQ(request.resource_spans(0).scope_spans(0).spans_size(), 2);
  EXPECT_EQ(request.resource_spans(0).scope_spans(0).scope().name(), "lib");
  EXPECT_FALSE(request.resource_spans(0).scope_spans(1).has_scope()) << "empty scope omitted";
  EXPECT_FALSE(request.resource_spans(1).has_resource()) << "empty resource omitted";
  EXPECT_EQ(request.resource_spans(2).scope_spans(0).spans(0).span_id()[1], 5);
  EXPECT_EQ(testing::DiffBatchAndProto(batch, request), "");
}

TEST(ProtoEncoderTest, EmptyBatchEncodesToNothing) {
  SpanBatch batch;
  std::string bytes;
  EncodeExportRequest(batch, bytes);
  EXPECT_TRUE(bytes.empty());
}

TEST(ProtoEncoderTest, RootSpansHaveNoParentAndDefaultsAreOmitted) {
  SpanBatch batch;
  batch.AddScope(batch.AddResource({}), {});
  batch.AddSpan(MakeSpan(0, 1));
  std::string bytes;
  EncodeExportRequest(batch, bytes);
  // resource_spans{scope_spans{spans{trace_id, span_id}}}: nothing else.
  EXPECT_EQ(bytes.size(), 2u + 2u + 2u + (2u + 16u) + (2u + 8u));
  ProtoRequest request;
  ASSERT_TRUE(request.ParseFromString(bytes));
  const auto& span = request.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_TRUE(span.parent_span_id().empty());
  EXPECT_FALSE(span.has_status());
}

TEST(ProtoEncoderTest, InvalidUtf8InTheBatchIsRepairedSoLibprotobufAccepts) {
  SpanBatch batch;
  batch.AddScope(batch.AddResource({}), {});
  Span span = MakeSpan(0, 1);
  span.name = "bad\xc3";
  static const KeyValue kAttrs[] = {{"k\xff", AnyValue::String("\xed\xa0\x80")}};
  span.attributes = kAttrs;
  batch.AddSpan(span);
  std::string bytes;
  EncodeExportRequest(batch, bytes);
  ProtoRequest request;
  ASSERT_TRUE(request.ParseFromString(bytes));
  const auto& decoded = request.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(decoded.name(), "bad\xEF\xBF\xBD");
  EXPECT_EQ(decoded.attributes(0).key(), "k\xEF\xBF\xBD");
}

TEST(ProtoEncoderTest, ResponseIsEmptyOnFullSuccess) {
  EXPECT_EQ(EncodeExportResponse(DecodeResult{}), "");
}

TEST(ProtoEncoderTest, ResponseCarriesPartialSuccess) {
  DecodeResult result;
  result.Reject("spans[0].trace_id: all zero");
  result.Reject("ignored");
  ProtoResponse response;
  ASSERT_TRUE(response.ParseFromString(EncodeExportResponse(result)));
  ASSERT_TRUE(response.has_partial_success());
  EXPECT_EQ(response.partial_success().rejected_spans(), 2);
  EXPECT_EQ(response.partial_success().error_message(), "spans[0].trace_id: all zero");
}

TEST(ProtoEncoderTest, WarningOnlyPartialSuccess) {
  DecodeResult result;
  result.error_message = "attributes truncated";
  ProtoResponse response;
  ASSERT_TRUE(response.ParseFromString(EncodeExportResponse(result)));
  ASSERT_TRUE(response.has_partial_success());
  EXPECT_EQ(response.partial_success().rejected_spans(), 0);
  EXPECT_EQ(response.partial_success().error_message(), "attributes truncated");
}

TEST(ProtoEncoderTest, RpcStatusWithRetryInfo) {
  google::rpc::Status status;
  ASSERT_TRUE(status.ParseFromString(EncodeRpcStatus(14, "overloaded", 1)));
  EXPECT_EQ(status.code(), 14);
  EXPECT_EQ(status.message(), "overloaded");
  ASSERT_EQ(status.details_size(), 1);
  EXPECT_EQ(status.details(0).type_url(), "type.googleapis.com/google.rpc.RetryInfo");
  google::rpc::RetryInfo info;
  ASSERT_TRUE(status.details(0).UnpackTo(&info));
  EXPECT_TRUE(info.has_retry_delay());
  EXPECT_EQ(info.retry_delay().seconds(), 1);
  EXPECT_EQ(info.retry_delay().nanos(), 0);
}

TEST(ProtoEncoderTest, RpcStatusWithoutDetails) {
  google::rpc::Status status;
  ASSERT_TRUE(status.ParseFromString(EncodeRpcStatus(3, "bad span data")));
  EXPECT_EQ(status.code(), 3);
  EXPECT_EQ(status.message(), "bad span data");
  EXPECT_EQ(status.details_size(), 0);
  // Byte-identical to libprotobuf's own serialization.
  google::rpc::Status reference;
  reference.set_code(3);
  reference.set_message("bad span data");
  EXPECT_EQ(EncodeRpcStatus(3, "bad span data"), reference.SerializeAsString());
}

TEST(ProtoEncoderTest, RpcStatusMatchesLibprotobufBytes) {
  google::rpc::Status reference;
  reference.set_code(8);
  reference.set_message("slow down");
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(30);
  reference.add_details()->PackFrom(info);
  EXPECT_EQ(EncodeRpcStatus(8, "slow down", 30), reference.SerializeAsString());
}

TEST(ProtoEncoderTest, NegativeRpcCodeRoundTrips) {
  google::rpc::Status status;
  ASSERT_TRUE(status.ParseFromString(EncodeRpcStatus(-1, "")));
  EXPECT_EQ(status.code(), -1);
}

}  // namespace
}  // namespace weft::otlp
