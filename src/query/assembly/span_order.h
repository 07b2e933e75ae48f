// The order assembly puts a trace's spans in: by start time, then span id, then (for the two
// halves of a Zipkin shared span starting together) CLIENT before SERVER, then end time; spans
// equal in all of these keep their input order. Every index in an AssembledTrace is a position in
// this order.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/span.h"
#include "model/span_batch.h"

namespace weft::query {

// True when `a` comes before `b` in assembly order.
bool StartsBefore(const Span& a, const Span& b);

// The permutation that sorts `spans`: position j of the result holds the index in `spans` of the
// span that belongs at j.
std::vector<uint32_t> StartOrder(std::span<const Span> spans);

// True when `order` is 0, 1, 2, ...
bool IsIdentityOrder(std::span<const uint32_t> order);

// Rearranges the spans of `batch` so that position j holds the span that was at order[j].
// REQUIRES: `order` is a permutation of [0, batch.size()).
void ReorderSpans(SpanBatch& batch, std::span<const uint32_t> order);

}  // namespace weft::query
