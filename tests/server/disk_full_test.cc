// Disk full, end to end: the server runs in-process on a fault-injecting file system; while no
// byte can be appended, OTLP/HTTP ingest answers 503 with Retry-After (never 200), Tempo reads
// still work; once space returns, ingest recovers by itself, and every span acknowledged before,
// during and after is read back, also after a restart.
#include <map>
#include <string>

#include "common/fault_injecting_file_system.h"
#include "gtest/gtest.h"
#include "http_client.h"
#include "model/trace_generator.h"
#include "otlp/proto_codec.h"
#include "server/server.h"

namespace weft {
namespace {

using weft::testing::HttpRequest;
using weft::testing::HttpResult;

std::string TempDir() {
  char pattern[] = "/tmp/weft-disk-full-XXXXXX";
  return ::mkdtemp(pattern);
}

int PortOf(const server::Server& s, const std::string& name) {
  for (const auto& [listener, address] : s.listeners()) {
    if (listener == name) return std::stoi(address.substr(address.rfind(':') + 1));
  }
  return 0;
}

server::ServerConfig Config(const std::string& dir, FileSystem* fs) {
  server::ServerConfig config;
  config.data_dir = dir;
  config.otlp_grpc_addr = config.otlp_http_addr = config.zipkin_addr = config.tempo_addr =
      config.http_addr = "127.0.0.1:0";
  config.fs = fs;
  config.log = [](std::string_view) {};
  return config;
}

struct Sent {
  std::string body;
  std::map<std::string, size_t> spans_by_trace;  // hex trace id -> spans
};

Sent Request(uint64_t seed) {
  TraceGenerator generator(seed);
  SpanBatch batch;
  generator.Fill(batch, 200);
  Sent sent;
  otlp::EncodeExportRequest(batch, sent.body);
  for (const Span& span : batch.spans()) ++sent.spans_by_trace[span.trace_id.ToHex()];
  return sent;
}

HttpResult Post(int port, const std::string& body) {
  return HttpRequest(port, "POST", "/v1/traces", {{"Content-Type", "application/x-protobuf"}},
                     body);
}

// Span count of a trace read back from the Tempo API (protobuf answer, decoded).
size_t SpansOf(int tempo_port, const std::string& trace_hex) {
  const HttpResult got = HttpRequest(tempo_port, "GET", "/api/traces/" + trace_hex,
                                     {{"Accept", "application/protobuf"}});
  if (got.status != 200) return 0;
  SpanBatch batch;
  if (!otlp::DecodeExportRequest(got.body, batch).ok()) return 0;
  return batch.size();
}

TEST(DiskFullTest, IngestAnswers503AndRecoversWhenSpaceReturns) {
  const std::string dir = TempDir();
  FaultInjectingFileSystem faulty(PosixFileSystem());
  std::map<std::string, size_t> acked;
  auto remember = [&](const Sent& sent) {
    acked.insert(sent.spans_by_trace.begin(), sent.spans_by_trace.end());
  };
  {
    absl::StatusOr<std::unique_ptr<server::Server>> s = server::Server::Start(Config(dir, &faulty));
    ASSERT_TRUE(s.ok()) << s.status();
    const int otlp = PortOf(**s, "otlp-http");
    const int tempo = PortOf(**s, "tempo");

    const Sent before = Request(1);
    ASSERT_EQ(Post(otlp, before.body).status, 200);
    remember(before);

    faulty.SetAppendByteLimit(faulty.counters().bytes_appended);  // the disk is full
    for (uint64_t seed = 2; seed < 6; ++seed) {
      const HttpResult refused = Post(otlp, Request(seed).body);
      EXPECT_EQ(refused.status, 503) << refused.body;
      EXPECT_FALSE(refused.Header("Retry-After").empty());
    }
    EXPECT_EQ(SpansOf(tempo, before.spans_by_trace.begin()->first),
              before.spans_by_trace.begin()->second)
        << "reads go on while the disk is full";

    faulty.SetAppendByteLimit(std::nullopt);  // space returns
    const Sent after = Request(7);
    HttpResult accepted;
    for (int attempt = 0; attempt < 50 && accepted.status != 200; ++attempt) {
      accepted = Post(otlp, after.body);
    }
    ASSERT_EQ(accepted.status, 200) << "recovers by itself: " << accepted.body;
    remember(after);
    for (const auto& [trace, spans] : acked) EXPECT_EQ(SpansOf(tempo, trace), spans) << trace;
    (*s)->Stop();
  }
  absl::StatusOr<std::unique_ptr<server::Server>> restarted =
      server::Server::Start(Config(dir, nullptr));
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  const int tempo = PortOf(**restarted, "tempo");
  for (const auto& [trace, spans] : acked) EXPECT_EQ(SpansOf(tempo, trace), spans) << trace;
}

}  // namespace
}  // namespace weft
