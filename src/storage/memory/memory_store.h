// The bounded in-memory backend (`--storage memory`, like Jaeger's): traces by ID per tenant,
// oldest traces evicted first once `max_bytes` is exceeded. Real option for tests and demos; holds
// nothing across restarts. Thread rule: all methods thread-safe (one mutex; reads copy out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "storage/span_store.h"

namespace weft::storage {

struct MemoryStoreOptions {
  size_t max_bytes = size_t{1} << 30;  // 1 GiB of batches, then the oldest are evicted
};

struct MemoryStoreStats {
  uint64_t spans = 0;
  uint64_t traces = 0;
  uint64_t bytes = 0;
  uint64_t evicted_batches = 0;
};

std::unique_ptr<SpanStore> NewMemoryStore(const MemoryStoreOptions& options = {});

// Stats of a store made by NewMemoryStore (nullptr-safe: zeros for other stores).
MemoryStoreStats GetMemoryStoreStats(const SpanStore& store);

}  // namespace weft::storage
