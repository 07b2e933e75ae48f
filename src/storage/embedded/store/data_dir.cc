#include "storage/embedded/store/data_dir.h"

#include <charconv>

#include "absl/strings/str_format.h"
#include "common/tenant.h"

namespace weft::storage::embedded {
namespace {

constexpr std::string_view kBlockSuffix = ".block";
constexpr size_t kSequenceDigits = 16;

std::string Join(std::string_view root, std::string_view name) {
  std::string path(root);
  path += '/';
  path += name;
  return path;
}

}  // namespace

std::string WalDir(std::string_view root) { return Join(root, "wal"); }
std::string BlocksDir(std::string_view root) { return Join(root, "blocks"); }
std::string QuarantineDir(std::string_view root) { return Join(root, "quarantine"); }
std::string TenantBlocksDir(std::string_view root, std::string_view tenant) {
  return Join(BlocksDir(root), tenant);
}

std::string BlockFileName(uint64_t sequence) {
  return absl::StrFormat("%016x%s", sequence, kBlockSuffix);
}

std::optional<uint64_t> ParseBlockFileName(std::string_view name) {
  if (name.size() != kSequenceDigits + kBlockSuffix.size() || !name.ends_with(kBlockSuffix)) {
    return std::nullopt;
  }
  uint64_t sequence = 0;
  const char* first = name.data();
  const char* last = first + kSequenceDigits;
  for (const char* c = first; c != last; ++c) {
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return std::nullopt;
  }
  if (std::from_chars(first, last, sequence, 16).ptr != last) return std::nullopt;
  return sequence;
}

absl::StatusOr<std::vector<BlockFileRef>> ListBlockFiles(FileSystem& fs, std::string_view root,
                                                         bool quarantined) {
  const std::string dir = quarantined ? QuarantineDir(root) : BlocksDir(root);
  std::vector<BlockFileRef> files;
  if (!fs.Exists(dir)) return files;
  absl::StatusOr<std::vector<std::string>> tenants = fs.ListDir(dir);
  if (!tenants.ok()) return tenants.status();
  for (const std::string& tenant : *tenants) {
    if (!ValidateTenantId(tenant).ok()) continue;
    const std::string tenant_dir = Join(dir, tenant);
    absl::StatusOr<std::vector<std::string>> names = fs.ListDir(tenant_dir);
    if (!names.ok()) {
      if (absl::IsNotFound(names.status()) || absl::IsInternal(names.status())) continue;  // a file
      return names.status();
    }
    for (const std::string& name : *names) {
      if (std::optional<uint64_t> sequence = ParseBlockFileName(name)) {
        files.push_back({tenant, *sequence, Join(tenant_dir, name)});
      }
    }
  }
  return files;
}

}  // namespace weft::storage::embedded
