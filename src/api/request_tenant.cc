#include "api/request_tenant.h"

#include "common/tenant.h"
#include "storage/span_store.h"

namespace weft::api {

absl::StatusOr<std::string> RequestTenant(const http::Request& request) {
  const auto header = request.headers.Get("X-Scope-OrgID");
  if (!header) return std::string(storage::kDefaultTenant);
  if (absl::Status s = ValidateTenantId(*header); !s.ok()) return s;
  return std::string(*header);
}

}  // namespace weft::api
