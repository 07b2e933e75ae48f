// Query strings of the shop's requests ("/checkout?user=u12&items=3"): split a target into its
// path and decoded parameters, and build one back. The shop passes every request attribute this
// way so that no service needs a JSON parser.
// Thread rule: values; free functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace weft::shop {

class QueryParams {
 public:
  QueryParams() = default;
  // Parses "a=1&b=x%20y" (the part after '?'); malformed pairs are skipped.
  static QueryParams Parse(std::string_view query);

  std::string Get(std::string_view key, std::string_view fallback = {}) const;
  int64_t GetInt(std::string_view key, int64_t fallback) const;
  QueryParams& Set(std::string_view key, std::string_view value);
  QueryParams& Set(std::string_view key, int64_t value);
  // "a=1&b=x%20y" (keys sorted).
  std::string Encode() const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// "/path?query" -> ("/path", "query").
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// `path` + "?" + params.Encode() (just `path` when there are none).
std::string MakeTarget(std::string_view path, const QueryParams& params);

}  // namespace weft::shop
