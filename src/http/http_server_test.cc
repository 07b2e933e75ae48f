#include "http/http_server.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/testing/raw_http_client.h"

namespace weft::http {
namespace {

using ::testing::HasSubstr;
using testing::MakeRequest;
using testing::RawHttpClient;
using testing::RoundTrip;
using namespace std::chrono_literals;

// Answers with what it received: "<method> <path>?<query> <body>".
void Echo(Request&& request, Responder respond) {
  Response response = Response::Text(
      200, absl::StrCat(request.method, " ", request.path, "?", request.query, " ", request.body));
  if (auto value = request.headers.Get("x-echo")) response.headers.emplace_back("X-Echo", *value);
  respond(std::move(response));
}

// A byte budget like ingest's admission, for the hook tests.
class FakeBudget {
 public:
  explicit FakeBudget(size_t max) : max_(max) {}
  class Hold : public Reservation {
   public:
    Hold(FakeBudget& budget, size_t bytes) : budget_(budget), bytes_(bytes) {}
    ~Hold() override { budget_.used_ -= bytes_; }
    bool Grow(size_t more) override {
      if (!budget_.Take(more)) return false;
      bytes_ += more;
      return true;
    }

   private:
    FakeBudget& budget_;
    size_t bytes_;
  };
  std::unique_ptr<Reservation> TryReserve(size_t bytes) {
    if (!Take(bytes)) return nullptr;
    return std::make_unique<Hold>(*this, bytes);
  }
  size_t used() const { return used_.load(); }

 private:
  bool Take(size_t bytes) {
    size_t current = used_.load();
    do {
      if (current + bytes > max_) return false;
    } while (!used_.compare_exchange_weak(current, current + bytes));
    return true;
  }
  const size_t max_;
  std::atomic<size_t> used_{0};
};

RouteOptions Limit(size_t max_body_bytes) {
  RouteOptions options;
  options.max_body_bytes = max_body_bytes;
  return options;
}
RouteOptions WithAdmit(RouteOptions options,
                       std::function<AdmitResult(const Request&, size_t)> admit) {
  options.admit = std::move(admit);
  return options;
}
RouteOptions WithRenderer(
    RouteOptions options,
    std::function<Response(const Request&, int, std::string_view)> render_error) {
  options.render_error = std::move(render_error);
  return options;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_) server_->Stop();
    for (auto& t : threads_) t.join();
  }

  // Routes are added by `setup`, then the server listens on an ephemeral port.
  void Start(const std::function<void(HttpServer&)>& setup,
             const std::function<void(HttpServerOptions&)>& configure = nullptr) {
    HttpServerOptions options;
    if (configure) configure(options);
    server_ = std::make_unique<HttpServer>(std::move(options));
    setup(*server_);
    auto port = server_->Listen("127.0.0.1:0");
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }

  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::vector<std::thread> threads_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo); });
  RawHttpClient client(port_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.Send(
        MakeRequest("POST", "/echo?n=" + std::to_string(i), "body" + std::to_string(i))));
    auto response = client.Read();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, absl::StrCat("POST /echo?n=", i, " body", i));
    EXPECT_EQ(response->Header("Connection"), std::nullopt);
  }
  EXPECT_EQ(server_->open_connections(), 1u);
}

TEST_F(HttpServerTest, HeadersAreCaseInsensitive) {
  Start([](HttpServer& s) { s.Route("GET", "/h", Echo); });
  auto response = RoundTrip(port_, MakeRequest("GET", "/h", "", {{"X-ECHO", "Value"}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("x-echo"), "Value");
}

// Answers arrive out of order from other threads; the connection still answers in request order.
TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start(
      [this](HttpServer& s) {
        s.Route("POST", "/slow", [this](Request&& request, Responder respond) {
          const int delay_ms = std::stoi(request.body);
          threads_.emplace_back(
              [delay_ms, body = request.body, respond = std::move(respond)]() mutable {
                std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
                respond(Response::Text(200, body));
              });
        });
      },
      [](HttpServerOptions& o) { o.io_threads = 1; });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/slow", "150") + MakeRequest("POST", "/slow", "1") +
                          MakeRequest("POST", "/slow", "50")));
  for (const char* expected : {"150", "1", "50"}) {
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, expected);
  }
}

TEST_F(HttpServerTest, ChunkedBodyIsReassembled) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo); });
  RawHttpClient client(port_);
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n"));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.Send("1;ext=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "POST /echo? hello, world");
  // The connection stays usable.
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/echo", "again")));
  auto again = client.Read();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "POST /echo? again");
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  Start([](HttpServer& s) { s.Route("POST", "/v1/traces", Echo); });
  auto response = RoundTrip(port_, MakeRequest("POST", "/v1/logs", "x"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  Start([](HttpServer& s) { s.Route("POST", "/v1/traces", Echo); });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/v1/traces")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "POST");
  // Nothing was left unread, so the connection is kept.
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/v1/traces", "ok")));
  auto next = client.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, PrefixRoutesAndHead) {
  Start([](HttpServer& s) {
    s.RoutePrefix("GET", "/api/traces/", Echo);
    s.Route("GET", "/metrics", Echo);
  });
  auto trace = RoundTrip(port_, MakeRequest("GET", "/api/traces/abc?x=1"));
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->body, "GET /api/traces/abc?x=1 ");
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("HEAD /metrics HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = client.Read(2s, /*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "15");  // of "HEAD /metrics? "
  EXPECT_EQ(head->body, "");
  // No body bytes followed: the next answer on the connection parses cleanly.
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/metrics")));
  auto get = client.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "GET /metrics? ");
}

TEST_F(HttpServerTest, ContentLengthOverLimitIs413BeforeTheBodyIsRead) {
  std::atomic<int> calls{0};
  Start([&](HttpServer& s) {
    s.Route(
        "POST", "/up",
        [&](Request&&, Responder respond) {
          ++calls;
          respond(Response::Text(200, "no"));
        },
        Limit(1000));
  });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(
      "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000000\r\n\r\npartial body"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(calls, 0);
}

TEST_F(HttpServerTest, ChunkedBodyGrowingPastTheLimitIs413) {
  Start([](HttpServer& s) { s.Route("POST", "/up", Echo, Limit(100'000)); });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = absl::StrCat("4000\r\n", std::string(0x4000, 'a'), "\r\n");
  bool refused = false;
  for (int i = 0; i < 20 && !refused; ++i) refused = !client.Send(chunk);
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(HttpServerTest, ChunkHeaderAnnouncingTooMuchIs413) {
  Start([](HttpServer& s) { s.Route("POST", "/up", Echo, Limit(100)); });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(
      "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\nabc"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST_F(HttpServerTest, RenderErrorShapesServerMadeAnswers) {
  Start([](HttpServer& s) {
    s.Route("POST", "/up", Echo,
            WithRenderer(Limit(10), [](const Request& head, int status, std::string_view message) {
              Response response;
              response.content_type = "application/json";
              response.body = absl::StrCat("{\"status\":", status, ",\"path\":\"", head.path,
                                           "\",\"message\":\"", std::string(message), "\"}");
              return response;
            }));
  });
  auto response = RoundTrip(port_, MakeRequest("POST", "/up", std::string(11, 'x')));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("Content-Type"), "application/json");
  EXPECT_THAT(response->body, HasSubstr("\"path\":\"/up\""));
  EXPECT_THAT(response->body, HasSubstr("exceeds the limit of 10 bytes"));
}

TEST_F(HttpServerTest, AdmissionRefusalAnswersWithoutReadingTheBody) {
  std::atomic<int> calls{0};
  size_t seen_hint = 0;
  Start([&](HttpServer& s) {
    s.Route(
        "POST", "/up",
        [&](Request&&, Responder respond) {
          ++calls;
          respond(Response::Text(200, "no"));
        },
        WithAdmit(RouteOptions(), [&](const Request& head, size_t bytes) {
          seen_hint = bytes;
          Response busy = Response::Text(429, "busy");
          busy.headers.emplace_back("Retry-After", "1");
          return AdmitResult::Refuse(std::move(busy));
        }));
  });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->Header("Retry-After"), "1");
  EXPECT_EQ(seen_hint, 5000u);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(HttpServerTest, ReservationIsHeldUntilTheHandlerDropsIt) {
  FakeBudget budget(10'000);
  std::mutex mu;
  std::vector<std::pair<Request, Responder>> parked;
  Start([&](HttpServer& s) {
    s.Route(
        "POST", "/up",
        [&](Request&& request, Responder respond) {
          std::lock_guard lock(mu);
          parked.emplace_back(std::move(request), std::move(respond));
        },
        WithAdmit(RouteOptions(), [&](const Request&, size_t bytes) {
          auto hold = budget.TryReserve(bytes);
          if (!hold) return AdmitResult::Refuse(Response::Text(429, "busy"));
          return AdmitResult::Accept(std::move(hold));
        }));
  });
  RawHttpClient first(port_);
  ASSERT_TRUE(first.Send(MakeRequest("POST", "/up", std::string(6000, 'a'))));
  for (int i = 0; i < 200 && budget.used() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(budget.used(), 6000u);
  // A second request does not fit while the first holds its bytes.
  auto refused = RoundTrip(port_, MakeRequest("POST", "/up", std::string(6000, 'b')));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(parked.size(), 1u);
    parked[0].second(Response::Text(200, "done"));
    parked.clear();  // drops the request and its reservation
  }
  auto answer = first.Read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(budget.used(), 0u);
}

TEST_F(HttpServerTest, ChunkedBodyGrowsItsReservationAndIsRefusedPastTheBudget) {
  FakeBudget budget(200'000);
  Start([&](HttpServer& s) {
    s.Route("POST", "/up", Echo, WithAdmit(Limit(10 << 20), [&](const Request&, size_t bytes) {
              EXPECT_EQ(bytes, 64u * 1024);  // the first slice for a chunked body
              return AdmitResult::Accept(budget.TryReserve(bytes));
            }));
  });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = absl::StrCat("8000\r\n", std::string(0x8000, 'c'), "\r\n");
  for (int i = 0; i < 20; ++i) {
    if (!client.Send(chunk)) break;
  }
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429);
  EXPECT_TRUE(response->Header("Retry-After").has_value());
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(budget.used(), 0u);
}

TEST_F(HttpServerTest, Expect100ContinueIsAnsweredBeforeTheBody) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo); });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("data"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "POST /echo? data");
}

TEST_F(HttpServerTest, DroppedResponderAnswers500) {
  Start([](HttpServer& s) { s.Route("GET", "/drop", [](Request&&, Responder) {}); });
  auto response = RoundTrip(port_, MakeRequest("GET", "/drop"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
}

TEST_F(HttpServerTest, SecondAnswerIsIgnored) {
  Start([](HttpServer& s) {
    s.Route("GET", "/twice", [](Request&&, Responder respond) {
      respond(Response::Text(200, "first"));
      respond(Response::Text(500, "second"));
    });
  });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/twice") + MakeRequest("GET", "/twice")));
  for (int i = 0; i < 2; ++i) {
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "first");
  }
}

TEST_F(HttpServerTest, HandlerTimeoutAnswers503AndLateAnswersAreHarmless) {
  std::mutex mu;
  std::vector<Responder> parked;
  Start(
      [&](HttpServer& s) {
        s.Route("GET", "/stuck", [&](Request&&, Responder respond) {
          std::lock_guard lock(mu);
          parked.push_back(std::move(respond));
        });
      },
      [](HttpServerOptions& o) { o.handler_timeout = 200ms; });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/stuck")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->Header("Retry-After"), "1");
  EXPECT_TRUE(client.WaitClosed());
  std::lock_guard lock(mu);
  for (auto& respond : parked) respond(Response::Text(200, "late"));
}

TEST_F(HttpServerTest, IdleConnectionIsClosed) {
  Start([](HttpServer& s) { s.Route("GET", "/", Echo); },
        [](HttpServerOptions& o) { o.idle_timeout = 200ms; });
  RawHttpClient client(port_);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitClosed(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpServerTest, SlowBodyIsCutOffByTheReadTimeout) {
  Start([](HttpServer& s) { s.Route("POST", "/up", Echo); },
        [](HttpServerOptions& o) { o.body_read_timeout = 300ms; });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nab"));
  EXPECT_TRUE(client.WaitClosed(5s));
  for (int i = 0; i < 100 && server_->open_connections() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->open_connections(), 0u);
}

// A Content-Length body is read straight into the request (not through the parser): pieces that
// arrive apart are joined, and bytes after the body are the next request's.
TEST_F(HttpServerTest, LargeBodyArrivingInPiecesIsReadWholeAndPipelinedBytesStay) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo); });
  std::string body(300'000, ' ');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  const std::string request = MakeRequest("POST", "/echo", body);
  const size_t head = request.size() - body.size();
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send(request.substr(0, head + 100)));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.Send(request.substr(head + 100, 150'000)));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.Send(request.substr(head + 150'100) + MakeRequest("POST", "/echo", "next")));
  auto first = client.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_TRUE(first->body == "POST /echo? " + body) << first->body.size();
  auto second = client.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "POST /echo? next");
}

// The body deadline belongs to one body: it neither fires into a later request on the connection
// nor counts the time the connection then sits idle.
TEST_F(HttpServerTest, BodyReadTimeoutEndsWithItsBody) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo); },
        [](HttpServerOptions& o) { o.body_read_timeout = 200ms; });
  RawHttpClient client(port_);
  for (int i = 0; i < 3; ++i) {
    const std::string request = MakeRequest("POST", "/echo", absl::StrCat("body-", i));
    ASSERT_TRUE(client.Send(request.substr(0, request.size() - 3)));
    std::this_thread::sleep_for(30ms);  // the rest is read by a separate read
    ASSERT_TRUE(client.Send(request.substr(request.size() - 3)));
    auto response = client.Read();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->body, absl::StrCat("POST /echo? body-", i));
    std::this_thread::sleep_for(250ms);  // past the deadline the body had
  }
  EXPECT_EQ(server_->open_connections(), 1u);
}

TEST_F(HttpServerTest, PeerLeavingMidBodyClosesWithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  FakeBudget budget(1 << 20);
  Start([&](HttpServer& s) {
    s.Route(
        "POST", "/up",
        [&](Request&&, Responder respond) {
          ++calls;
          respond(Response::Text(200, "no"));
        },
        WithAdmit(RouteOptions(), [&](const Request&, size_t bytes) {
          return AdmitResult::Accept(budget.TryReserve(bytes));
        }));
  });
  {
    RawHttpClient client(port_);
    ASSERT_TRUE(client.Send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nabc"));
    for (int i = 0; i < 200 && budget.used() == 0; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(budget.used(), 100'000u);
  }
  for (int i = 0; i < 200 && server_->open_connections() != 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(server_->open_connections(), 0u);
  EXPECT_EQ(budget.used(), 0u);  // the reservation went with the connection
  EXPECT_EQ(calls, 0);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheCapAreRefusedWith503) {
  Start([](HttpServer& s) { s.Route("GET", "/", Echo); },
        [](HttpServerOptions& o) { o.max_connections = 2; });
  RawHttpClient a(port_), b(port_);
  ASSERT_TRUE(a.Send(MakeRequest("GET", "/")));
  ASSERT_TRUE(b.Send(MakeRequest("GET", "/")));
  ASSERT_TRUE(a.Read());
  ASSERT_TRUE(b.Read());
  RawHttpClient c(port_);
  auto refused = c.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(HttpServerTest, ManyConcurrentConnections) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo); },
        [](HttpServerOptions& o) { o.max_connections = 500; });
  constexpr int kClients = 64;
  constexpr int kRequests = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      RawHttpClient client(port_);
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = absl::StrCat(c, "-", i);
        if (!client.Send(MakeRequest("POST", "/echo", body))) return;
        auto response = client.Read();
        if (response && response->body == "POST /echo? " + body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, kClients * kRequests);
}

TEST_F(HttpServerTest, MalformedRequestIs400AndCloses) {
  Start([](HttpServer& s) { s.Route("GET", "/", Echo); });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(HttpServerTest, OversizedHeadIs431) {
  Start([](HttpServer& s) { s.Route("GET", "/", Echo); },
        [](HttpServerOptions& o) { o.max_header_bytes = 4096; });
  RawHttpClient client(port_);
  client.Send(absl::StrCat("GET / HTTP/1.1\r\nX-Big: ", std::string(10000, 'h'), "\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
}

TEST_F(HttpServerTest, Http10ClosesAfterTheResponse) {
  Start([](HttpServer& s) { s.Route("GET", "/", Echo); });
  RawHttpClient client(port_);
  ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(HttpServerTest, HostileBytesNeverCrashTheServer) {
  Start([](HttpServer& s) { s.Route("POST", "/echo", Echo, Limit(4096)); },
        [](HttpServerOptions& o) {
          o.idle_timeout = 300ms;
          o.body_read_timeout = 300ms;
        });
  std::mt19937 rng(42);
  const std::vector<std::string> seeds = {
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "\r\n\r\n\r\n",
      "GET /\x01\x02 HTTP/1.1\r\n\r\n",
      "POST /echo HTTP/9.9\r\n\r\n",
  };
  for (int round = 0; round < 200; ++round) {
    std::string bytes = seeds[round % seeds.size()];
    const int flips = round % 5;
    for (int f = 0; f < flips && !bytes.empty(); ++f) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    RawHttpClient client(port_);
    client.Send(bytes);
    client.ShutdownSend();
    client.Read(1s);
  }
  auto response = RoundTrip(port_, MakeRequest("POST", "/echo", "alive"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "POST /echo? alive");
}

TEST_F(HttpServerTest, ListenValidatesAddressesAndServesSeveralPorts) {
  Start([](HttpServer& s) { s.Route("GET", "/", Echo); });
  EXPECT_FALSE(server_->Listen("nonsense").ok());
  EXPECT_FALSE(server_->Listen("127.0.0.1:99999").ok());
  EXPECT_FALSE(server_->Listen("example.com:80").ok());
  auto second = server_->Listen("localhost:0");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(*second, port_);
  auto response = RoundTrip(*second, MakeRequest("GET", "/"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  // The same port twice fails cleanly.
  EXPECT_EQ(server_->Listen(absl::StrCat("127.0.0.1:", port_)).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(HttpServerTest, StopLetsTheRequestInProgressFinish) {
  std::mutex mu;
  std::vector<Responder> parked;
  Start([&](HttpServer& s) {
    s.Route("GET", "/park", [&](Request&&, Responder respond) {
      std::lock_guard lock(mu);
      parked.push_back(std::move(respond));
    });
  });
  RawHttpClient idle(port_);
  RawHttpClient busy(port_);
  ASSERT_TRUE(busy.Send(MakeRequest("GET", "/park")));
  for (int i = 0; i < 200; ++i) {
    std::lock_guard lock(mu);
    if (!parked.empty()) break;
    std::this_thread::sleep_for(5ms);
  }
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { server_->Stop(); });
  EXPECT_TRUE(idle.WaitClosed(2s));  // idle connections go at once
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(parked.size(), 1u);
    parked[0](Response::Text(200, "finished"));
    parked.clear();
  }
  auto response = busy.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "finished");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(busy.WaitClosed(2s));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // did not wait out the grace
  RawHttpClient late(port_);
  EXPECT_FALSE(late.connected() && late.Send(MakeRequest("GET", "/park")) && late.Read(500ms));
}

TEST_F(HttpServerTest, StopClosesConnectionsAndLateRespondersAreHarmless) {
  std::mutex mu;
  std::vector<Responder> parked;
  Start(
      [&](HttpServer& s) {
        s.Route("GET", "/park", [&](Request&&, Responder respond) {
          std::lock_guard lock(mu);
          parked.push_back(std::move(respond));
        });
      },
      [](HttpServerOptions& o) { o.shutdown_grace = 200ms; });
  RawHttpClient idle(port_);
  RawHttpClient waiting(port_);
  ASSERT_TRUE(waiting.Send(MakeRequest("GET", "/park")));
  for (int i = 0; i < 200; ++i) {
    std::lock_guard lock(mu);
    if (!parked.empty()) break;
    std::this_thread::sleep_for(5ms);
  }
  server_->Stop();
  EXPECT_TRUE(idle.WaitClosed(2s));
  EXPECT_TRUE(waiting.WaitClosed(2s));
  server_.reset();  // the Responders outlive the server
  std::lock_guard lock(mu);
  ASSERT_EQ(parked.size(), 1u);
  parked[0](Response::Text(200, "too late"));
  parked.clear();
}

}  // namespace
}  // namespace weft::http
