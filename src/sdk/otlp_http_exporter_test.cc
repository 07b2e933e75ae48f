// The OTLP/HTTP exporter against an in-process fake server: the request decodes back to the
// spans, the connection is kept alive, 429/503 are retried (Retry-After honoured), 400 is not,
// response bodies are capped, endpoint URLs parse.
// (This file includes model/ and otlp/, so it builds records directly instead of using the
// public API; see CMakeLists.txt.)
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"
#include "sdk/export_test_records.h"
#include "sdk/exporter_factories.h"
#include "sdk/grpc_retry_info.h"
#include "sdk/otlp_endpoint.h"
#include "sdk/record_pool.h"
#include "sdk/retry_policy.h"

namespace weft {
namespace {

using v1::detail::AttrSlot;
using v1::detail::AttrType;
using v1::detail::OtlpConfig;
using v1::detail::SpanRecord;

// A scripted HTTP/1.1 server on 127.0.0.1:0: answers each request with the next scripted
// response (the last one repeats), keeps connections alive, records requests.
class FakeOtlpServer {
 public:
  struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    size_t declared_length = 0;  // when non-zero, Content-Length sent instead of body.size()
  };
  struct Request {
    std::string head;
    std::string body;
    std::chrono::steady_clock::time_point at;
  };

  explicit FakeOtlpServer(std::vector<Response> script) : script_(std::move(script)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~FakeOtlpServer() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
    for (auto& t : connections_) t.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int accepted() const { return accepted_.load(); }

 private:
  void AcceptLoop() {
    while (!stop_) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++accepted_;
      connections_.emplace_back([this, fd] { Serve(fd); });
    }
  }
  void Serve(int fd) {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      size_t header_end;
      while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) {
          close(fd);
          return;
        }
        buffer.append(chunk, static_cast<size_t>(n));
      }
      Request request;
      request.head = buffer.substr(0, header_end);
      size_t length = 0;
      std::string lower = request.head;
      for (char& c : lower) c = static_cast<char>(tolower(c));
      if (auto p = lower.find("content-length:"); p != std::string::npos) {
        length = std::stoul(lower.substr(p + 15));
      }
      buffer.erase(0, header_end + 4);
      while (buffer.size() < length) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) {
          close(fd);
          return;
        }
        buffer.append(chunk, static_cast<size_t>(n));
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      request.at = std::chrono::steady_clock::now();
      Response response;
      {
        std::lock_guard lock(mutex_);
        response = script_[std::min(requests_.size(), script_.size() - 1)];
        requests_.push_back(std::move(request));
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " X\r\n";
      for (const auto& [k, v] : response.headers) out += k + ": " + v + "\r\n";
      out += "Content-Length: " +
             std::to_string(response.declared_length ? response.declared_length
                                                     : response.body.size()) +
             "\r\n\r\n" + response.body;
      if (write(fd, out.data(), out.size()) < 0) {
        close(fd);
        return;
      }
      if (response.declared_length) {
        close(fd);
        return;
      }
    }
  }

  std::vector<Response> script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::mutex mutex_;
  std::vector<Request> requests_;
};

using testing::Records;

OtlpConfig Config(const std::string& url) {
  OtlpConfig c;
  c.endpoint = url;
  c.timeout = std::chrono::seconds(5);
  c.initial_backoff = std::chrono::milliseconds(10);
  c.max_backoff = std::chrono::milliseconds(50);
  c.headers = {{"x-tenant", "t1"}};
  return c;
}

v1::detail::Deadline In(std::chrono::milliseconds d) {
  return std::chrono::steady_clock::now() + d;
}

TEST(OtlpHttpExporterTest, PostsDecodableProtobufOverOneConnection) {
  FakeOtlpServer server({{200, {}, ""}});
  auto exporter = v1::detail::MakeOtlpHttpExporter(Config(server.url()));
  ASSERT_NE(exporter, nullptr);
  Records records(3);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kSuccess);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kSuccess);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(server.accepted(), 1);  // keep-alive
  EXPECT_NE(requests[0].head.find("POST /v1/traces HTTP/1.1"), std::string::npos);
  EXPECT_NE(requests[0].head.find("application/x-protobuf"), std::string::npos);
  EXPECT_NE(requests[0].head.find("x-tenant: t1"), std::string::npos);
  SpanBatch batch;
  auto decoded = otlp::DecodeExportRequest(requests[0].body, batch);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(batch.size(), 3u);
  const Span& s = batch.spans()[0];
  EXPECT_EQ(s.name, "GET /cart");
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.trace_id.ToHex(), "0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(ServiceName(batch.resource_of(s)), "checkout");
  EXPECT_EQ(batch.scope_of(s).name, "test.scope");
  ASSERT_EQ(s.attributes.size(), 1u);
  EXPECT_EQ(s.attributes[0].value.int_value(), 200);
}

TEST(OtlpHttpExporterTest, PostsOtlpJsonWhenAsked) {
  FakeOtlpServer server({{200, {}, ""}});
  v1::detail::OtlpConfig config = Config(server.url());
  config.json = true;
  auto exporter = v1::detail::MakeOtlpHttpExporter(config);
  ASSERT_NE(exporter, nullptr);
  Records records(2);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kSuccess);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].head.find("content-type: application/json"), std::string::npos)
      << requests[0].head;
  SpanBatch batch;
  auto decoded = otlp::DecodeExportRequestJson(requests[0].body, batch);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch.spans()[0].name, "GET /cart");
}

TEST(OtlpHttpExporterTest, RetriesThrottlingHonouringRetryAfter) {
  FakeOtlpServer server({{429, {{"Retry-After", "1"}}, ""}, {503, {}, ""}, {200, {}, ""}});
  auto exporter = v1::detail::MakeOtlpHttpExporter(Config(server.url()));
  Records records(1);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kSuccess);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_GE(requests[1].at - requests[0].at, std::chrono::milliseconds(950));
  EXPECT_LT(requests[2].at - requests[1].at, std::chrono::milliseconds(500));
}

TEST(OtlpHttpExporterTest, NeverRetries400) {
  FakeOtlpServer server({{400, {}, "bad data"}});
  auto exporter = v1::detail::MakeOtlpHttpExporter(Config(server.url()));
  Records records(1);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kFailure);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(OtlpHttpExporterTest, RetryAfterBeyondDeadlineGivesUp) {
  FakeOtlpServer server({{503, {{"Retry-After", "30"}}, ""}});
  auto exporter = v1::detail::MakeOtlpHttpExporter(Config(server.url()));
  Records records(1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(2))),
            v1::detail::ExportResult::kFailure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(OtlpHttpExporterTest, ResponseBodyIsCapped) {
  FakeOtlpServer big({{200, {}, std::string(5 << 20, 'x')}});
  auto exporter = v1::detail::MakeOtlpHttpExporter(Config(big.url()));
  Records records(1);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kFailure);
  EXPECT_EQ(big.requests().size(), 1u);
  // A declared length over the cap fails before any body byte is read.
  FakeOtlpServer declared({{200, {}, "", size_t{1} << 40}});
  auto exporter2 = v1::detail::MakeOtlpHttpExporter(Config(declared.url()));
  EXPECT_EQ(exporter2->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kFailure);
}

TEST(OtlpHttpExporterTest, UnreachableServerFailsWithinDeadline) {
  int port;
  {
    FakeOtlpServer gone({{200, {}, ""}});
    port = std::stoi(gone.url().substr(17));
  }
  auto exporter = v1::detail::MakeOtlpHttpExporter(
      Config("http://127.0.0.1:" + std::to_string(port) + "/v1/traces"));
  Records records(1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::milliseconds(500))),
            v1::detail::ExportResult::kFailure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(OtlpHttpExporterTest, GzipBodies) {
  FakeOtlpServer server({{200, {}, ""}});
  OtlpConfig config = Config(server.url());
  config.gzip = true;
  auto exporter = v1::detail::MakeOtlpHttpExporter(config);
  Records records(2);
  EXPECT_EQ(exporter->Export(records.list, In(std::chrono::seconds(5))),
            v1::detail::ExportResult::kSuccess);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].head.find("content-encoding: gzip"), std::string::npos);
  EXPECT_EQ(static_cast<unsigned char>(requests[0].body[0]), 0x1f);
}

TEST(OtlpEndpointTest, Parse) {
  auto e = sdk_otlp::ParseEndpoint("http://collector:4318/v1/traces");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->host_port, "collector:4318");
  EXPECT_EQ(e->target, "/v1/traces");
  EXPECT_EQ(sdk_otlp::ParseEndpoint("http://collector")->host_port, "collector:80");
  EXPECT_EQ(sdk_otlp::ParseEndpoint("http://[::1]:4318/x")->host_port, "[::1]:4318");
  EXPECT_FALSE(sdk_otlp::ParseEndpoint("https://collector:4318").has_value());
  EXPECT_FALSE(sdk_otlp::ParseEndpoint("collector:4318").has_value());
}

TEST(RetryPolicyTest, BackoffAndRetryAfter) {
  using std::chrono::milliseconds;
  for (int attempt = 0; attempt < 10; ++attempt) {
    const auto d =
        sdk_otlp::Backoff(attempt, milliseconds(100), milliseconds(5000), 12345u * attempt);
    const int64_t cap = std::min<int64_t>(100LL << attempt, 5000);
    EXPECT_GE(d.count(), cap / 2);
    EXPECT_LE(d.count(), cap);
  }
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00
  EXPECT_EQ(sdk_otlp::ParseRetryAfter("120", now), milliseconds(120000));
  EXPECT_EQ(sdk_otlp::ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(sdk_otlp::ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), milliseconds(0));
  EXPECT_FALSE(sdk_otlp::ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(sdk_otlp::ParseRetryAfter("", now).has_value());
  EXPECT_TRUE(sdk_otlp::IsRetryableHttpStatus(429));
  EXPECT_TRUE(sdk_otlp::IsRetryableHttpStatus(503));
  EXPECT_FALSE(sdk_otlp::IsRetryableHttpStatus(400));
  EXPECT_FALSE(sdk_otlp::IsRetryableHttpStatus(413));
}

TEST(GrpcRetryInfoTest, ReadsDelayFromStatusDetails) {
  EXPECT_EQ(sdk_otlp::ParseRetryInfoDelay(otlp::EncodeRpcStatus(14, "slow down", 3)),
            std::chrono::milliseconds(3000));
  EXPECT_FALSE(sdk_otlp::ParseRetryInfoDelay(otlp::EncodeRpcStatus(14, "no info")).has_value());
  EXPECT_FALSE(sdk_otlp::ParseRetryInfoDelay("\xff\xff\xff").has_value());
  EXPECT_FALSE(sdk_otlp::ParseRetryInfoDelay("").has_value());
}

}  // namespace
}  // namespace weft
