// A block-wide dictionary being built by the writer: strings get dense ids in first-seen order
// (service names, span names, attribute keys; docs/format/block.md, "Dictionaries").
// Thread rule: not thread-safe; owned by one BlockWriter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace weft::storage::embedded::block {

class StringDictionary {
 public:
  uint32_t Intern(std::string_view s) {
    // Debian's absl::string_view is its own type: heterogeneous lookup needs it, not std's.
    if (auto it = index_.find(absl::string_view(s.data(), s.size())); it != index_.end()) {
      return it->second;
    }
    const auto id = static_cast<uint32_t>(strings_.size());
    strings_.emplace_back(s);
    index_.emplace(std::string(s), id);
    return id;
  }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  absl::flat_hash_map<std::string, uint32_t> index_;
  std::vector<std::string> strings_;
};

}  // namespace weft::storage::embedded::block
