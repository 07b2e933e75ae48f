#include "common/tenant.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace weft {

absl::Status ValidateTenantId(std::string_view tenant) {
  if (tenant.empty()) return absl::InvalidArgumentError("tenant id is empty");
  if (tenant.size() > kMaxTenantIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("tenant id is ", tenant.size(), " bytes; at most ", kMaxTenantIdBytes));
  }
  if (tenant == "." || tenant == "..") {
    return absl::InvalidArgumentError("tenant id may not be \".\" or \"..\"");
  }
  for (char c : tenant) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '!' || c == '-' || c == '_' || c == '.' || c == '*' || c == '\'' ||
                    c == '(' || c == ')';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("tenant id has a character outside [0-9a-zA-Z!-_.*'()]: byte ",
                       static_cast<int>(static_cast<unsigned char>(c))));
    }
  }
  return absl::OkStatus();
}

}  // namespace weft
