#include "ingest/zipkin_receiver.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/gzip.h"
#include "http/http_server.h"
#include "http/testing/gzip_bomb.h"
#include "http/testing/raw_http_client.h"
#include "ingest/admission.h"
#include "ingest/http_receiver_test_util.h"
#include "ingest/pipeline.h"

namespace weft::ingest {
namespace {

using http::testing::MakeRequest;
using http::testing::RawHttpClient;
using http::testing::TestResponse;
using ::testing::ElementsAre;
using testing::FakeSpanWriter;
using ::testing::HasSubstr;

// Two spans as Zipkin reporters send them (one root, one child).
constexpr std::string_view kSpans = R"([
  {"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","kind":"SERVER","name":"get /",
   "timestamp":1556604172355737,"duration":2000,"localEndpoint":{"serviceName":"frontend"}},
  {"traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c","id":"352bff9a74ca9ad2",
   "kind":"CLIENT","name":"get /api","timestamp":1556604172355800,"duration":1431,
   "localEndpoint":{"serviceName":"frontend"},"tags":{"http.method":"GET"}}
])";

class ZipkinReceiverTest : public testing::ReceiverFixture<ZipkinReceiver> {
 protected:
  TestResponse Post(std::string_view body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {
                        {"Content-Type", "application/json"}}) {
    auto response =
        http::testing::RoundTrip(port_, MakeRequest("POST", "/api/v2/spans", body, headers));
    EXPECT_TRUE(response) << "no response";
    return response.value_or(TestResponse());
  }
};

TEST_F(ZipkinReceiverTest, JsonSpansAreAccepted202) {
  Start();
  TestResponse response = Post(kSpans);
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "");
  EXPECT_THAT(writer_.span_names(), ElementsAre("get /", "get /api"));
  EXPECT_THAT(writer_.tenants(), ElementsAre("single-tenant"));
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr("weft_ingest_spans_total{receiver=\"zipkin\"} 2"));
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(ZipkinReceiverTest, MissingContentTypeIsJsonAndParametersAreAllowed) {
  Start();
  EXPECT_EQ(Post(kSpans, {}).status, 202);
  EXPECT_EQ(Post(kSpans, {{"Content-Type", "application/json; charset=UTF-8"}}).status, 202);
  EXPECT_EQ(writer_.spans(), 4u);
}

TEST_F(ZipkinReceiverTest, ProtobufAndOtherTypesAre415) {
  Start();
  TestResponse proto = Post("\x0a\x02", {{"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(proto.status, 415);
  EXPECT_THAT(proto.body, HasSubstr("protobuf"));
  EXPECT_EQ(Post(kSpans, {{"Content-Type", "text/xml"}}).status, 415);
  EXPECT_EQ(
      Post(kSpans, {{"Content-Type", "application/json"}, {"Content-Encoding", "zstd"}}).status,
      415);
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(ZipkinReceiverTest, BadJsonIs400WithAMessage) {
  Start();
  for (std::string_view bad : {"[", "{\"not\":\"an array\"}", "[{\"traceId\": 12}]"}) {
    TestResponse response = Post(bad);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_THAT(response.Header("Content-Type").value_or(""), HasSubstr("text/plain"));
    EXPECT_FALSE(response.body.empty());
  }
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(ZipkinReceiverTest, SpansWithBadIdsAreDroppedAndCounted) {
  Start();
  TestResponse response = Post(R"([{"traceId":"zz","id":"352bff9a74ca9ad2","name":"bad"},
      {"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","name":"good"}])");
  EXPECT_EQ(response.status, 202);
  EXPECT_THAT(writer_.span_names(), ElementsAre("good"));
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr("weft_ingest_rejected_spans_total{receiver=\"zipkin\"} 1"));
}

TEST_F(ZipkinReceiverTest, GzipIsInflatedAndBombsAre413) {
  Start();
  EXPECT_EQ(
      Post(http::Gzip(kSpans), {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}})
          .status,
      202);
  EXPECT_EQ(writer_.spans(), 2u);
  TestResponse bomb = Post(http::testing::MakeGzipBomb(1024),  // 1 GiB inflated
                           {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}});
  EXPECT_EQ(bomb.status, 413);
  EXPECT_THAT(bomb.body, HasSubstr("exceeds the limit"));
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(ZipkinReceiverTest, EmptyBodyAndEmptyListAreAccepted) {
  Start();
  EXPECT_EQ(Post("").status, 202);
  EXPECT_EQ(Post("[]").status, 202);
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(ZipkinReceiverTest, AdmissionRefusalIs429AndStorageUnavailableIs503) {
  constexpr size_t kBudget = 100'000;
  Start(ZipkinReceiver::Options(), kBudget);
  // Larger than the whole budget: it can never fit, so it is not worth retrying.
  TestResponse huge = Post(std::string(kBudget + 1, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.Header("Retry-After"), std::nullopt);

  // Does not fit beside a request that storage has not answered yet: retry later.
  writer_.Hold();
  RawHttpClient held(port_);
  ASSERT_TRUE(held.Send(
      MakeRequest("POST", "/api/v2/spans", kSpans, {{"Content-Type", "application/json"}})));
  for (int i = 0; i < 400 && writer_.held() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(writer_.held(), 1u);
  TestResponse busy_budget = Post(std::string(kBudget - admission_->bytes_in_flight() + 1, ' '));
  EXPECT_EQ(busy_budget.status, 429);
  EXPECT_EQ(busy_budget.Header("Retry-After"), "1");
  writer_.Release();
  auto accepted = held.Read();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202);

  writer_.AnswerWith(absl::UnavailableError("store is busy"));
  TestResponse busy = Post(kSpans);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.Header("Retry-After"), "1");
  EXPECT_THAT(busy.body, HasSubstr("store is busy"));

  writer_.AnswerWith(absl::InternalError("bug"));
  EXPECT_EQ(Post(kSpans).status, 500);
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(ZipkinReceiverTest, TenantIsValidated) {
  Start();
  EXPECT_EQ(Post(kSpans, {{"Content-Type", "application/json"}, {"X-Scope-OrgID", "acme"}}).status,
            202);
  EXPECT_EQ(Post(kSpans, {{"Content-Type", "application/json"}, {"X-Scope-OrgID", ".."}}).status,
            400);
  EXPECT_EQ(
      Post(kSpans, {{"Content-Type", "application/json"}, {"X-Scope-OrgID", std::string(151, 'a')}})
          .status,
      400);
  EXPECT_THAT(writer_.tenants(), ElementsAre("acme"));
}

TEST_F(ZipkinReceiverTest, OnlyPostIsServed) {
  Start();
  auto response = http::testing::RoundTrip(port_, MakeRequest("GET", "/api/v2/spans"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "POST");
}

}  // namespace
}  // namespace weft::ingest
