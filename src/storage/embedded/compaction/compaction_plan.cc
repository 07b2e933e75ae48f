#include "storage/embedded/compaction/compaction_plan.h"

#include <algorithm>
#include <tuple>

namespace weft::storage::embedded {

std::vector<std::vector<size_t>> PlanCompaction(std::span<const BlockInfo> blocks,
                                                const CompactionPolicy& policy) {
  const size_t min_inputs = std::max<size_t>(policy.min_inputs, 2);
  std::vector<std::vector<size_t>> groups;
  if (policy.max_inputs < min_inputs) return groups;

  auto window_of = [&](size_t i) {
    return policy.window_nanos == 0 ? 0 : blocks[i].min_time_unix_nanos / policy.window_nanos;
  };
  // Candidates ordered by window, then time, then path (and index, so equal blocks stay stable).
  std::vector<size_t> candidates;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const uint64_t max_input =
        policy.max_input_bytes != 0 ? policy.max_input_bytes : policy.target_block_bytes;
    if (blocks[i].bytes < max_input) candidates.push_back(i);
  }
  std::sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
    return std::forward_as_tuple(window_of(a), blocks[a].min_time_unix_nanos, blocks[a].path, a) <
           std::forward_as_tuple(window_of(b), blocks[b].min_time_unix_nanos, blocks[b].path, b);
  });

  std::vector<size_t> remaining, group, rest;
  for (size_t begin = 0; begin < candidates.size();) {
    size_t end = begin;
    while (end < candidates.size() && window_of(candidates[end]) == window_of(candidates[begin])) {
      ++end;
    }
    remaining.assign(candidates.begin() + begin, candidates.begin() + end);
    begin = end;
    while (remaining.size() >= min_inputs) {
      // First fit in time order.
      group.clear();
      rest.clear();
      uint64_t total = 0;
      for (size_t i : remaining) {
        if (group.size() < policy.max_inputs &&
            blocks[i].bytes <= policy.target_block_bytes - total) {
          group.push_back(i);
          total += blocks[i].bytes;
        } else {
          rest.push_back(i);
        }
      }
      if (group.size() >= min_inputs) {
        groups.push_back(group);
        remaining.swap(rest);
      } else {
        // Too few blocks fit together: set the largest aside (the first of equals) and try the
        // others again.
        remaining.erase(std::max_element(
            remaining.begin(), remaining.end(),
            [&](size_t a, size_t b) { return blocks[a].bytes < blocks[b].bytes; }));
      }
    }
  }
  return groups;
}

}  // namespace weft::storage::embedded
