// The storage interface every backend implements (memory now; embedded and ClickHouse later):
// SpanWriter takes decoded batches durably, TraceReader answers trace-by-ID, SpanFetcher
// (span_fetcher.h) is the pushed-down search scan. A backend passes the conformance suite in
// storage/conformance. Thread rule: every method of every implementation is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/ids.h"
#include "model/span_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage {

// The tenant used when a request names none (Tempo's convention).
inline constexpr std::string_view kDefaultTenant = "single-tenant";

// Called exactly once when a write is durable (OK) or has failed. It may run on the calling
// thread before Write returns, or later on a storage thread: it must not block.
using WriteDone = absl::AnyInvocable<void(absl::Status) &&>;

class SpanWriter {
 public:
  virtual ~SpanWriter() = default;

  // Stores every span of `batch` for `tenant`. `done` reports OK only once the spans will survive
  // a crash (for durable backends) — receivers acknowledge clients only then. Errors:
  // Unavailable / ResourceExhausted when the store is full or cannot keep up (retryable).
  virtual void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch, WriteDone done) = 0;
};

class TraceReader {
 public:
  virtual ~TraceReader() = default;

  // Every stored span of the trace, in no particular order, duplicates included (assembly is the
  // query layer's job). An unknown trace is an empty batch, not an error.
  virtual absl::StatusOr<std::unique_ptr<SpanBatch>> GetTrace(std::string_view tenant,
                                                              const TraceId& trace_id) = 0;
};

// A backend is all three.
class SpanStore : public SpanWriter, public TraceReader, public SpanFetcher {};

}  // namespace weft::storage
