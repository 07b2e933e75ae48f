// Clock skew adjustment: moves spans whose times disagree with their parent's in a way only a
// difference between two hosts' clocks explains. Jaeger's adjuster is the model; the facts it
// rests on:
//
// - Spans of one host share a clock. A span's host ("clock domain") is its resource's `host.id`,
//   else `host.name`, else `host.ip` (a string, or the first of an array); a resource without
//   them is identified by `service.name` with `service.instance.id` (one process); a resource
//   with none of these has an unknown domain, which matches no other span's, not even another
//   unknown one.
// - Walking the tree from the roots (parents first, already adjusted), a span in the same domain
//   as its parent moves exactly as its parent moved: one clock, one correction. A span in another
//   domain is compared with its (adjusted) parent:
//     * it fits inside the parent (starts no earlier, ends no later): no shift;
//     * it lasted longer than the parent (asynchronous work, or a parent that timed out): the only
//       safe correction is to make it start no earlier than the parent, so it moves forward by
//       (parent start - span start) when it started before the parent, else it stays;
//     * otherwise it is centered inside the parent: network latency is assumed to split evenly
//       between request and response, so the span moves to start at
//       parent start + (parent duration - span duration) / 2.
//   Roots (true roots, orphans) are never moved: there is nothing to compare them with.
// - A shift moves start, end and event times by the same amount; durations never change.
//
// Every non-zero shift is recorded as a kClockSkewShifted warning (span id, shift, reason); a
// shift larger than AssemblyOptions::max_clock_skew_shift_nanos is not applied and recorded as
// kClockSkewNotApplied; the span's same-domain descendants then keep their times too (they share
// its clock, so nothing disagrees between them).
//
// Thread rule: pure function over the batch it is given.
#pragma once

#include <cstdint>
#include <vector>

#include "model/span_batch.h"
#include "query/assembly/assembly_options.h"
#include "query/assembly/assembly_warning.h"
#include "query/assembly/trace_tree.h"

namespace weft::query {

// Adjusts the times of `batch`'s spans as described above (new event arrays go into the batch's
// arena) and returns the shift applied to each span (0 when it did not move). Appends one warning
// per shifted or refused span to `warnings`. Span order is not restored: a caller relying on
// StartsBefore order must re-sort. REQUIRES: `tree` was built from `batch.spans()`.
std::vector<int64_t> AdjustClockSkew(SpanBatch& batch, const TraceTree& tree,
                                     const AssemblyOptions& options,
                                     std::vector<AssemblyWarning>& warnings);

}  // namespace weft::query
