#include "storage/embedded/block/block_file.h"

#include "absl/strings/str_cat.h"

namespace weft::storage::embedded::block {

absl::Status BlockFile::Corrupt(uint32_t row_group, const ColumnKey& column,
                                std::string_view what) const {
  return absl::DataLossError(absl::StrCat("block ", path, ": row group ", row_group, ", column ",
                                          ColumnName(column, meta.keys), ": ", std::string(what)));
}

absl::Status BlockFile::Corrupt(std::string_view what) const {
  return absl::DataLossError(absl::StrCat("block ", path, ": ", std::string(what)));
}

}  // namespace weft::storage::embedded::block
