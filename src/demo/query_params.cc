// Query-string parsing and encoding for the shop's requests (see query_params.h).
// Thread rule: values; free functions.
#include "query_params.h"

#include <charconv>

namespace weft::shop {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string EncodeComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 15];
    }
  }
  return out;
}

}  // namespace

QueryParams QueryParams::Parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (eq == 0 || pair.empty()) continue;
    if (eq == std::string_view::npos) {
      params.values_[Decode(pair)] = "";
    } else {
      params.values_[Decode(pair.substr(0, eq))] = Decode(pair.substr(eq + 1));
    }
  }
  return params;
}

std::string QueryParams::Get(std::string_view key, std::string_view fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string(fallback) : it->second;
}

int64_t QueryParams::GetInt(std::string_view key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  int64_t value = 0;
  const char* end = it->second.data() + it->second.size();
  auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
  return ec == std::errc() && ptr == end ? value : fallback;
}

QueryParams& QueryParams::Set(std::string_view key, std::string_view value) {
  values_[std::string(key)] = std::string(value);
  return *this;
}

QueryParams& QueryParams::Set(std::string_view key, int64_t value) {
  return Set(key, std::to_string(value));
}

std::string QueryParams::Encode() const {
  std::string out;
  for (const auto& [key, value] : values_) {
    if (!out.empty()) out += '&';
    out += EncodeComponent(key);
    out += '=';
    out += EncodeComponent(value);
  }
  return out;
}

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::string MakeTarget(std::string_view path, const QueryParams& params) {
  std::string target(path);
  const std::string query = params.Encode();
  if (!query.empty()) {
    target += '?';
    target += query;
  }
  return target;
}

}  // namespace weft::shop
