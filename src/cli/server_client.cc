#include "cli/server_client.h"

#include "absl/strings/str_cat.h"
#include "http/http_client.h"

namespace weft::cli {

absl::StatusOr<std::string> GetFromServer(const std::string& server, const std::string& target,
                                          const std::string& accept) {
  http::ClientRequest request;
  if (!accept.empty()) request.headers.emplace_back("Accept", accept);
  request.host_port = server;
  request.target = target;
  request.timeout = std::chrono::seconds(30);
  request.max_response_bytes = size_t{256} << 20;
  absl::StatusOr<http::ClientResponse> response = http::Fetch(request);
  if (!response.ok()) {
    if (absl::IsUnavailable(response.status())) {
      return absl::UnavailableError(absl::StrCat("no weft server answers at ", server,
                                                 " — start one with `weft serve`, or pass "
                                                 "--server host:port (",
                                                 response.status().message(), ")"));
    }
    return response.status();
  }
  if (response->status == 200) return std::move(response->body);
  const std::string what = absl::StrCat(server, " answered ", response->status, " to GET ", target,
                                        ": ", response->body.substr(0, 500));
  if (response->status == 404) return absl::NotFoundError(what);
  if (response->status == 400) return absl::InvalidArgumentError(what);
  return absl::InternalError(what);
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace weft::cli
