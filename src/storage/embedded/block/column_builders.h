// Writer-side buffers for one row group's columns: values are appended span by span and encoded
// into a chunk when the row group is flushed (chunk_encoder.h).
// Thread rule: not thread-safe; owned by one RowGroupBuilder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/arena.h"
#include "storage/embedded/block/encoding.h"

namespace weft::storage::embedded::block {

using U64Column = std::vector<uint64_t>;

// Strings with their distinct values counted as they arrive (each distinct value is copied once),
// so that both the plain and the dictionary encoding can be sized and written without a second
// pass.
class StringColumnBuilder {
 public:
  void Add(std::string_view value) {
    total_bytes_ += value.size();
    if (auto it = index_.find(value); it != index_.end()) {
      ids_.push_back(it->second);
      return;
    }
    const auto id = static_cast<uint32_t>(distinct_.size());
    const std::string_view copy = arena_.CopyString(value);  // the caller's bytes may go away
    index_.emplace(copy, id);
    distinct_.push_back(copy);
    ids_.push_back(id);
  }
  size_t size() const { return ids_.size(); }
  StringColumnValues values() const { return {distinct_, ids_, total_bytes_}; }

 private:
  Arena arena_{16 << 10};
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  std::vector<std::string_view> distinct_;
  std::vector<uint32_t> ids_;
  size_t total_bytes_ = 0;
};

// Fixed-width raw values (ids) back to back.
struct RawColumn {
  std::string bytes;
  uint32_t count = 0;
  void Add(std::string_view value) {
    bytes.append(value);
    ++count;
  }
};

}  // namespace weft::storage::embedded::block
