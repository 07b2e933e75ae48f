#include "storage/embedded/block/block_file.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace weft::storage::embedded::block {

std::pair<size_t, size_t> BlockFile::RowGroupsOf(const TraceId& trace_id) const {
  const auto& rgs = meta.row_groups;
  // Row groups ascend by trace id.
  auto begin = std::lower_bound(
      rgs.begin(), rgs.end(), trace_id,
      [](const RowGroupMeta& rg, const TraceId& id) { return rg.last_trace < id; });
  auto end = begin;
  while (end != rgs.end() && end->first_trace <= trace_id) ++end;
  return {static_cast<size_t>(begin - rgs.begin()), static_cast<size_t>(end - rgs.begin())};
}

absl::Status BlockFile::Corrupt(uint32_t row_group, const ColumnKey& column,
                                std::string_view what) const {
  return absl::DataLossError(absl::StrCat("block ", path, ": row group ", row_group, ", column ",
                                          ColumnName(column, meta.keys), ": ", std::string(what)));
}

absl::Status BlockFile::Corrupt(std::string_view what) const {
  return absl::DataLossError(absl::StrCat("block ", path, ": ", std::string(what)));
}

}  // namespace weft::storage::embedded::block
