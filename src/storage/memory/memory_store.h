// The bounded in-memory backend (`--storage memory`, like Jaeger's): whole written batches kept
// in write order and indexed per tenant by trace ID; once their bytes exceed `max_bytes` the
// oldest batches are evicted first (so an old trace may lose some spans before others). Real
// option for tests and demos; holds nothing across restarts; Write completes inline.
// Thread rule: all methods thread-safe (one reader/writer mutex held only for index updates and
// lookups; GetTrace deep-copies spans after releasing it).
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
