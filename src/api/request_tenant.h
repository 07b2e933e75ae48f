// The tenant of a read request: its `X-Scope-OrgID` header (validated), or the default tenant.
// Thread rule: pure function.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "http/http_server.h"

namespace weft::api {

absl::StatusOr<std::string> RequestTenant(const http::Request& request);

}  // namespace weft::api
