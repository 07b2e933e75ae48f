#include "query/assembly/trace_tree.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace weft::query {
namespace {

// The spans that carry one span id: a chain through `next_same_id` from `first` to `last`, and
// the span that children naming the id attach to.
struct IdGroup {
  uint32_t first;
  uint32_t last;
  uint32_t target;
};
// absl's seeded hash: span ids come from clients, and a per-process seed keeps a client from
// choosing ids that collide.
using IdIndex = absl::flat_hash_map<SpanId, IdGroup>;

std::string Hex(const SpanId& id) { return id.ToHex(); }

// Applies the Zipkin shared-span rule (file comment of trace_tree.h) to one id carried by several
// spans.
void ResolveSharedId(std::span<const Span> spans, std::span<const uint32_t> next_same_id,
                     IdGroup& group, TraceTree& tree) {
  uint32_t client = kNoSpan;
  uint32_t server = kNoSpan;
  uint32_t count = 0;
  for (uint32_t i = group.first; i != kNoSpan; i = next_same_id[i]) {
    ++count;
    if (spans[i].kind == SpanKind::kClient && client == kNoSpan) client = i;
    if (spans[i].kind == SpanKind::kServer && server == kNoSpan) server = i;
  }
  group.target = server != kNoSpan ? server : group.first;
  if (client != kNoSpan && server != kNoSpan) {
    for (uint32_t i = group.first; i != kNoSpan; i = next_same_id[i]) {
      if (spans[i].kind != SpanKind::kServer) continue;
      tree.parent[i] = client;
      tree.attachment[i] = Attachment::kSharedServer;
    }
  }
  if (count == 2 && client != kNoSpan && server != kNoSpan) return;  // the Zipkin pair
  AssemblyWarning warning;
  warning.kind = AssemblyWarningKind::kSharedSpanId;
  warning.span_id = spans[group.first].span_id;
  warning.reason =
      absl::StrCat(count, " different spans carry span id ", Hex(warning.span_id),
                   " and are not one Zipkin CLIENT/SERVER pair; its children attach to the ",
                   server != kNoSpan ? "first SERVER span" : "earliest span");
  tree.warnings.push_back(std::move(warning));
}

// Finds every cycle of `parent` links and breaks it at its earliest span (file comment).
void BreakCycles(std::span<const Span> spans, TraceTree& tree) {
  const size_t n = tree.size();
  enum : uint8_t { kNew, kOnWalk, kSettled };
  std::vector<uint8_t> state(n, kNew);
  std::vector<uint32_t> walk;
  for (uint32_t start = 0; start < n; ++start) {
    if (state[start] != kNew) continue;
    walk.clear();
    uint32_t v = start;
    while (v != kNoSpan && state[v] == kNew) {
      state[v] = kOnWalk;
      walk.push_back(v);
      v = tree.parent[v];
    }
    if (v != kNoSpan && state[v] == kOnWalk) {
      // walk ends with the cycle v -> ... -> walk.back() -> v.
      size_t k = walk.size() - 1;
      while (walk[k] != v) --k;
      const size_t cycle_length = walk.size() - k;
      const uint32_t earliest = *std::min_element(walk.begin() + k, walk.end());
      const Span& span = spans[earliest];
      AssemblyWarning warning;
      warning.kind = AssemblyWarningKind::kCycleBroken;
      warning.span_id = span.span_id;
      warning.reason = absl::StrCat("span ", Hex(span.span_id), " closes a cycle of ", cycle_length,
                                    " span(s) through its parent ", Hex(span.parent_span_id),
                                    "; detached from it as a root");
      tree.warnings.push_back(std::move(warning));
      tree.parent[earliest] = kNoSpan;
      tree.attachment[earliest] = Attachment::kCycleBroken;
    }
    for (uint32_t w : walk) state[w] = kSettled;
  }
}

}  // namespace

std::string_view AttachmentName(Attachment attachment) {
  switch (attachment) {
    case Attachment::kChild:
      return "child";
    case Attachment::kSharedServer:
      return "shared_server";
    case Attachment::kRoot:
      return "root";
    case Attachment::kOrphan:
      return "orphan";
    case Attachment::kCycleBroken:
      return "cycle_broken";
  }
  return "unknown";
}

TraceTree BuildTraceTree(std::span<const Span> spans) {
  const uint32_t n = static_cast<uint32_t>(spans.size());
  TraceTree tree;
  tree.parent.assign(n, kNoSpan);
  tree.attachment.assign(n, Attachment::kRoot);

  // Spans by id; ids carried by several spans chain their spans through next_same_id.
  IdIndex by_id;
  by_id.reserve(n);
  std::vector<uint32_t> next_same_id(n, kNoSpan);
  std::vector<SpanId> shared_ids;
  for (uint32_t i = 0; i < n; ++i) {
    auto [it, inserted] = by_id.try_emplace(spans[i].span_id, IdGroup{i, i, i});
    if (inserted) continue;
    if (it->second.first == it->second.last) shared_ids.push_back(spans[i].span_id);
    next_same_id[it->second.last] = i;
    it->second.last = i;
  }
  for (const SpanId& id : shared_ids) ResolveSharedId(spans, next_same_id, by_id[id], tree);

  for (uint32_t i = 0; i < n; ++i) {
    if (tree.attachment[i] == Attachment::kSharedServer) continue;
    const Span& span = spans[i];
    if (!span.parent_span_id.IsValid()) continue;  // a true root
    auto it = by_id.find(span.parent_span_id);
    if (it == by_id.end()) {
      tree.attachment[i] = Attachment::kOrphan;
      tree.missing_parent_ids.push_back(span.parent_span_id);
      continue;
    }
    tree.parent[i] = it->second.target;
    tree.attachment[i] = Attachment::kChild;
  }
  std::sort(tree.missing_parent_ids.begin(), tree.missing_parent_ids.end());
  tree.missing_parent_ids.erase(
      std::unique(tree.missing_parent_ids.begin(), tree.missing_parent_ids.end()),
      tree.missing_parent_ids.end());

  BreakCycles(spans, tree);
  LinkTraceTree(tree);
  return tree;
}

void LinkTraceTree(TraceTree& tree) {
  const uint32_t n = static_cast<uint32_t>(tree.size());
  tree.child_begin.assign(n + 1, 0);
  tree.roots.clear();
  tree.true_root_count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (tree.parent[i] == kNoSpan) {
      tree.roots.push_back(i);
      if (tree.attachment[i] == Attachment::kRoot) ++tree.true_root_count;
    } else {
      ++tree.child_begin[tree.parent[i] + 1];
    }
  }
  for (uint32_t i = 0; i < n; ++i) tree.child_begin[i + 1] += tree.child_begin[i];
  tree.child_spans.assign(n - tree.roots.size(), 0);
  std::vector<uint32_t> fill(tree.child_begin.begin(), tree.child_begin.end() - 1);
  for (uint32_t i = 0; i < n; ++i) {
    if (tree.parent[i] != kNoSpan) tree.child_spans[fill[tree.parent[i]]++] = i;
  }

  // Depth-first with an explicit stack; children pushed in reverse so they pop in span order.
  tree.depth.assign(n, 0);
  tree.preorder.clear();
  tree.preorder.reserve(n);
  std::vector<uint32_t> stack(tree.roots.rbegin(), tree.roots.rend());
  while (!stack.empty()) {
    const uint32_t v = stack.back();
    stack.pop_back();
    tree.preorder.push_back(v);
    const std::span<const uint32_t> kids = tree.children(v);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      tree.depth[*it] = tree.depth[v] + 1;
      stack.push_back(*it);
    }
  }
}

void PermuteTraceTree(TraceTree& tree, std::span<const uint32_t> order) {
  const size_t n = tree.size();
  std::vector<uint32_t> new_index(n);
  for (uint32_t j = 0; j < n; ++j) new_index[order[j]] = j;
  std::vector<uint32_t> parent(n);
  std::vector<Attachment> attachment(n);
  for (uint32_t j = 0; j < n; ++j) {
    const uint32_t old_parent = tree.parent[order[j]];
    parent[j] = old_parent == kNoSpan ? kNoSpan : new_index[old_parent];
    attachment[j] = tree.attachment[order[j]];
  }
  tree.parent = std::move(parent);
  tree.attachment = std::move(attachment);
  LinkTraceTree(tree);
}

}  // namespace weft::query
