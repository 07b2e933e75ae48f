// The SDK's internal exporter interface: a batch of finished SpanRecords goes out (OTLP, console,
// memory). Public weft::SpanExporter objects wrap one of these (public_adapters.h).
// Thread rule: a processor calls Export from one thread at a time; Shutdown from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sdk/span_record.h"

namespace weft {
inline namespace v1 {
namespace detail {

using Deadline = std::chrono::steady_clock::time_point;

enum class ExportResult : uint8_t {
  kSuccess,
  kFailure,  // the batch is lost (after retries, or not retryable)
  kPending,  // taken (already encoded); the outcome goes to the ExportListener later
};

// Told the outcome of exports that returned kPending. Called from the exporter's own thread.
class ExportListener {
 public:
  virtual ~ExportListener() = default;
  virtual void OnExportDone(size_t spans, bool ok) = 0;
};

class ExporterImpl {
 public:
  virtual ~ExporterImpl() = default;
  // With a listener, an exporter may pipeline: encode in Export, send on its own thread, and
  // return kPending (so the next batch is encoded while this one is on the wire). Without one,
  // every Export is synchronous. Called once, before the first Export.
  virtual void SetListener(ExportListener* listener) {}
  // Waits for pending exports to finish; false when `deadline` passed first. Thread-safe.
  virtual bool Flush(Deadline deadline) { return true; }
  // Exports `records` (all ended). Must return by `deadline`. The records stay owned by the
  // caller and are valid only during the call.
  virtual ExportResult Export(std::span<SpanRecord* const> records, Deadline deadline) = 0;
  // After Shutdown, Export fails fast. May be called while Export runs on another thread: the
  // running Export then stops retrying and returns as soon as it can (an HTTP exchange already
  // in flight still runs to its own deadline).
  virtual void Shutdown(Deadline deadline) {}
};

}  // namespace detail
}  // namespace v1
}  // namespace weft
