// Tenant ids (`X-Scope-OrgID`), validated the way Tempo does: at most 150 bytes of
// [0-9a-zA-Z] and !-_.*'(), and not "." or "..", so a tenant id is always safe as a path
// component and a label. Thread rule: pure functions.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace weft {

inline constexpr size_t kMaxTenantIdBytes = 150;

// OK, or InvalidArgument saying what is wrong with `tenant`.
absl::Status ValidateTenantId(std::string_view tenant);

}  // namespace weft
