// AssembleTrace: the jigsaw. Given every span found for one trace id — from many services, in any
// order, possibly with exact duplicates (at-least-once delivery, WAL replay), possibly without
// some parents, possibly skewed by host clocks — it builds the AssembledTrace
// (assembled_trace.h):
//   1. copy (or adopt) the spans and drop exact duplicates (storage/span_identity.h), counting
//      them;
//   2. sort them by start time (ties: span id; span_order.h);
//   3. build the tree by parent span id (trace_tree.h: orphans, several roots, Zipkin shared
//      spans, cycles);
//   4. if options.adjust_clock_skew, shift spans that only clock skew explains (clock_skew.h) and
//      sort again;
//   5. derive self times (self_time.h), the critical path (critical_path.h) and the overview
//      (trace_overview.h).
// Nothing recurses: a 100,000-deep chain is fine. A 10,008-span trace takes about 11 ms when
// copied, 4.5 ms when adopted, most of it copying and hashing spans (bench/assembly_bench.cc).
//
// Spans of other trace ids are not filtered out: the caller passes one trace's spans.
// Thread rule: pure functions; concurrent calls on the same const input are safe.
#pragma once

#include "model/span_batch.h"
#include "query/assembly/assembled_trace.h"
#include "query/assembly/assembly_options.h"

namespace weft::query {

// Deep-copies `spans` into the result; the input may be dropped afterwards.
AssembledTrace AssembleTrace(const SpanBatch& spans, const AssemblyOptions& options = {});

// Takes over `spans` (no copy): for callers that fetched a batch only to assemble it.
AssembledTrace AssembleTrace(SpanBatch&& spans, const AssemblyOptions& options = {});

}  // namespace weft::query
