// The batching span processor: ended spans go into a bounded lock-free ring (full: dropped and
// counted, the application never blocks); one thread exports them in batches of up to
// max_export_batch_size, when a batch is full, after schedule_delay, or on ForceFlush.
// Thread rule: OnEnd from any thread; ForceFlush/Shutdown from any thread (serialised).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "sdk/exporter_impl.h"
#include "sdk/processor_impl.h"

namespace weft {
inline namespace v1 {
namespace detail {

struct BatchConfig {
  uint32_t max_queue_size = 65536;
  std::chrono::milliseconds schedule_delay{1000};
  uint32_t max_export_batch_size = 2048;
  std::chrono::milliseconds export_timeout{30000};
};

std::unique_ptr<ProcessorImpl> MakeBatchProcessor(std::unique_ptr<ExporterImpl> exporter,
                                                  const BatchConfig& config);
std::unique_ptr<ProcessorImpl> MakeSimpleProcessor(std::unique_ptr<ExporterImpl> exporter);

}  // namespace detail
}  // namespace v1
}  // namespace weft
