// URL query strings (`a=1&b=x%20y`): parsed into decoded name/value pairs for the read APIs.
// '+' means a space (HTML form encoding, which browsers and Grafana use); `%XY` is a byte.
// Thread rule: pure functions and plain data.
#pragma once

#include <utility>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace weft::http {

class QueryParams {
 public:
  // InvalidArgument naming the parameter for a bad percent escape; at most 1,000 parameters.
  static absl::StatusOr<QueryParams> Parse(std::string_view query);

  // The first value of `name`, or nullopt when absent.
  std::optional<std::string> Get(std::string_view name) const;
  // Every value of `name`, in order (Jaeger repeats `tags=`).
  std::vector<std::string> GetAll(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace weft::http
