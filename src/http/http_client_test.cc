// The blocking client against weft's own server: a round trip, headers and body, the body cap,
// the deadline, and a closed port.
#include "http/http_client.h"

#include <thread>

#include "gtest/gtest.h"
#include "http/http_server.h"

namespace weft::http {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("POST", "/echo", [](Request&& request, Responder respond) {
      Response response = Response::Text(201, request.body);
      response.headers.emplace_back("X-Seen",
                                    std::string(request.headers.Get("X-Test").value_or("")));
      respond(std::move(response));
    });
    server_.Route("GET", "/big", [](Request&&, Responder respond) {
      respond(Response::Text(200, std::string(1 << 20, 'x')));
    });
    server_.Route("GET", "/slow", [](Request&&, Responder respond) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      respond(Response::Text(200, "late"));
    });
    port_ = *server_.Listen("127.0.0.1:0");
  }

  ClientRequest To(std::string method, std::string target) {
    ClientRequest request;
    request.method = std::move(method);
    request.host_port = "127.0.0.1:" + std::to_string(port_);
    request.target = std::move(target);
    return request;
  }

  HttpServer server_;
  int port_ = 0;
};

TEST_F(HttpClientTest, RoundTrip) {
  ClientRequest request = To("POST", "/echo");
  request.body = "hello";
  request.headers.emplace_back("X-Test", "yes");
  absl::StatusOr<ClientResponse> response = Fetch(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello");
  bool seen = false;
  for (const auto& [name, value] : response->headers) seen |= name == "X-Seen" && value == "yes";
  EXPECT_TRUE(seen);
}

TEST_F(HttpClientTest, BodyOverTheCapIsRefused) {
  ClientRequest request = To("GET", "/big");
  request.max_response_bytes = 1000;
  absl::StatusOr<ClientResponse> over = Fetch(request);
  EXPECT_TRUE(absl::IsResourceExhausted(over.status()))
      << over.status() << (over.ok() ? over->body.size() : 0);
  request.max_response_bytes = 2 << 20;
  EXPECT_TRUE(Fetch(request).ok());
}

TEST_F(HttpClientTest, DeadlineAndUnreachableServer) {
  ClientRequest request = To("GET", "/slow");
  request.timeout = std::chrono::milliseconds(100);
  EXPECT_TRUE(absl::IsDeadlineExceeded(Fetch(request).status()));
  ClientRequest closed = To("GET", "/");
  closed.host_port = "127.0.0.1:1";
  const absl::Status refused = Fetch(closed).status();
  EXPECT_TRUE(absl::IsUnavailable(refused)) << refused;
  closed.host_port = "nonsense";
  EXPECT_TRUE(absl::IsInvalidArgument(Fetch(closed).status()));
}

}  // namespace
}  // namespace weft::http
