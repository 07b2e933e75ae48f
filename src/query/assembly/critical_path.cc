#include "query/assembly/critical_path.h"

#include <algorithm>

namespace weft::query {

CriticalPath ComputeCriticalPath(std::span<const Span> spans, const TraceTree& tree) {
  const size_t n = spans.size();
  CriticalPath result;
  result.span_nanos.assign(n, 0);

  // 1. Clipped intervals, parents first; a left-out span has kept[i] == false.
  std::vector<uint64_t> start(n), end(n);
  std::vector<bool> kept(n, false);
  for (const uint32_t i : tree.preorder) {
    const Span& span = spans[i];
    uint64_t s = span.start_time_unix_nano;
    uint64_t e = std::max(s, span.end_time_unix_nano);
    const uint32_t p = tree.parent[i];
    if (p != kNoSpan) {
      if (!kept[p] || s >= end[p] || e <= start[p]) continue;
      s = std::max(s, start[p]);
      e = std::min(e, end[p]);
    }
    start[i] = s;
    end[i] = e;
    kept[i] = true;
  }

  // Each span's kept children, latest end first (ties: span order), and a cursor into them.
  std::vector<uint32_t> by_end_begin(n + 1, 0);
  std::vector<uint32_t> by_end;
  by_end.reserve(tree.child_spans.size());
  for (uint32_t i = 0; i < n; ++i) {
    by_end_begin[i] = static_cast<uint32_t>(by_end.size());
    if (!kept[i]) continue;
    for (const uint32_t c : tree.children(i)) {
      if (kept[c]) by_end.push_back(c);
    }
    std::stable_sort(by_end.begin() + by_end_begin[i], by_end.end(),
                     [&end](uint32_t a, uint32_t b) { return end[a] > end[b]; });
  }
  by_end_begin[n] = static_cast<uint32_t>(by_end.size());
  std::vector<uint32_t> cursor(by_end_begin.begin(), by_end_begin.end() - 1);

  // 2. The backward walk, one root at a time.
  std::vector<CriticalPathSection> walk;
  for (const uint32_t root : tree.roots) {
    walk.clear();
    uint32_t current = root;
    bool coming_back = false;  // from a child, whose start is then the limit
    uint64_t limit = end[current];
    while (true) {
      uint32_t& next = cursor[current];
      const uint32_t last = by_end_begin[current + 1];
      if (coming_back) {
        while (next < last && end[by_end[next]] >= limit) ++next;
      }
      if (next < last) {
        const uint32_t lfc = by_end[next++];
        if (end[lfc] < limit) walk.push_back({current, end[lfc], limit});
        current = lfc;
        limit = end[lfc];
        coming_back = false;
        continue;
      }
      if (start[current] < limit) walk.push_back({current, start[current], limit});
      if (current == root) break;
      limit = start[current];
      coming_back = true;
      current = tree.parent[current];
    }
    for (auto it = walk.rbegin(); it != walk.rend(); ++it) {
      result.sections.push_back(*it);
      result.span_nanos[it->span] += it->end_unix_nano - it->start_unix_nano;
    }
  }
  return result;
}

}  // namespace weft::query
