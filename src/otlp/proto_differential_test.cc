// Differential tests: weft's hand-written protobuf codec against libprotobuf and the reference
// schema in proto/. Seeded random requests (hundreds) and hand-made ones are compared field by
// field in three directions: libprotobuf bytes -> weft decode; weft encode -> libprotobuf parse;
// weft encode -> weft decode.
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "otlp/proto_codec.h"
#include "otlp/proto_test_util.h"

namespace weft::otlp {
namespace {

using testing::DiffBatchAndProto;
using testing::DiffBatches;
using testing::ProtoRequest;
using testing::RandomRequest;
using testing::RandomRequestOptions;

constexpr int kSeeds = 400;

void DecodeOrFail(std::string_view bytes, SpanBatch& batch) {
  auto result = DecodeExportRequest(bytes, batch);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rejected_spans, 0u) << result->error_message;
}

TEST(ProtoDifferentialTest, WeftDecodeMatchesLibprotobufOnRandomRequests) {
  size_t spans = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE(seed);
    const ProtoRequest request = RandomRequest(seed);
    const std::string bytes = request.SerializeAsString();
    ProtoRequest parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    SpanBatch batch;
    DecodeOrFail(bytes, batch);
    ASSERT_EQ(DiffBatchAndProto(batch, parsed), "");
    spans += batch.size();
  }
  EXPECT_GT(spans, size_t{kSeeds});  // the generator really produces spans
}

TEST(ProtoDifferentialTest, UnknownFieldsEverywhereAreSkippedLikeLibprotobuf) {
  RandomRequestOptions options;
  options.unknown_fields_probability = 0.4;
  for (uint64_t seed = 1; seed <= kSeeds / 2; ++seed) {
    SCOPED_TRACE(seed);
    const std::string bytes = RandomRequest(seed, options).SerializeAsString();
    ProtoRequest parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    SpanBatch batch;
    DecodeOrFail(bytes, batch);
    ASSERT_EQ(DiffBatchAndProto(batch, parsed), "");
  }
}

TEST(ProtoDifferentialTest, WeftEncodeParsesWithLibprotobufAndRoundTrips) {
  RandomRequestOptions options;
  options.unknown_fields_probability = 0.1;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE(seed);
    const std::string bytes = RandomRequest(seed, options).SerializeAsString();
    SpanBatch batch;
    DecodeOrFail(bytes, batch);

    std::string encoded;
    EncodeExportRequest(batch, encoded);
    ProtoRequest reparsed;
    ASSERT_TRUE(reparsed.ParseFromString(encoded));
    ASSERT_EQ(DiffBatchAndProto(batch, reparsed), "");

    SpanBatch again;
    DecodeOrFail(encoded, again);
    ASSERT_EQ(DiffBatches(batch, again), "");
  }
}

// libprotobuf's serialization is canonical; after removing the few things weft's model cannot
// express (presence of empty messages, span-less groups), weft must write the same bytes.
void NormalizeValue(opentelemetry::proto::common::v1::AnyValue& value);
void NormalizeKeyValues(
    google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>& kvs) {
  for (auto& kv : kvs) NormalizeValue(*kv.mutable_value());  // weft always writes `value`
}
void NormalizeValue(opentelemetry::proto::common::v1::AnyValue& value) {
  if (value.has_array_value()) {
    for (auto& v : *value.mutable_array_value()->mutable_values()) NormalizeValue(v);
  }
  if (value.has_kvlist_value()) NormalizeKeyValues(*value.mutable_kvlist_value()->mutable_values());
}
void Normalize(ProtoRequest& request) {
  auto& all = *request.mutable_resource_spans();
  for (auto& rs : all) {
    auto& groups = *rs.mutable_scope_spans();
    for (int i = groups.size() - 1; i >= 0; --i) {
      if (groups[i].spans_size() == 0) groups.DeleteSubrange(i, 1);
    }
    if (rs.resource().attributes_size() == 0 && rs.resource().dropped_attributes_count() == 0) {
      rs.clear_resource();
    }
    NormalizeKeyValues(*rs.mutable_resource()->mutable_attributes());
    if (rs.resource().attributes_size() == 0 && rs.resource().dropped_attributes_count() == 0) {
      rs.clear_resource();
    }
    for (auto& ss : groups) {
      const auto& scope = ss.scope();
      if (scope.name().empty() && scope.version().empty() && scope.attributes_size() == 0 &&
          scope.dropped_attributes_count() == 0) {
        ss.clear_scope();
      } else {
        NormalizeKeyValues(*ss.mutable_scope()->mutable_attributes());
      }
      for (auto& span : *ss.mutable_spans()) {
        NormalizeKeyValues(*span.mutable_attributes());
        for (auto& event : *span.mutable_events()) NormalizeKeyValues(*event.mutable_attributes());
        for (auto& link : *span.mutable_links()) NormalizeKeyValues(*link.mutable_attributes());
        if (span.status().message().empty() && span.status().code() == 0) span.clear_status();
      }
    }
  }
  for (int i = all.size() - 1; i >= 0; --i) {
    if (all[i].scope_spans_size() == 0) all.DeleteSubrange(i, 1);
  }
}

TEST(ProtoDifferentialTest, WeftEncodingIsByteIdenticalToLibprotobufCanonicalForm) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE(seed);
    ProtoRequest request = RandomRequest(seed);
    Normalize(request);
    std::string canonical;
    ASSERT_TRUE(request.SerializeToString(&canonical));
    SpanBatch batch;
    DecodeOrFail(canonical, batch);
    std::string encoded;
    EncodeExportRequest(batch, encoded);
    ASSERT_EQ(absl::CHexEscape(encoded), absl::CHexEscape(canonical));
  }
}

TEST(ProtoDifferentialTest, EncodeAppendsToExistingBytes) {
  const std::string bytes = RandomRequest(3).SerializeAsString();
  SpanBatch batch;
  DecodeOrFail(bytes, batch);
  std::string out = "prefix";
  EncodeExportRequest(batch, out);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  ProtoRequest reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(out.substr(6)));
  EXPECT_EQ(DiffBatchAndProto(batch, reparsed), "");
}

TEST(ProtoDifferentialTest, LargeMessagesMoveTheirBodiesWhenTheLengthGuessIsShort) {
  // A 20 KB attribute value: its KeyValue, AnyValue, span and groups all outgrow the guesses.
  ProtoRequest request;
  auto* span = request.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_trace_id(std::string(16, '\x01'));
  span->set_span_id(std::string(8, '\x02'));
  auto* kv = span->add_attributes();
  kv->set_key("big");
  kv->mutable_value()->set_string_value(std::string(20000, 'x'));
  const std::string bytes = request.SerializeAsString();
  SpanBatch batch;
  DecodeOrFail(bytes, batch);
  std::string encoded;
  EncodeExportRequest(batch, encoded);
  EXPECT_EQ(absl::CHexEscape(encoded), absl::CHexEscape(bytes));
}

// Seeds for tests/fuzz/corpus/otlp_proto: `WEFT_WRITE_PROTO_CORPUS=<dir> otlp_proto_test
// --gtest_filter=*SeedCorpus*` rewrites them.
TEST(ProtoDifferentialTest, SeedCorpus) {
  const char* dir = std::getenv("WEFT_WRITE_PROTO_CORPUS");
  if (dir == nullptr) GTEST_SKIP() << "set WEFT_WRITE_PROTO_CORPUS to write the fuzz seeds";
  const auto write = [&](const std::string& name, const std::string& bytes) {
    ASSERT_LT(bytes.size(), 10000u) << name;
    std::ofstream(absl::StrCat(dir, "/", name), std::ios::binary) << bytes;
  };
  RandomRequestOptions small;
  small.max_resource_spans = 2;
  small.max_scope_spans = 2;
  small.max_spans = 3;
  small.max_attributes = 4;
  // The first seed from `seed` on whose request is between 300 bytes and 8 KB.
  const auto request_from = [&](uint64_t seed, const RandomRequestOptions& options) {
    for (;; ++seed) {
      ProtoRequest request = RandomRequest(seed, options);
      const size_t size = request.ByteSizeLong();
      if (size >= 300 && size <= 8000) return request;
    }
  };
  for (uint64_t seed : {1, 20, 40, 60}) {
    write(absl::StrCat("random_", seed, ".pb"), request_from(seed, small).SerializeAsString());
  }
  RandomRequestOptions unknown = small;
  unknown.unknown_fields_probability = 0.5;
  write("unknown_fields.pb", request_from(80, unknown).SerializeAsString());
  ProtoRequest rejected = request_from(100, small);
  for (auto& rs : *rejected.mutable_resource_spans()) {
    for (auto& ss : *rs.mutable_scope_spans()) {
      for (auto& span : *ss.mutable_spans()) span.set_trace_id("short");
    }
  }
  write("invalid_ids.pb", rejected.SerializeAsString());
  write("empty.pb", "");
}

}  // namespace
}  // namespace weft::otlp
