// `weft loadgen`: drives an OTLP receiver (weft's or any other) with realistic synthetic traces
// and reports throughput, refusals, errors and latency.
//
// It pre-encodes a pool of distinct requests with TraceGenerator and weft's own OTLP encoders, then
// sends them over N keep-alive connections, one thread and one request in flight per connection:
// HTTP/1.1 (OTLP/HTTP protobuf or JSON) with a lean client of its own on a plain socket — one
// sendmsg of the head and the pooled body, then a minimal response parser (Content-Length,
// chunked or close-delimited bodies) whose every answer is read to its end and its status checked
// — or gRPC through grpc::GenericStub with the encoded bytes as the message. The client is lean
// because it shares the machine with the server it measures. So that a long run does not resend
// the same traces, every send rewrites the low 8 bytes of each trace id in place (the encoded size
// is unchanged) with a value unique to this run, connection and request; each connection owns its
// own slice of the pool, so the body is sent from the pool itself, never copied.
//
// Refusals (HTTP 429/503, gRPC RESOURCE_EXHAUSTED/UNAVAILABLE) are the server protecting itself
// and are reported apart from errors (anything else that is not a success); the connection that
// got one pauses 5 ms before its next request. gRPC reports an unreachable server as UNAVAILABLE
// too, so it shows up as refusals (with no successes, the exit code is still 1). Latency
// percentiles are over successful requests. Exit code: 0 when every request succeeded or was
// refused; 1 when any failed otherwise (or none succeeded); 2 on a usage error.
//
// Thread rule: the command runs on the main thread, which reports progress; worker threads share
// only atomics and the mutex-guarded error tally (each pooled request is touched by one worker).

#include <utility>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "CLI/CLI.hpp"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "common/hex.h"
#include "common/random.h"
#include "model/span_batch.h"
#include "model/trace_generator.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"

namespace weft::cli {
namespace {

constexpr std::string_view kGrpcExportMethod =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr size_t kMaxResponseBytes = 4 << 20;  // OTLP responses stay under 4 MiB
constexpr size_t kMaxResponseHeadBytes = 64 << 10;
constexpr auto kRefusedPause = std::chrono::milliseconds(5);

enum class Protocol { kHttpProto, kHttpJson, kGrpc };

std::string_view ProtocolName(Protocol p) {
  switch (p) {
    case Protocol::kHttpProto:
      return "http-proto";
    case Protocol::kHttpJson:
      return "http-json";
    case Protocol::kGrpc:
      return "grpc";
  }
  return "?";
}

struct LoadgenOptions {
  std::string target;  // host:port (an http:// prefix and a path are accepted for HTTP)
  std::string protocol = "http-proto";
  int connections = 8;
  std::string duration = "10s";
  size_t spans_per_request = 512;
  uint64_t requests = 0;  // 0: no limit
  size_t pool = 64;
  uint64_t seed = 1;
  std::string tenant;  // X-Scope-OrgID; empty: none
};

// "10s", "500ms", "2m", "1.5s", or plain seconds. nullopt when malformed or not positive.
std::optional<uint64_t> ParseDurationNanos(std::string_view text) {
  size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  if (end == 0) return std::nullopt;
  double value = 0;
  try {
    value = std::stod(std::string(text.substr(0, end)));
  } catch (...) {
    return std::nullopt;
  }
  const std::string_view unit = text.substr(end);
  double scale;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "m") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return std::nullopt;
  }
  if (!(value > 0)) return std::nullopt;
  return static_cast<uint64_t>(value * scale);
}

// ---- The request pool.

// Where one trace id sits in an encoded request, and the original value of its low 8 bytes.
struct IdPatch {
  size_t offset;  // of the 16 raw bytes (protobuf) or the 32 hex characters (JSON)
  uint8_t low[8];
};

struct PooledRequest {
  std::string body;
  size_t spans = 0;
  std::vector<IdPatch> patches;
};

// Finds every occurrence of the batch's trace ids in `encoded` (raw bytes for protobuf, lowercase
// hex for JSON; link trace ids are found too, which keeps same-request links consistent).
std::vector<IdPatch> FindTraceIds(const SpanBatch& batch, std::string_view encoded, bool hex) {
  std::vector<TraceId> ids;
  for (const Span& span : batch.spans()) ids.push_back(span.trace_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<IdPatch> patches;
  for (const TraceId& id : ids) {
    const std::string needle = hex ? id.ToHex() : std::string(id.AsStringView());
    for (size_t at = encoded.find(needle); at != std::string_view::npos;
         at = encoded.find(needle, at + needle.size())) {
      IdPatch patch;
      patch.offset = at;
      std::memcpy(patch.low, id.bytes().data() + 8, 8);
      patches.push_back(patch);
    }
  }
  return patches;
}

// Rewrites, in place, the low half of every trace id in `request` to its original value XORed
// with `tag`.
void PatchTraceIds(PooledRequest& request, uint64_t tag, bool hex) {
  uint8_t mask[8];
  std::memcpy(mask, &tag, 8);
  for (const IdPatch& patch : request.patches) {
    uint8_t low[8];
    for (int i = 0; i < 8; ++i) low[i] = patch.low[i] ^ mask[i];
    if (hex) {
      HexEncode(low, 8, request.body.data() + patch.offset + 16);
    } else {
      std::memcpy(request.body.data() + patch.offset + 8, low, 8);
    }
  }
}

std::vector<PooledRequest> BuildPool(const LoadgenOptions& options, Protocol protocol) {
  TraceGeneratorOptions generator_options;
  // Recent timestamps: a server may treat old spans differently (retention, search windows).
  generator_options.start_time_unix_nano = RealClock::Get().NowUnixNanos() - 60'000'000'000ULL;
  TraceGenerator generator(options.seed, generator_options);
  std::vector<PooledRequest> pool(options.pool);
  const bool json = protocol == Protocol::kHttpJson;
  for (PooledRequest& request : pool) {
    SpanBatch batch;
    generator.FillExactly(batch, options.spans_per_request);
    if (json) {
      otlp::EncodeExportRequestJson(batch, request.body);
    } else {
      otlp::EncodeExportRequest(batch, request.body);
    }
    request.spans = batch.size();
    request.patches = FindTraceIds(batch, request.body, json);
  }
  return pool;
}

// ---- One connection.

struct Outcome {
  enum Kind { kOk, kRefused, kError } kind = kError;
  std::string label;  // for refusals and errors: "503", "RESOURCE_EXHAUSTED", "connect: ..."
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Sends `body` and waits for the answer (reconnecting first if needed).
  virtual Outcome Send(std::string_view body) = 0;
};

struct HttpTarget {
  std::string host;
  std::string port;
  std::string path = "/v1/traces";
};

// host:port, optionally with http:// and a path. nullopt when there is no port.
std::optional<HttpTarget> ParseHttpTarget(std::string_view target) {
  if (target.starts_with("http://")) target.remove_prefix(7);
  HttpTarget out;
  const size_t slash = target.find('/');
  if (slash != std::string_view::npos) {
    out.path = std::string(target.substr(slash));
    target = target.substr(0, slash);
  }
  const size_t colon = target.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == target.size()) return std::nullopt;
  out.host = std::string(target.substr(0, colon));
  out.port = std::string(target.substr(colon + 1));
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);  // [::1]
  }
  return out;
}

// The current errno as text, for error labels.
std::string ErrnoText(int error) { return std::strerror(error); }

// HTTP/1.1 keep-alive client on a non-blocking socket: each exchange is one sendmsg of the head
// and the body (more only if the socket buffer fills), then reads until the response is complete,
// all under one deadline (poll waits for at most the time left).
class HttpConnection final : public Connection {
 public:
  HttpConnection(HttpTarget target, std::string_view content_type, const std::string& tenant)
      : target_(std::move(target)) {
    head_prefix_ = "POST " + target_.path + " HTTP/1.1\r\nHost: " + target_.host + ":" +
                   target_.port + "\r\nContent-Type: " + std::string(content_type) +
                   "\r\nUser-Agent: weft-loadgen\r\n";
    if (!tenant.empty()) head_prefix_ += "X-Scope-OrgID: " + tenant + "\r\n";
    head_prefix_ += "Content-Length: ";
    in_.resize(64 << 10);
  }
  ~HttpConnection() override { Disconnect(); }

  Outcome Send(std::string_view body) override {
    if (fd_ < 0 && !Connect()) return {Outcome::kError, "connect: " + last_error_};
    const auto deadline = std::chrono::steady_clock::now() + kRequestTimeout;
    head_.assign(head_prefix_);
    head_ += std::to_string(body.size());
    head_ += "\r\n\r\n";
    Outcome outcome;
    if (!WriteRequest(body, deadline) || !ReadResponse(deadline, outcome)) {
      Disconnect();
      return {Outcome::kError, last_error_};
    }
    return outcome;
  }

 private:
  using Deadline = std::chrono::steady_clock::time_point;

  bool Connect() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(target_.host.c_str(), target_.port.c_str(), &hints, &found);
        rc != 0) {
      last_error_ = ::gai_strerror(rc);
      return false;
    }
    const Deadline deadline = std::chrono::steady_clock::now() + kConnectTimeout;
    last_error_ = "no address";
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
      const int fd =
          ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) {
        last_error_ = ErrnoText(errno);
        continue;
      }
      int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
      if (rc != 0 && errno == EINPROGRESS) {
        if (Wait(fd, POLLOUT, deadline)) {
          int error = 0;
          socklen_t length = sizeof(error);
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
          if (error == 0) {
            rc = 0;
          } else {
            errno = error;
          }
        }
      }
      if (rc == 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        fd_ = fd;
        in_begin_ = in_end_ = 0;
        ::freeaddrinfo(found);
        return true;
      }
      last_error_ = ErrnoText(errno);
      ::close(fd);
    }
    ::freeaddrinfo(found);
    return false;
  }

  void Disconnect() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
  }

  // Waits until `fd` is ready for `events`; false (last_error_ set) on timeout or a poll error.
  bool Wait(int fd, short events, Deadline deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        last_error_ = "timeout";
        return false;
      }
      pollfd p{fd, events, 0};
      const int rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, 60'000)));
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) {
        last_error_ = "io: " + ErrnoText(errno);
        return false;
      }
    }
  }

  bool WriteRequest(std::string_view body, Deadline deadline) {
    iovec parts[2] = {{head_.data(), head_.size()}, {const_cast<char*>(body.data()), body.size()}};
    iovec* next = parts;
    int count = 2;
    while (count > 0) {
      msghdr message{};
      message.msg_iov = next;
      message.msg_iovlen = static_cast<size_t>(count);
      const ssize_t n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          if (!Wait(fd_, POLLOUT, deadline)) return false;
          continue;
        }
        last_error_ = "io: " + ErrnoText(errno);
        return false;
      }
      size_t sent = static_cast<size_t>(n);
      while (count > 0 && sent >= next->iov_len) {
        sent -= next->iov_len;
        ++next;
        --count;
      }
      if (count > 0) {
        next->iov_base = static_cast<char*>(next->iov_base) + sent;
        next->iov_len -= sent;
      }
    }
    return true;
  }

  // Reads more bytes into in_ (compacting or growing it first); false on error, timeout or EOF
  // (`eof` tells the last apart).
  bool Fill(Deadline deadline, bool* eof = nullptr) {
    if (in_begin_ > 0) {
      std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
      in_end_ -= in_begin_;
      in_begin_ = 0;
    }
    if (in_end_ == in_.size()) in_.resize(in_.size() * 2);
    for (;;) {
      const ssize_t n = ::recv(fd_, in_.data() + in_end_, in_.size() - in_end_, 0);
      if (n > 0) {
        in_end_ += static_cast<size_t>(n);
        return true;
      }
      if (n == 0) {
        if (eof != nullptr) *eof = true;
        last_error_ = "io: connection closed by the server";
        return false;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        last_error_ = "io: " + ErrnoText(errno);
        return false;
      }
      if (!Wait(fd_, POLLIN, deadline)) return false;
    }
  }

  std::string_view Buffered() const {
    return std::string_view(in_.data() + in_begin_, in_end_ - in_begin_);
  }

  // Reads one CRLF-terminated line (without the CRLF) of at most `limit` bytes.
  bool ReadLine(Deadline deadline, size_t limit, std::string& line) {
    for (;;) {
      const std::string_view buffered = Buffered();
      const size_t end = buffered.find("\r\n");
      if (end != std::string_view::npos) {
        line.assign(buffered.substr(0, end));
        in_begin_ += end + 2;
        return true;
      }
      if (buffered.size() > limit) {
        last_error_ = "bad response: line too long";
        return false;
      }
      if (!Fill(deadline)) return false;
    }
  }

  // Consumes `n` body bytes (they are only counted: OTLP answers are checked by status).
  bool Skip(size_t n, Deadline deadline) {
    for (;;) {
      const size_t take = std::min(n, in_end_ - in_begin_);
      in_begin_ += take;
      n -= take;
      if (n == 0) return true;
      if (!Fill(deadline)) return false;
    }
  }

  static bool ParseSize(std::string_view text, int base, size_t& value) {
    text = text.substr(0, text.find_first_of("; \t"));
    if (text.empty()) return false;
    value = 0;
    for (char c : text) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return false;
      }
      if (value > (kMaxResponseBytes * 16)) return false;
      value = value * static_cast<size_t>(base) + static_cast<size_t>(digit);
    }
    return true;
  }

  static bool HasToken(std::string_view value, std::string_view token) {
    std::string lower(value);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find(token) != std::string::npos;
  }

  // Reads one whole response (skipping 1xx interim ones) and classifies it by status.
  bool ReadResponse(Deadline deadline, Outcome& outcome) {
    std::string line;
    for (;;) {
      if (!ReadLine(deadline, kMaxResponseHeadBytes, line)) return false;
      // "HTTP/1.1 200 OK"
      if (line.size() < 12 || line.compare(0, 7, "HTTP/1.") != 0 || line[8] != ' ') {
        last_error_ = "bad response: status line";
        return false;
      }
      const bool http10 = line[7] == '0';
      size_t status = 0;
      if (!ParseSize(std::string_view(line).substr(9, 3), 10, status) || status < 100) {
        last_error_ = "bad response: status";
        return false;
      }
      std::optional<size_t> content_length;
      bool chunked = false;
      bool close = http10;
      size_t head_bytes = line.size();
      for (;;) {
        if (!ReadLine(deadline, kMaxResponseHeadBytes, line)) return false;
        if (line.empty()) break;
        head_bytes += line.size();
        if (head_bytes > kMaxResponseHeadBytes) {
          last_error_ = "bad response: head too large";
          return false;
        }
        const size_t colon = line.find(':');
        if (colon == std::string::npos) {
          last_error_ = "bad response: header field";
          return false;
        }
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = std::string_view(line).substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
          value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
          value.remove_suffix(1);
        }
        if (name == "content-length") {
          size_t length = 0;
          if (!ParseSize(value, 10, length) || length > kMaxResponseBytes) {
            last_error_ = "bad response: Content-Length";
            return false;
          }
          content_length = length;
        } else if (name == "transfer-encoding") {
          chunked = HasToken(value, "chunked");
        } else if (name == "connection") {
          if (HasToken(value, "close")) close = true;
          if (HasToken(value, "keep-alive")) close = false;
        }
      }
      if (status < 200) continue;  // 100 Continue and friends: the real answer follows
      const bool bodyless = status == 204 || status == 304;
      if (bodyless) {
      } else if (chunked) {
        if (!SkipChunkedBody(deadline, line)) return false;
      } else if (content_length) {
        if (!Skip(*content_length, deadline)) return false;
      } else {
        // Close-delimited: the body ends when the server closes.
        size_t total = 0;
        for (;;) {
          total += in_end_ - in_begin_;
          in_begin_ = in_end_;
          if (total > kMaxResponseBytes) {
            last_error_ = "bad response: body too large";
            return false;
          }
          bool eof = false;
          if (!Fill(deadline, &eof)) {
            if (!eof) return false;
            break;
          }
        }
        close = true;
      }
      if (close) Disconnect();
      if (status == 200) {
        outcome = {Outcome::kOk, {}};
      } else {
        const Outcome::Kind kind =
            status == 429 || status == 503 ? Outcome::kRefused : Outcome::kError;
        outcome = {kind, std::to_string(status)};
      }
      return true;
    }
  }

  bool SkipChunkedBody(Deadline deadline, std::string& line) {
    size_t total = 0;
    for (;;) {
      if (!ReadLine(deadline, 1024, line)) return false;
      size_t size = 0;
      if (!ParseSize(line, 16, size)) {
        last_error_ = "bad response: chunk size";
        return false;
      }
      total += size;
      if (total > kMaxResponseBytes) {
        last_error_ = "bad response: body too large";
        return false;
      }
      if (size == 0) break;
      if (!Skip(size, deadline) || !ReadLine(deadline, 2, line)) return false;
      if (!line.empty()) {
        last_error_ = "bad response: chunk framing";
        return false;
      }
    }
    // Trailer fields up to the empty line.
    for (size_t trailer_bytes = 0;;) {
      if (!ReadLine(deadline, kMaxResponseHeadBytes, line)) return false;
      if (line.empty()) return true;
      trailer_bytes += line.size();
      if (trailer_bytes > kMaxResponseHeadBytes) {
        last_error_ = "bad response: trailers too large";
        return false;
      }
    }
  }

  HttpTarget target_;
  std::string head_prefix_;  // everything up to the Content-Length value
  std::string head_;         // this request's head
  int fd_ = -1;
  std::vector<char> in_;  // response bytes; [in_begin_, in_end_) are unread
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::string last_error_;
};

std::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN_CODE";
  }
}

// One gRPC channel (its own TCP connection: a local subchannel pool) with one call in flight,
// waited for on the connection's own completion queue.
class GrpcConnection final : public Connection {
 public:
  GrpcConnection(const std::string& target, int index, const std::string& tenant)
      : tenant_(tenant) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("weft.loadgen.connection", index);  // distinct args: never a shared channel
    args.SetMaxSendMessageSize(-1);
    args.SetMaxReceiveMessageSize(static_cast<int>(kMaxResponseBytes));
    channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  ~GrpcConnection() override {
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  Outcome Send(std::string_view body) override {
    grpc::Slice slice(body.data(), body.size());
    grpc::ByteBuffer request(&slice, 1);
    grpc::ClientContext context;
    const uint64_t deadline_unix_nanos =
        RealClock::Get().NowUnixNanos() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(kRequestTimeout).count();
    context.set_deadline(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(deadline_unix_nanos))));
    if (!tenant_.empty()) context.AddMetadata("x-scope-orgid", tenant_);
    auto call = stub_->PrepareUnaryCall(&context, std::string(kGrpcExportMethod), request, &cq_);
    call->StartCall();
    grpc::ByteBuffer response;
    grpc::Status status;
    call->Finish(&response, &status, this);
    void* tag = nullptr;
    bool ok = false;
    if (!cq_.Next(&tag, &ok) || !ok) return {Outcome::kError, "grpc: completion queue failed"};
    if (status.ok()) return {Outcome::kOk, {}};
    const grpc::StatusCode code = status.error_code();
    const Outcome::Kind kind =
        code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::UNAVAILABLE
            ? Outcome::kRefused
            : Outcome::kError;
    return {kind, std::string(GrpcCodeName(code))};
  }

 private:
  std::string tenant_;
  std::shared_ptr<grpc::Channel> channel_;  // shared_ptr: gRPC's API hands channels out that way
  std::unique_ptr<grpc::GenericStub> stub_;
  grpc::CompletionQueue cq_;
};

// ---- Running the load.

// Counters one worker updates and the reporter reads. Cache-line aligned: no false sharing.
struct alignas(64) WorkerStats {
  std::atomic<uint64_t> ok_requests{0};
  std::atomic<uint64_t> ok_spans{0};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> errors{0};
  std::vector<uint32_t> latencies_micros;  // successful requests; read only after join
};

class NonOkTally {
 public:
  void Add(const Outcome& outcome) {
    absl::MutexLock lock(&mu_);
    ++counts_[outcome.label];
  }
  // "503=12, timeout=1" or "none".
  std::string Describe() const {
    absl::MutexLock lock(&mu_);
    if (counts_.empty()) return "none";
    std::string out;
    for (const auto& [label, count] : counts_) {
      if (!out.empty()) out += ", ";
      out += label + "=" + std::to_string(count);
    }
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
};

struct Totals {
  uint64_t ok_requests = 0, ok_spans = 0, refused = 0, errors = 0;
};

Totals Sum(const std::vector<std::unique_ptr<WorkerStats>>& stats) {
  Totals t;
  for (const auto& s : stats) {
    t.ok_requests += s->ok_requests.load(std::memory_order_relaxed);
    t.ok_spans += s->ok_spans.load(std::memory_order_relaxed);
    t.refused += s->refused.load(std::memory_order_relaxed);
    t.errors += s->errors.load(std::memory_order_relaxed);
  }
  return t;
}

int RunLoadgen(const LoadgenOptions& options, bool duration_given) {
  Protocol protocol;
  if (options.protocol == "http-proto") {
    protocol = Protocol::kHttpProto;
  } else if (options.protocol == "http-json") {
    protocol = Protocol::kHttpJson;
  } else if (options.protocol == "grpc") {
    protocol = Protocol::kGrpc;
  } else {
    std::fprintf(stderr, "loadgen: --protocol must be http-proto, http-json or grpc\n");
    return 2;
  }
  std::string target = options.target;
  if (target.empty()) target = protocol == Protocol::kGrpc ? "127.0.0.1:4317" : "127.0.0.1:4318";
  std::optional<HttpTarget> http_target;
  if (protocol != Protocol::kGrpc) {
    http_target = ParseHttpTarget(target);
    if (!http_target) {
      std::fprintf(stderr, "loadgen: --target must be host:port, got '%s'\n", target.c_str());
      return 2;
    }
  } else if (target.starts_with("http://")) {
    target = target.substr(7);
  }
  // With --requests and no --duration, the request count alone ends the run.
  std::optional<uint64_t> duration_nanos;
  if (duration_given || options.requests == 0) {
    duration_nanos = ParseDurationNanos(options.duration);
    if (!duration_nanos) {
      std::fprintf(stderr, "loadgen: bad --duration '%s' (e.g. 10s, 500ms, 2m)\n",
                   options.duration.c_str());
      return 2;
    }
  }

  const Clock& clock = RealClock::Get();
  const uint64_t pool_start = clock.MonotonicNanos();
  std::vector<PooledRequest> pool = BuildPool(options, protocol);
  size_t pool_bytes = 0;
  for (const PooledRequest& r : pool) pool_bytes += r.body.size();
  const bool hex_ids = protocol == Protocol::kHttpJson;
  if (pool.front().patches.empty()) {
    std::fprintf(stderr,
                 "loadgen: warning: no trace id found in the encoded requests; every pass over "
                 "the pool resends the same traces\n");
  }
  std::printf(
      "loadgen: %s to %s, %d connections, %zu spans/request, pool of %zu requests "
      "(%.1f MiB, built in %.2f s)\n",
      std::string(ProtocolName(protocol)).c_str(), target.c_str(), options.connections,
      options.spans_per_request, pool.size(), static_cast<double>(pool_bytes) / (1 << 20),
      static_cast<double>(clock.MonotonicNanos() - pool_start) / 1e9);
  std::fflush(stdout);

  // Distinct trace ids across runs too: the tags of this run start from a random nonce.
  const uint64_t run_nonce = RandomGenerator().Next();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> claimed{0};
  NonOkTally non_ok;
  std::vector<std::unique_ptr<WorkerStats>> stats;
  stats.reserve(options.connections);
  for (int i = 0; i < options.connections; ++i) stats.push_back(std::make_unique<WorkerStats>());

  // Each connection's own requests, patched in place between its sends: request j belongs to
  // connection j % connections; with fewer requests than connections, the connections beyond the
  // pool get private copies.
  std::vector<std::vector<PooledRequest*>> lanes(options.connections);
  for (size_t j = 0; j < pool.size(); ++j) lanes[j % lanes.size()].push_back(&pool[j]);
  std::vector<std::unique_ptr<PooledRequest>> copies;
  for (size_t i = pool.size(); i < lanes.size(); ++i) {
    copies.push_back(std::make_unique<PooledRequest>(pool[i % pool.size()]));
    lanes[i].push_back(copies.back().get());
  }

  auto worker = [&](int index) {
    WorkerStats& my = *stats[index];
    const std::vector<PooledRequest*>& lane = lanes[index];
    std::unique_ptr<Connection> connection;
    if (protocol == Protocol::kGrpc) {
      connection = std::make_unique<GrpcConnection>(target, index, options.tenant);
    } else {
      connection = std::make_unique<HttpConnection>(
          *http_target,
          protocol == Protocol::kHttpJson ? "application/json" : "application/x-protobuf",
          options.tenant);
    }
    for (uint64_t sequence = 0; !stop.load(std::memory_order_relaxed); ++sequence) {
      if (options.requests > 0 &&
          claimed.fetch_add(1, std::memory_order_relaxed) >= options.requests) {
        break;
      }
      PooledRequest& request = *lane[sequence % lane.size()];
      const uint64_t tag = run_nonce ^ (static_cast<uint64_t>(index) << 48) ^ sequence;
      PatchTraceIds(request, tag, hex_ids);
      const uint64_t started = clock.MonotonicNanos();
      const Outcome outcome = connection->Send(request.body);
      const uint64_t micros = (clock.MonotonicNanos() - started) / 1000;
      switch (outcome.kind) {
        case Outcome::kOk:
          my.latencies_micros.push_back(
              static_cast<uint32_t>(std::min<uint64_t>(micros, UINT32_MAX)));
          my.ok_spans.fetch_add(request.spans, std::memory_order_relaxed);
          my.ok_requests.fetch_add(1, std::memory_order_relaxed);
          break;
        case Outcome::kRefused:
          my.refused.fetch_add(1, std::memory_order_relaxed);
          non_ok.Add(outcome);
          // A refusal comes back at once; a short pause keeps a refusing (or absent) server from
          // being flooded with instant retries while the other connections keep it busy.
          std::this_thread::sleep_for(kRefusedPause);
          break;
        case Outcome::kError:
          my.errors.fetch_add(1, std::memory_order_relaxed);
          non_ok.Add(outcome);
          // Do not spin on a dead server.
          if (outcome.label.starts_with("connect")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
          break;
      }
    }
  };

  const uint64_t start = clock.MonotonicNanos();
  std::atomic<int> running{options.connections};
  std::vector<std::thread> threads;
  threads.reserve(options.connections);
  for (int i = 0; i < options.connections; ++i) {
    threads.emplace_back([&, i] {
      worker(i);
      running.fetch_sub(1);
    });
  }

  // Progress once a second until the duration is over or every worker has stopped.
  Totals previous;
  uint64_t previous_time = start;
  uint64_t next_report = start + 1'000'000'000;
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const uint64_t now = clock.MonotonicNanos();
    if (duration_nanos && now - start >= *duration_nanos) stop.store(true);
    if (now >= next_report) {
      const Totals t = Sum(stats);
      const double seconds = static_cast<double>(now - previous_time) / 1e9;
      std::printf(
          "loadgen: %4.0fs %10.0f spans/s %8.1f req/s  refused %llu  errors %llu  non-OK: %s\n",
          static_cast<double>(now - start) / 1e9,
          static_cast<double>(t.ok_spans - previous.ok_spans) / seconds,
          static_cast<double>(t.ok_requests - previous.ok_requests) / seconds,
          static_cast<unsigned long long>(t.refused), static_cast<unsigned long long>(t.errors),
          non_ok.Describe().c_str());
      std::fflush(stdout);
      previous = t;
      previous_time = now;
      next_report += 1'000'000'000;
    }
  }
  for (std::thread& t : threads) t.join();
  const double elapsed = static_cast<double>(clock.MonotonicNanos() - start) / 1e9;

  const Totals t = Sum(stats);
  std::vector<uint32_t> latencies;
  for (const auto& s : stats) {
    latencies.insert(latencies.end(), s->latencies_micros.begin(), s->latencies_micros.end());
  }
  auto percentile_ms = [&](double p) {
    if (latencies.empty()) return 0.0;
    const size_t k = std::min(latencies.size() - 1,
                              static_cast<size_t>(p * static_cast<double>(latencies.size())));
    std::nth_element(latencies.begin(), latencies.begin() + static_cast<ptrdiff_t>(k),
                     latencies.end());
    return latencies[k] / 1000.0;
  };
  const double p50 = percentile_ms(0.50);
  const double p99 = percentile_ms(0.99);
  std::printf(
      "loadgen: %.1f s, %llu requests OK (%llu spans), %llu refused, %llu errors; "
      "non-OK: %s\n",
      elapsed, static_cast<unsigned long long>(t.ok_requests),
      static_cast<unsigned long long>(t.ok_spans), static_cast<unsigned long long>(t.refused),
      static_cast<unsigned long long>(t.errors), non_ok.Describe().c_str());
  std::printf(
      "loadgen: %s %.0f spans/s, %.1f req/s, %llu errors, %llu refused, p50/p99 %.2f/%.2f ms\n",
      std::string(ProtocolName(protocol)).c_str(), static_cast<double>(t.ok_spans) / elapsed,
      static_cast<double>(t.ok_requests) / elapsed, static_cast<unsigned long long>(t.errors),
      static_cast<unsigned long long>(t.refused), p50, p99);
  std::fflush(stdout);
  return t.errors > 0 || t.ok_requests == 0 ? 1 : 0;
}

}  // namespace

void AddLoadgenCommand(CLI::App& app, int* exit_code) {
  // shared_ptr: CLI11 keeps a copy of the callback, which must own the options it fills in.
  auto options = std::make_shared<LoadgenOptions>();
  CLI::App* sub = app.add_subcommand(
      "loadgen",
      "Send synthetic traces to an OTLP receiver as fast as it accepts them, and report "
      "spans/s, req/s, refusals, errors and latency");
  sub->add_option("--target", options->target,
                  "host:port of the receiver (default 127.0.0.1:4318, or :4317 for grpc); for "
                  "HTTP an http:// prefix and a path (default /v1/traces) are accepted");
  sub->add_option("--protocol", options->protocol, "http-proto, http-json or grpc")
      ->capture_default_str()
      ->check(CLI::IsMember({"http-proto", "http-json", "grpc"}));
  sub->add_option("--connections", options->connections,
                  "concurrent keep-alive connections, one request in flight on each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  CLI::Option* duration =
      sub->add_option("--duration", options->duration,
                      "how long to send (10s, 500ms, 2m); with --requests alone, no limit")
          ->capture_default_str();
  sub->add_option("--spans-per-request", options->spans_per_request,
                  "spans in each request (whole traces of 5-50 spans)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  sub->add_option("--requests", options->requests, "stop after this many requests in total");
  sub->add_option("--pool", options->pool, "distinct pre-encoded requests to cycle through")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 16));
  sub->add_option("--seed", options->seed, "trace generator seed")->capture_default_str();
  sub->add_option("--tenant", options->tenant, "X-Scope-OrgID to send (none by default)");
  sub->callback(
      [options, duration, exit_code] { *exit_code = RunLoadgen(*options, duration->count() > 0); });
}

}  // namespace weft::cli
