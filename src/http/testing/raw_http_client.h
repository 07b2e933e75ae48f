// Test helper: an HTTP/1.1 client over a plain POSIX socket, so tests control every byte (chunked
// framing, pipelining, half-sent bodies) and never block forever (every read has a deadline).
// Responses are parsed minimally: status line, fields, and a Content-Length body (weft's server
// always sends one). Thread rule: one client per thread.
#pragma once

#include <utility>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "http/ascii.h"

namespace weft::http::testing {

struct TestResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
      if (EqualsIgnoreCase(field, name)) return value;
    }
    return std::nullopt;
  }
};

// The bytes of a request with a Content-Length body.
inline std::string MakeRequest(
    std::string_view method, std::string_view target, std::string_view body = "",
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  std::string out =
      absl::StrCat(std::string(method), " ", std::string(target), " HTTP/1.1\r\nHost: test\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n\r\n", std::string(body));
  return out;
}

class RawHttpClient {
 public:
  explicit RawHttpClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawHttpClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawHttpClient(const RawHttpClient&) = delete;
  RawHttpClient& operator=(const RawHttpClient&) = delete;

  bool connected() const { return connected_; }

  // False once the peer has closed or reset the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Half-closes the sending side (the server then sees end of stream).
  void ShutdownSend() { ::shutdown(fd_, SHUT_WR); }

  // One response, or nullopt if the connection ends or `timeout` passes first. An answer to HEAD
  // has no body whatever its Content-Length says: pass `head_request`.
  std::optional<TestResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                   bool head_request = false) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    TestResponse response;
    std::string_view head(pending_.data(), head_end);
    size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12 ||
        !absl::SimpleAtoi(std::string(status_line.substr(9, 3)), &response.status)) {
      return std::nullopt;
    }
    size_t content_length = 0;
    while (line_end != std::string_view::npos && line_end < head.size()) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string_view line = head.substr(
          start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      std::string value(TrimOws(line.substr(colon + 1)));
      if (EqualsIgnoreCase(name, "Content-Length")) {
        (void)absl::SimpleAtoi(value, &content_length);
      }
      response.headers.emplace_back(std::move(name), std::move(value));
    }
    const bool is_interim = response.status >= 100 && response.status < 200;
    const size_t total = head_end + 4 + (is_interim || head_request ? 0 : content_length);
    while (pending_.size() < total) {
      if (!Fill(deadline)) return std::nullopt;
    }
    response.body = pending_.substr(head_end + 4, total - head_end - 4);
    pending_.erase(0, total);
    return response;
  }

  // True if the server closes (or resets) the connection within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const int status = FillStatus(deadline);
      if (status < 0) return true;
      if (status == 0) return false;
    }
  }

 private:
  // 1 = got bytes, 0 = timeout, -1 = closed or error.
  int FillStatus(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready == 0) return 0;
    if (ready < 0) return errno == EINTR ? 1 : -1;
    char buf[64 * 1024];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return -1;
    pending_.append(buf, static_cast<size_t>(n));
    return 1;
  }
  bool Fill(std::chrono::steady_clock::time_point deadline) { return FillStatus(deadline) > 0; }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// Sends `request` on a fresh connection and reads one response.
inline std::optional<TestResponse> RoundTrip(int port, std::string_view request) {
  RawHttpClient client(port);
  if (!client.Send(request)) return std::nullopt;
  return client.Read();
}

}  // namespace weft::http::testing
