// Tempo's /api/v2/traces/{id}: the TraceByIDResponse JSON and protobuf (what Grafana decodes),
// deduplication, the PARTIAL answer over the span bound, and the 400 / 404 paths.
#include "api/tempo_trace_v2.h"

#include <memory>
#include <string>

#include "api/api_test_traces.h"
#include "common/varint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "otlp/proto_codec.h"
#include "storage/memory/memory_store.h"

namespace weft::api {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using weft::api::testing::kCartTrace;
using weft::api::testing::kCheckoutTrace;
using weft::testing::HttpRequest;

class TempoTraceV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    testing::WriteRecordedTraces(*store_);
  }

  void Start(size_t max_spans = kDefaultTempoTraceMaxSpans) {
    server_ = std::make_unique<http::HttpServer>();
    RegisterTempoTraceV2Routes(*server_, *store_, max_spans);
    port_ = *server_->Listen("127.0.0.1:0");
  }

  weft::testing::HttpResult Get(const std::string& target,
                                std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (server_ == nullptr) Start();
    return HttpRequest(port_, "GET", target, headers);
  }

  std::unique_ptr<storage::SpanStore> store_;
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
};

// The fields of a tempopb.TraceByIDResponse.
struct DecodedResponse {
  SpanBatch trace;
  uint64_t status = 0;
  std::string message;
};

DecodedResponse DecodeResponse(const std::string& body) {
  DecodedResponse out;
  std::string_view in = out.trace.AdoptInput(body);
  while (!in.empty()) {
    const uint8_t tag = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    if (tag == ((3 << 3) | 0)) {
      EXPECT_TRUE(GetVarint64(in, &out.status));
      continue;
    }
    uint64_t size = 0;
    EXPECT_TRUE(GetVarint64(in, &size));
    EXPECT_LE(size, in.size());
    const std::string_view field = in.substr(0, size);
    in.remove_prefix(size);
    if (tag == ((1 << 3) | 2)) {
      EXPECT_TRUE(otlp::DecodeExportRequest(field, out.trace).ok());
    } else if (tag == ((4 << 3) | 2)) {
      out.message = std::string(field);
    } else {
      ADD_FAILURE() << "unexpected tag " << int{tag};
    }
  }
  return out;
}

TEST_F(TempoTraceV2Test, JsonInTraceByIDResponseShape) {
  const weft::testing::HttpResult r = Get(std::string("/api/v2/traces/") + kCartTrace);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(r.body,
            R"({"trace":{"resourceSpans":[{"resource":{"attributes":[)"
            R"({"key":"service.name","value":{"stringValue":"cart"}},)"
            R"({"key":"region","value":{"stringValue":"eu"}}]},"scopeSpans":[{"scope":)"
            R"({"name":"cart-lib"},"spans":[{"traceId":"5bf92f3577b34da6a3ce929d0e0e4737",)"
            R"("spanId":"00000000000000c1","name":"GET /items","kind":2,)"
            R"("startTimeUnixNano":"1699999999000000000","endTimeUnixNano":"1699999999100000000",)"
            R"("attributes":[{"key":"http.method","value":{"stringValue":"GET"}},)"
            R"({"key":"http.status_code","value":{"intValue":"200"}},)"
            R"({"key":"ratio","value":{"doubleValue":0.5}}]}]}]}]},)"
            R"("status":"COMPLETE"})");
}

TEST_F(TempoTraceV2Test, ProtobufWhenAskedAsGrafanaDoes) {
  store_->Write(storage::kDefaultTenant, testing::CheckoutBatch(), [](absl::Status) {});
  const weft::testing::HttpResult r =
      Get(std::string("/api/v2/traces/") + kCheckoutTrace + "?start=1699990000&end=1700010000",
          {{"Accept", "application/protobuf"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/protobuf");
  const DecodedResponse decoded = DecodeResponse(r.body);
  EXPECT_EQ(decoded.trace.size(), 2u) << "the stored duplicate is dropped";
  EXPECT_EQ(decoded.status, 0u);
  EXPECT_EQ(decoded.message, "");
}

TEST_F(TempoTraceV2Test, OverTheSpanBoundIsPartial) {
  Start(/*max_spans=*/1);
  weft::testing::HttpResult r = Get(std::string("/api/v2/traces/") + kCheckoutTrace);
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr(R"("name":"GET /cart")"));
  EXPECT_THAT(r.body, Not(HasSubstr(R"("name":"charge")")));
  EXPECT_THAT(r.body, EndsWith(R"(,"status":"PARTIAL",)"
                               R"("message":"Trace has 2 spans; the earliest 1 are returned"})"));
  r = Get(std::string("/api/v2/traces/") + kCheckoutTrace, {{"Accept", "application/protobuf"}});
  const DecodedResponse decoded = DecodeResponse(r.body);
  EXPECT_EQ(decoded.trace.size(), 1u);
  EXPECT_EQ(decoded.status, 1u);
  EXPECT_EQ(decoded.message, "Trace has 2 spans; the earliest 1 are returned");
}

TEST_F(TempoTraceV2Test, UnknownIs404BadInputIs400) {
  EXPECT_EQ(Get("/api/v2/traces/0af7651916cd43dd8448eb211c80319c").status, 404);
  EXPECT_EQ(Get("/api/v2/traces/not-hex").status, 400);
  EXPECT_EQ(Get("/api/v2/traces/").status, 400);
  weft::testing::HttpResult r =
      Get(std::string("/api/v2/traces/") + kCheckoutTrace + "?start=20&end=10");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, StartsWith("http parameter start must be before end"));
  r = Get(std::string("/api/v2/traces/") + kCheckoutTrace + "?end=tomorrow");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("parameter 'end'"));
}

}  // namespace
}  // namespace weft::api
