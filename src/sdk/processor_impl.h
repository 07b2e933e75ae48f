// The SDK's internal span processor interface: ended SpanRecords go in; a processor exports
// them (now or later) and then releases its hold on each record (ReleaseHold).
// Thread rule: OnEnd is called from application threads concurrently; ForceFlush and Shutdown
// from any thread.
#pragma once

#include <cstdint>

#include "sdk/exporter_impl.h"
#include "sdk/record_pool.h"
#include "sdk/span_record.h"

namespace weft {
inline namespace v1 {
namespace detail {

struct ProcessorCounters {
  uint64_t dropped = 0;   // queue full, or export failed
  uint64_t exported = 0;  // acknowledged by the exporter
};

class ProcessorImpl {
 public:
  virtual ~ProcessorImpl() = default;
  // Takes a hold on `record` (already counted in record->holders) and must release it with
  // ReleaseHold. Never blocks on export (the simple processor exports inline, by design).
  virtual void OnEnd(SpanRecord* record) = 0;
  virtual bool ForceFlush(Deadline deadline) = 0;
  virtual bool Shutdown(Deadline deadline) = 0;
  virtual ProcessorCounters Counters() const = 0;
};

// Drops one hold; the last holder returns the record to the pool.
inline void ReleaseHold(SpanRecord* record) {
  if (record->holders.load(std::memory_order_relaxed) == 1 ||
      record->holders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    ReleaseRecord(record);  // holders is set again when the record next ends
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
