#include "ingest/otlp_http_receiver.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "http/gzip.h"
#include "http/http_server.h"
#include "http/testing/gzip_bomb.h"
#include "http/testing/raw_http_client.h"
#include "ingest/admission.h"
#include "ingest/http_receiver_test_util.h"
#include "ingest/pipeline.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace weft::ingest {
namespace {

using http::testing::MakeRequest;
using http::testing::RawHttpClient;
using http::testing::TestResponse;
using ::testing::ElementsAre;
using testing::FakeSpanWriter;
using ::testing::HasSubstr;
namespace pb = opentelemetry::proto;
using namespace std::chrono_literals;

constexpr char kProtobuf[] = "application/x-protobuf";
constexpr char kJson[] = "application/json";

// An ExportTraceServiceRequest built with libprotobuf (independent of weft's encoder): `valid`
// spans named "op-<i>", then `invalid` spans with an all-zero trace id.
std::string ProtoRequest(int valid, int invalid = 0) {
  pb::collector::trace::v1::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  auto* attribute = resource_spans->mutable_resource()->add_attributes();
  attribute->set_key("service.name");
  attribute->mutable_value()->set_string_value("checkout");
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("test");
  for (int i = 0; i < valid + invalid; ++i) {
    auto* span = scope_spans->add_spans();
    std::string trace_id(16, '\0');
    trace_id[15] = static_cast<char>(1 + i % 200);
    trace_id[0] = static_cast<char>(1 + i / 200);
    span->set_trace_id(i < valid ? trace_id : std::string(16, '\0'));
    span->set_span_id(std::string(7, '\x01') + static_cast<char>(1 + i % 200));
    span->set_name(absl::StrCat("op-", i));
    span->set_start_time_unix_nano(1'700'000'000'000'000'000ULL);
    span->set_end_time_unix_nano(1'700'000'000'100'000'000ULL);
  }
  return request.SerializeAsString();
}

std::string JsonRequest(std::string_view trace_id = "5B8EFFF798038103D269B633813FC60C") {
  return absl::StrCat(
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)",
      R"({"stringValue":"web"}}]},"scopeSpans":[{"scope":{"name":"t"},"spans":[{"traceId":")",
      std::string(trace_id), R"(","spanId":"EEE19B7EC3C1B174","name":"GET /","kind":2,)",
      R"("startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000}]}]}]})");
}

google::rpc::Status ParseStatus(const TestResponse& response) {
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(response.body)) << "not a google.rpc.Status";
  return status;
}

class OtlpHttpReceiverTest : public testing::ReceiverFixture<OtlpHttpReceiver> {
 protected:
  std::string Request(std::string_view body, std::string_view content_type,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", std::string(content_type));
    return MakeRequest("POST", "/v1/traces", body, headers);
  }
  TestResponse Post(std::string_view body, std::string_view content_type,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto response =
        http::testing::RoundTrip(port_, Request(body, content_type, std::move(headers)));
    EXPECT_TRUE(response) << "no response";
    return response.value_or(TestResponse());
  }
};

TEST_F(OtlpHttpReceiverTest, ProtobufRequestIsStoredAndAnswered) {
  Start();
  TestResponse response = Post(ProtoRequest(3), kProtobuf);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("Content-Type"), kProtobuf);
  pb::collector::trace::v1::ExportTraceServiceResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(response.body));
  EXPECT_FALSE(parsed.has_partial_success());
  EXPECT_EQ(writer_.spans(), 3u);
  EXPECT_THAT(writer_.span_names(), ElementsAre("op-0", "op-1", "op-2"));
  EXPECT_THAT(writer_.tenants(), ElementsAre("single-tenant"));
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(OtlpHttpReceiverTest, JsonRequestGetsJsonResponse) {
  Start();
  TestResponse response = Post(JsonRequest(), "application/json; charset=utf-8");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("Content-Type"), kJson);
  EXPECT_EQ(response.body, "{}");
  EXPECT_THAT(writer_.span_names(), ElementsAre("GET /"));
}

TEST_F(OtlpHttpReceiverTest, PartialSuccessReportsRejectedSpans) {
  Start();
  TestResponse response = Post(ProtoRequest(2, 1), kProtobuf);
  EXPECT_EQ(response.status, 200);
  pb::collector::trace::v1::ExportTraceServiceResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(response.body));
  ASSERT_TRUE(parsed.has_partial_success());
  EXPECT_EQ(parsed.partial_success().rejected_spans(), 1);
  EXPECT_FALSE(parsed.partial_success().error_message().empty());
  EXPECT_EQ(writer_.spans(), 2u);

  TestResponse json = Post(JsonRequest("00000000000000000000000000000000"), kJson);
  EXPECT_EQ(json.status, 200);
  EXPECT_THAT(json.body, HasSubstr("\"partialSuccess\""));
  EXPECT_THAT(json.body, HasSubstr("\"rejectedSpans\":\"1\""));
  EXPECT_EQ(writer_.spans(), 2u);  // a request with only rejected spans writes nothing
}

TEST_F(OtlpHttpReceiverTest, EmptyRequestsSucceedWithoutWriting) {
  Start();
  EXPECT_EQ(Post("", kProtobuf).status, 200);
  EXPECT_EQ(Post("", kJson).status, 200);
  EXPECT_EQ(Post("{}", kJson).body, "{}");
  EXPECT_EQ(Post(ProtoRequest(0), kProtobuf).status, 200);
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(OtlpHttpReceiverTest, OtherContentTypesAre415) {
  Start();
  EXPECT_EQ(Post(JsonRequest(), "text/plain").status, 415);
  EXPECT_EQ(Post(JsonRequest(), "application/protobuf+json").status, 415);
  auto missing = http::testing::RoundTrip(port_, MakeRequest("POST", "/v1/traces", "{}"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 415);
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(OtlpHttpReceiverTest, OtherMethodsAre405) {
  Start();
  auto response = http::testing::RoundTrip(port_, MakeRequest("GET", "/v1/traces"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "POST");
  auto logs = http::testing::RoundTrip(port_, MakeRequest("POST", "/v1/logs", "x"));
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->status, 404);
}

TEST_F(OtlpHttpReceiverTest, GzipBodyIsInflated) {
  Start();
  TestResponse response =
      Post(http::Gzip(ProtoRequest(5)), kProtobuf, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(writer_.spans(), 5u);
  TestResponse json = Post(http::Gzip(JsonRequest()), kJson, {{"Content-Encoding", "GZIP"}});
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(writer_.spans(), 6u);
}

TEST_F(OtlpHttpReceiverTest, OtherEncodingsAre415AndCorruptGzipIs400) {
  Start();
  TestResponse br = Post(ProtoRequest(1), kProtobuf, {{"Content-Encoding", "br"}});
  EXPECT_EQ(br.status, 415);
  EXPECT_THAT(ParseStatus(br).message(), HasSubstr("Content-Encoding"));
  TestResponse corrupt = Post("definitely not gzip", kProtobuf, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(corrupt.status, 400);
  EXPECT_EQ(ParseStatus(corrupt).code(), 3);
  EXPECT_EQ(writer_.batches(), 0u);
}

// CVE-2024-36129: ~10 MB on the wire, 10 GiB inflated. Refused with 413 after inflating at most
// max_request_bytes, fast, with peak memory bounded by the limit rather than the bomb.
TEST_F(OtlpHttpReceiverTest, GzipBombIs413FastWithBoundedMemory) {
  Start();
  const std::string request =
      Request(http::testing::MakeGzipBomb(10 * 1024), kProtobuf, {{"Content-Encoding", "gzip"}});
  const bool peak_reset = testing::ResetPeakRss();
  const int64_t rss_before_kib = testing::ProcStatusKib("VmRSS");
  const auto start = std::chrono::steady_clock::now();
  auto response = http::testing::RoundTrip(port_, request);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  const google::rpc::Status status = ParseStatus(*response);
  EXPECT_EQ(status.code(), 8);  // RESOURCE_EXHAUSTED
  EXPECT_THAT(status.message(), HasSubstr("exceeds the limit"));
  EXPECT_EQ(response->Header("Retry-After"), std::nullopt);  // not retryable
  EXPECT_LT(elapsed, 5s);
  if (peak_reset) {
    const int64_t peak_delta_mib = (testing::ProcStatusKib("VmHWM") - rss_before_kib) / 1024;
    RecordProperty("peak_rss_delta_mib", static_cast<int>(peak_delta_mib));
    EXPECT_LT(peak_delta_mib, 256) << "limit is 64 MiB; the bomb is 10 GiB";
  }
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(OtlpHttpReceiverTest, TooLargeOnTheWireIs413WithStatusBeforeReading) {
  OtlpHttpReceiver::Options options;
  options.max_request_bytes = 1000;
  Start(options);
  RawHttpClient client(port_);
  ASSERT_TRUE(
      client.Send("POST /v1/traces HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  "Content-Length: 5000000\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("Content-Type"), kJson);
  EXPECT_THAT(response->body, HasSubstr("\"code\":8"));
  EXPECT_THAT(response->body, HasSubstr("exceeds the limit of 1000 bytes"));
}

TEST_F(OtlpHttpReceiverTest, InflatedPastTheLimitIs413) {
  OtlpHttpReceiver::Options options;
  options.max_request_bytes = 10'000;
  Start(options);
  const std::string big = ProtoRequest(500);
  ASSERT_GT(big.size(), 10'000u);
  const std::string compressed = http::Gzip(big);
  ASSERT_LT(compressed.size(), 10'000u);
  TestResponse response = Post(compressed, kProtobuf, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(ParseStatus(response).code(), 8);
}

TEST_F(OtlpHttpReceiverTest, TruncatedOrInvalidProtobufIs400WithStatus) {
  Start();
  const std::string full = ProtoRequest(4);
  for (const std::string& bad :
       {full.substr(0, full.size() - 3), std::string("\x0a\xff\xff\xff\xff\x0f", 6),
        std::string("\xff\xff\xff", 3)}) {
    TestResponse response = Post(bad, kProtobuf);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.Header("Content-Type"), kProtobuf);
    const google::rpc::Status status = ParseStatus(response);
    EXPECT_EQ(status.code(), 3);  // INVALID_ARGUMENT
    EXPECT_FALSE(status.message().empty());
  }
  EXPECT_EQ(writer_.batches(), 0u);
}

TEST_F(OtlpHttpReceiverTest, InvalidJsonIs400WithJsonStatus) {
  Start();
  for (std::string_view bad : {"{", "[1,2]", R"({"resourceSpans":"nope"})"}) {
    TestResponse response = Post(bad, kJson);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_EQ(response.Header("Content-Type"), kJson);
    EXPECT_THAT(response.body, HasSubstr("\"code\":3"));
    EXPECT_THAT(response.body, HasSubstr("\"message\":"));
  }
}

TEST_F(OtlpHttpReceiverTest, AdmissionRefusesWhileAnotherRequestHoldsTheBudget) {
  Start(OtlpHttpReceiver::Options(), /*budget=*/1 << 20);
  writer_.Hold();
  RawHttpClient first(port_);
  ASSERT_TRUE(first.Send(Request(ProtoRequest(500), kProtobuf)));
  for (int i = 0; i < 400 && writer_.held() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(writer_.held(), 1u);
  const size_t held = admission_->bytes_in_flight();
  ASSERT_GT(held, 0u);

  // A body that does not fit beside the first is refused before it is read.
  RawHttpClient second(port_);
  ASSERT_TRUE(second.Send(absl::StrCat(
      "POST /v1/traces HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-protobuf\r\n",
      "Content-Length: ", (size_t{1} << 20) - held + 1, "\r\n\r\n")));
  auto refused = second.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->Header("Retry-After"), "1");
  const google::rpc::Status status = ParseStatus(*refused);
  EXPECT_EQ(status.code(), 8);
  EXPECT_EQ(status.details_size(), 1);  // RetryInfo

  writer_.Release();
  auto answer = first.Read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
  writer_.AnswerWith(absl::OkStatus());
  EXPECT_EQ(Post(ProtoRequest(2), kProtobuf).status, 200);
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr("weft_ingest_admission_refused_total{receiver=\"otlp_http\"} 1"));
}

TEST_F(OtlpHttpReceiverTest, StorageUnavailableIs503AndOtherErrorsAre500) {
  Start();
  writer_.AnswerWith(absl::UnavailableError("disk is full"));
  TestResponse unavailable = Post(ProtoRequest(1), kProtobuf);
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(unavailable.Header("Retry-After"), "1");
  const google::rpc::Status status = ParseStatus(unavailable);
  EXPECT_EQ(status.code(), 14);  // UNAVAILABLE
  EXPECT_THAT(status.message(), HasSubstr("disk is full"));

  writer_.AnswerWith(absl::ResourceExhaustedError("queue full"));
  EXPECT_EQ(Post(JsonRequest(), kJson).status, 503);

  writer_.AnswerWith(absl::DataLossError("checksum"));
  TestResponse internal = Post(ProtoRequest(1), kProtobuf);
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.Header("Retry-After"), std::nullopt);
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr("weft_ingest_write_failures_total{receiver=\"otlp_http\"} 3"));
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

TEST_F(OtlpHttpReceiverTest, TenantComesFromXScopeOrgIdAndIsValidated) {
  Start();
  EXPECT_EQ(Post(ProtoRequest(1), kProtobuf, {{"X-Scope-OrgID", "team-a"}}).status, 200);
  EXPECT_EQ(Post(ProtoRequest(1), kProtobuf, {{"x-scope-orgid", std::string(150, 't')}}).status,
            200);
  EXPECT_THAT(writer_.tenants(), ElementsAre("team-a", std::string(150, 't')));

  for (const std::string& bad : {std::string(".."), std::string("."), std::string(151, 't'),
                                 std::string("a/b"), std::string("tenant with spaces")}) {
    TestResponse response = Post(ProtoRequest(1), kProtobuf, {{"X-Scope-OrgID", bad}});
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_THAT(ParseStatus(response).message(), HasSubstr("X-Scope-OrgID"));
  }
  EXPECT_EQ(writer_.batches(), 2u);
}

TEST_F(OtlpHttpReceiverTest, ChunkedRequestLikeTheJsExporter) {
  Start();
  const std::string body = JsonRequest();
  RawHttpClient client(port_);
  ASSERT_TRUE(
      client.Send("POST /v1/traces HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n"));
  for (size_t at = 0; at < body.size(); at += 100) {
    const std::string piece = body.substr(at, 100);
    std::ostringstream size;
    size << std::hex << piece.size();
    ASSERT_TRUE(client.Send(absl::StrCat(size.str(), "\r\n", piece, "\r\n")));
  }
  ASSERT_TRUE(client.Send("0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(writer_.spans(), 1u);
}

TEST_F(OtlpHttpReceiverTest, KeepAliveAndManyConcurrentClients) {
  Start();
  constexpr int kClients = 16;
  constexpr int kRequests = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      RawHttpClient client(port_);
      for (int i = 0; i < kRequests; ++i) {
        const bool json = (c + i) % 2 == 0;
        if (!client.Send(json ? Request(JsonRequest(), kJson)
                              : Request(ProtoRequest(3), kProtobuf))) {
          return;
        }
        auto response = client.Read();
        if (response && response->status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, kClients * kRequests);
  EXPECT_EQ(writer_.spans(), static_cast<uint64_t>(kClients * kRequests / 2 * (1 + 3)));
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "weft_ingest_http_requests_total{receiver=\"otlp_http\",code=\"200\"} ",
                        kClients * kRequests)));
  EXPECT_THAT(text, HasSubstr("weft_ingest_spans_total{receiver=\"otlp_http\"} 320"));
  EXPECT_THAT(text, HasSubstr("weft_ingest_batches_total{receiver=\"otlp_http\"} 160"));
  EXPECT_EQ(admission_->bytes_in_flight(), 0u);
}

}  // namespace
}  // namespace weft::ingest
