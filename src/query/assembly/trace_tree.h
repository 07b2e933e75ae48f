// TraceTree: the parent/child structure of one trace's spans, built from their parent span ids.
// It tolerates everything real traces do: spans whose parent never arrived (kept as orphan
// roots), several true roots, Zipkin shared span ids, and cycles in malicious input (broken, with
// a warning). Every walk is iterative, so a 100,000-deep chain needs no deep stack.
//
// Zipkin shared spans. Zipkin (B3) lets a CLIENT and the SERVER it called record the same span
// id, both naming the caller's span as parent. The rule here: when a span id is carried by a
// CLIENT span and a SERVER span, every SERVER span of that id becomes a child of the first CLIENT
// span of that id (kSharedServer), and spans naming that id as their parent attach to the first
// SERVER span (the work it names was done by the callee). Any other span id carried by several
// (non-identical) spans is ambiguous: children attach to the first of them in span order, each of
// them attaches to its own parent, and a kSharedSpanId warning says so.
//
// Cycles. When a chain of parents leads back to where it started (A's parent is B, B's is A, or a
// span is its own parent), the cycle's earliest span in span order is detached from its parent
// and becomes a root (kCycleBroken), with a kCycleBroken warning.
//
// Thread rule: plain data; safe to read concurrently once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/ids.h"
#include "model/span.h"
#include "query/assembly/assembly_warning.h"

namespace weft::query {

// "No span": the parent of a root.
inline constexpr uint32_t kNoSpan = UINT32_MAX;

// How a span got its place in the tree.
enum class Attachment : uint8_t {
  kChild,         // under the span its parent_span_id names
  kSharedServer,  // SERVER half of a Zipkin shared span, under the CLIENT half
  kRoot,          // no parent span id: a true root
  kOrphan,        // its parent span id names a span that is not in the trace
  kCycleBroken,   // detached from its parent to break a cycle
};

// "child", "shared_server", "root", "orphan", "cycle_broken".
std::string_view AttachmentName(Attachment attachment);

struct TraceTree {
  // Per span, at the spans' indexes:
  std::vector<uint32_t> parent;  // kNoSpan for every root
  std::vector<Attachment> attachment;
  std::vector<uint32_t> depth;  // 0 for roots
  // The children of span i are child_spans[child_begin[i] .. child_begin[i + 1]), in span order.
  std::vector<uint32_t> child_begin;
  std::vector<uint32_t> child_spans;
  // Every span without a parent (true roots, orphans, broken cycles), in span order.
  std::vector<uint32_t> roots;
  // All spans depth-first from the roots, children in span order: a parent comes before its
  // descendants, and a subtree is contiguous.
  std::vector<uint32_t> preorder;
  uint32_t true_root_count = 0;  // roots with attachment kRoot
  // Parent span ids that no span of the trace carries: sorted, without repeats.
  std::vector<SpanId> missing_parent_ids;
  std::vector<AssemblyWarning> warnings;

  size_t size() const { return parent.size(); }
  std::span<const uint32_t> children(uint32_t span) const {
    return std::span<const uint32_t>(child_spans)
        .subspan(child_begin[span], child_begin[span + 1] - child_begin[span]);
  }
};

// Builds the tree of `spans`. The order of `spans` is "span order" above (AssembleTrace passes
// them in StartsBefore order, span_order.h). O(spans) expected time.
TraceTree BuildTraceTree(std::span<const Span> spans);

// Recomputes depth, child lists, roots, preorder and true_root_count from `parent` and
// `attachment`. REQUIRES: following `parent` from any span reaches a root.
void LinkTraceTree(TraceTree& tree);

// Renumbers the tree after its spans were reordered: new index j is the span that had index
// order[j] (span_order.h's ReorderSpans with the same `order`). Warnings and missing parent ids
// name span ids and stay as they are.
void PermuteTraceTree(TraceTree& tree, std::span<const uint32_t> order);

}  // namespace weft::query
