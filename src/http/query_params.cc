#include "http/query_params.h"

#include "absl/strings/str_cat.h"

namespace weft::http {
namespace {

constexpr size_t kMaxParams = 1000;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes `%XY` and '+'; false on a bad escape.
bool Decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      const int hi = i + 1 < in.size() ? HexDigit(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexDigit(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<QueryParams> QueryParams::Parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    if (params.params_.size() == kMaxParams) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", kMaxParams, " query parameters"));
    }
    const size_t eq = part.find('=');
    std::string name, value;
    if (!Decode(part.substr(0, eq), name) ||
        !Decode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter \"", std::string(part.substr(0, eq)), "\": bad percent escape"));
    }
    params.params_.emplace_back(std::move(name), std::move(value));
  }
  return params;
}

std::optional<std::string> QueryParams::Get(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::vector<std::string> QueryParams::GetAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [n, v] : params_) {
    if (n == name) values.push_back(v);
  }
  return values;
}

}  // namespace weft::http
