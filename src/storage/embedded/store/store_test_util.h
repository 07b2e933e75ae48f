// Test helpers for the embedded store: a fresh data directory per test, options with the OTLP
// WAL codec, synchronous writes, and the expected span ids of generated traces.
// Thread rule: helpers are called from the test thread.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/span_batch.h"
#include "storage/embedded/store/embedded_store.h"

namespace weft::storage::embedded::testing {

// A new empty directory under the test temp dir (removed first if it exists).
std::string FreshDir(const std::string& name);

// Options for a store in `dir` with the OTLP codec and no background thread.
EmbeddedStoreOptions TestOptions(const std::string& dir);

// Writes and waits; returns the write's status.
absl::Status WriteSync(SpanStore& store, std::string_view tenant, std::unique_ptr<SpanBatch> batch);

// trace id (hex) -> set of span ids (hex) of every span of `batch`.
using SpanIdsByTrace = std::map<std::string, std::multiset<std::string>>;
void CollectIds(const SpanBatch& batch, SpanIdsByTrace& out);

// `count` realistic spans (whole traces, unique ids per seed).
std::unique_ptr<SpanBatch> Generated(uint64_t seed, size_t count, uint64_t start_unix_nanos = 0);

}  // namespace weft::storage::embedded::testing
