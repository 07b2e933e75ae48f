// A process-wide pool of SpanRecords: each thread keeps a small free list and refills it from
// (or spills it to) a shared stack in batches, so that acquiring and releasing a record is a
// pointer pop/push in steady state and never allocates once warm.
// Thread rule: all functions are thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "sdk/span_record.h"

namespace weft {
inline namespace v1 {
namespace detail {

// A reset record (allocated only when the pool is empty).
SpanRecord* AcquireRecord();
// Returns records to the pool (resetting them). Records whose buffers grew unusually large
// give that memory back first.
void ReleaseRecord(SpanRecord* record);
void ReleaseRecords(std::span<SpanRecord* const> records);

// For tests and benchmarks: records ever allocated.
size_t RecordsAllocated();

}  // namespace detail
}  // namespace v1
}  // namespace weft
