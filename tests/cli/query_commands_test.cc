// The query subcommands against a real `weft serve`: `weft services`, `weft operations`, and the
// error a person sees when no server answers.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "subprocess.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using weft::testing::HttpRequest;
using weft::testing::RunCommand;
using weft::testing::ServerProcess;

constexpr const char* kTrace = R"({"resourceSpans":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}}]},
  "scopeSpans":[{"scope":{"name":"t"},"spans":[
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /checkout",
    "kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000120000000"},
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175",
    "parentSpanId":"eee19b7ec3c1b174","name":"SELECT cart","kind":3,
    "startTimeUnixNano":"1700000000010000000","endTimeUnixNano":"1700000000030000000"}]}]},
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"payment"}}]},
  "scopeSpans":[{"scope":{"name":"t"},"spans":[
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b176",
    "parentSpanId":"eee19b7ec3c1b174","name":"charge","kind":2,"status":{"code":2},
    "startTimeUnixNano":"1700000000040000000","endTimeUnixNano":"1700000000110000000"}]}]}]})";

class QueryCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ready()) << server_.output();
    const auto posted = HttpRequest(server_.port("otlp-http"), "POST", "/v1/traces",
                                    {{"Content-Type", "application/json"}}, kTrace);
    ASSERT_EQ(posted.status, 200) << posted.body;
  }
  std::string Server() const { return "127.0.0.1:" + std::to_string(server_.port("http")); }

  ServerProcess server_{WEFT_BINARY};
};

TEST_F(QueryCommandsTest, ServicesAndOperations) {
  auto services = RunCommand({WEFT_BINARY, "services", "--server", Server()});
  EXPECT_EQ(services.exit_code, 0) << services.output;
  EXPECT_EQ(services.output, "frontend\npayment\n");
  auto operations = RunCommand({WEFT_BINARY, "operations", "frontend", "--server", Server()});
  EXPECT_EQ(operations.exit_code, 0) << operations.output;
  EXPECT_EQ(operations.output, "server       GET /checkout\nclient       SELECT cart\n");
}

TEST(QueryCommandsNoServerTest, SaysWhatToDo) {
  auto r = RunCommand({WEFT_BINARY, "services", "--server", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("no weft server answers at 127.0.0.1:1"));
  EXPECT_THAT(r.output, HasSubstr("weft serve"));
}

}  // namespace
}  // namespace weft

namespace weft {
namespace {

TEST_F(QueryCommandsTest, TraceWaterfallJsonAndUnknown) {
  auto r = RunCommand({WEFT_BINARY, "trace", "5b8efff798038103d269b633813fc60c", "--server",
                       Server(), "--width", "80", "--color", "never"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "trace 5b8efff798038103d269b633813fc60c  frontend: GET /checkout\n"
            "start 2023-11-14T22:13:20.000Z  duration 120.0ms  spans 3  services 2  depth 2  "
            "errors 1\n"
            "\n"
            "*frontend GET /checkout          ===================================    120.0ms\n"
            "  *frontend SELECT cart            ======                                20.0ms\n"
            "  *payment charge                           !!!!!!!!!!!!!!!!!!!!         70.0ms\n"
            "\n"
            "* on the critical path\n");

  auto json = RunCommand(
      {WEFT_BINARY, "trace", "5b8efff798038103d269b633813fc60c", "--server", Server(), "--json"});
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr(R"("spanId":"eee19b7ec3c1b176")"));

  auto unknown =
      RunCommand({WEFT_BINARY, "trace", "0af7651916cd43dd8448eb211c80319c", "--server", Server()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.output, HasSubstr("trace 0af7651916cd43dd8448eb211c80319c not found"));
}

}  // namespace
}  // namespace weft

namespace weft {
namespace {

TEST_F(QueryCommandsTest, SearchWithTraceQL) {
  const std::string tempo = "127.0.0.1:" + std::to_string(server_.port("tempo"));
  // The test trace is from 2023: look back far enough.
  auto r = RunCommand({WEFT_BINARY, "search",
                       R"({ resource.service.name = "payment" && status = error })", "--tempo",
                       tempo, "--since", "100000h"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("5b8efff798038103d269b633813fc60c  2023-11-14 22:13:20  "
                                  "     120ms  frontend: GET /checkout"));
  EXPECT_THAT(r.output, HasSubstr("1 trace\n"));

  auto none = RunCommand(
      {WEFT_BINARY, "search", R"({ name = "nothing" })", "--tempo", tempo, "--since", "100000h"});
  EXPECT_EQ(none.exit_code, 0) << none.output;
  EXPECT_THAT(none.output, HasSubstr("0 traces\n"));

  auto bad = RunCommand({WEFT_BINARY, "search", "{ .a = }", "--tempo", tempo});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, HasSubstr("1:"));
}

}  // namespace
}  // namespace weft
