// Exact-duplicate detection for spans: a content hash and an equality over every field of a span
// together with its resource and scope. Clients retry, collectors fan in twice and the embedded
// store's head and WAL replay can hand the same span over more than once; compaction drops such
// copies. Spans that only share trace id and span id (Zipkin's shared client/server spans) differ
// in content and are never treated as duplicates.
// Thread rule: pure functions; safe from any thread on batches nobody is modifying.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/span_batch.h"

namespace weft::storage {

// A hash of every field of `span` (ids, trace state, flags, name, kind, times, attributes with
// their values by type — nested arrays and key-value lists included —, dropped counts, events,
// links, status) and of the content of its resource and scope (not their indexes). Spans for which
// SameSpanContent is true hash equally. The value is for in-process use only (the seed differs
// between processes): never store it.
uint64_t SpanContentHash(const SpanBatch& batch, const Span& span);

// True when `a` (of `a_batch`) and `b` (of `b_batch`) are equal in every field SpanContentHash
// covers. Doubles compare by bit pattern (a NaN equals the same NaN; 0.0 differs from -0.0).
bool SameSpanContent(const SpanBatch& a_batch, const Span& a, const SpanBatch& b_batch,
                     const Span& b);

// Removes every span that is an exact duplicate of an earlier span of `batch`, keeping the first
// copy and the order of the rest; returns how many were removed. O(spans) expected time. Resources
// and scopes stay.
size_t DropExactDuplicates(SpanBatch& batch);

}  // namespace weft::storage
