// The embedded store's directory layout (`--data-dir`, default ./weft-data), shared by the store,
// `weft store inspect|verify` and tests:
//
//   DIR/LOCK                                 held (flock) by the process using the directory
//   DIR/wal/00000042.wal                     WAL segments (storage/embedded/wal)
//   DIR/blocks/<tenant>/<16 hex>.block       blocks; the hex is a sequence number, never reused
//   DIR/quarantine/<tenant>/<16 hex>.block   blocks found corrupt, set aside (never read again)
//
// Any other file (a `.block.tmp` left by a crash, say) is not part of the store.
// Thread rule: pure functions; ListBlockFiles reads the directory through the given FileSystem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/file_system.h"

namespace weft::storage::embedded {

std::string WalDir(std::string_view root);
std::string BlocksDir(std::string_view root);
std::string QuarantineDir(std::string_view root);
// REQUIRES: ValidateTenantId(tenant) is OK (so it is a safe path component).
std::string TenantBlocksDir(std::string_view root, std::string_view tenant);

// "000000000000002a.block".
std::string BlockFileName(uint64_t sequence);
// The sequence of a block file name, or nullopt for any other name.
std::optional<uint64_t> ParseBlockFileName(std::string_view name);

struct BlockFileRef {
  std::string tenant;
  uint64_t sequence = 0;
  std::string path;
};

// Every block file under DIR/blocks (or, with `quarantined`, under DIR/quarantine), by tenant then
// sequence. A missing directory is an empty list; other names are ignored.
absl::StatusOr<std::vector<BlockFileRef>> ListBlockFiles(FileSystem& fs, std::string_view root,
                                                         bool quarantined = false);

}  // namespace weft::storage::embedded
