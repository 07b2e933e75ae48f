// Test helpers for the block tests: a scratch directory, deep comparison of spans (every field,
// with their resource and scope), and hand-made edge-case traces.
// Thread rule: test code, single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <stdlib.h>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"
#include "model/span_batch.h"

namespace weft::storage::embedded::testing {

// A fresh directory under the test temp dir, removed (with its files) at destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Empty when the two spans (with their resources and scopes) are equal in every field;
// otherwise a description of the first difference.
std::string DiffSpans(const SpanBatch& a, const Span& sa, const SpanBatch& b, const Span& sb);

// The spans of `batch` grouped by trace id, each group in batch order.
absl::flat_hash_map<TraceId, std::vector<uint32_t>, IdHash> GroupByTrace(const SpanBatch& batch);

// Expects `actual` to hold exactly the spans of `expected` at `indexes`, in that order.
void ExpectSameSpans(const SpanBatch& expected, const std::vector<uint32_t>& indexes,
                     const SpanBatch& actual);

// A batch of hand-made traces covering the corners of the model: empty strings and values,
// huge values, unicode, nested arrays and maps, bytes, NaN and extreme numbers, duplicate keys,
// dropped counts, flags, trace states, schema urls, events and links with attributes, parents
// outside the trace and after their children, shared span ids, end before start, resources
// without service.name.
std::unique_ptr<SpanBatch> EdgeCaseBatch();

// One trace of `spans` spans (a chain and fan-out of children under one root).
std::unique_ptr<SpanBatch> LargeTrace(uint32_t spans, uint64_t seed);

}  // namespace weft::storage::embedded::testing
