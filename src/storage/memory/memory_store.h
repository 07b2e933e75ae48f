// The bounded in-memory backend (`--storage memory`, like Jaeger's): whole written batches kept
// in write order and indexed per tenant by trace ID, by trace start time and by service and
// operation; once their bytes exceed `max_bytes` the oldest batches are evicted first (so an old
// trace may lose some spans before others). Real option for tests and demos; holds nothing across
// restarts; Write completes inline; exact duplicates are kept (and counted by Fetch).
// Fetch walks a tenant's traces newest first and stops at `limit` matches, so its memory is
// bounded by the limit, not by the number of matches; it has no statistics to prune with, so a
// selective filter evaluates every span in the time range.
// Thread rule: all methods thread-safe. One reader/writer mutex is held only for index updates
// and lookups: GetTrace deep-copies spans after releasing it, and Fetch copies a few dozen
// traces' index entries at a time and evaluates them unlocked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "storage/span_store.h"

namespace weft::storage {

struct MemoryStoreOptions {
  // Bytes of stored batches (SpanBatch::MemoryBytes plus index entries) before the oldest are
  // evicted. A single batch larger than this is refused with ResourceExhausted.
  size_t max_bytes = size_t{1} << 30;
};

struct MemoryStoreStats {
  uint64_t spans = 0;            // stored now
  uint64_t traces = 0;           // distinct (tenant, trace id) pairs stored now
  uint64_t bytes = 0;            // charged against max_bytes now
  uint64_t evicted_batches = 0;  // since creation
};

std::unique_ptr<SpanStore> NewMemoryStore(const MemoryStoreOptions& options = {});

// Stats of a store made by NewMemoryStore; all zeros for any other SpanStore.
MemoryStoreStats GetMemoryStoreStats(const SpanStore& store);

}  // namespace weft::storage
