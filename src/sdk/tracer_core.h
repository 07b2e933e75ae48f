// TracerCore: what a TracerProvider is behind the public header — resource, sampler, limits and
// processors — plus the hand-off of ended spans to processors. Also the public <-> internal
// adapters (processor/exporter holders) and the scope registry.
// Thread rule: immutable after construction except `shut_down` (atomic); OnEnd is called from
// any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "sdk/exporter_impl.h"
#include "sdk/processor_impl.h"
#include "sdk/span_record.h"
#include "weft/provider.h"

namespace weft {
inline namespace v1 {

// The public processor/exporter objects are these holders around the internal interfaces.
class ProcessorHolder final : public SpanProcessor {
 public:
  explicit ProcessorHolder(std::unique_ptr<detail::ProcessorImpl> p) : impl(std::move(p)) {}
  std::unique_ptr<detail::ProcessorImpl> impl;
};
class ExporterHolder final : public SpanExporter {
 public:
  explicit ExporterHolder(std::unique_ptr<detail::ExporterImpl> e) : impl(std::move(e)) {}
  std::unique_ptr<detail::ExporterImpl> impl;
};

namespace detail {

struct TracerCore {
  explicit TracerCore(TracerProviderOptions options);

  Resource resource;
  AttrList resource_attrs;  // the resource in record form, for exporters
  std::unique_ptr<Sampler> sampler;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  std::vector<ProcessorImpl*> impls;
  SpanLimits limits;
  std::atomic<bool> shut_down{false};
  // Hot-path shortcuts, decided once: the default samplers need no virtual calls, and one
  // processor (the usual case) needs no reference count.
  enum class FastSampler : uint8_t { kNone, kAlwaysOn, kParentBasedAlwaysOn };
  FastSampler fast_sampler = FastSampler::kNone;
  ProcessorImpl* single = nullptr;

  Span Start(const ScopeInfo* scope, std::string_view name, const SpanOptions& options);
  void OnEnd(SpanRecord* record) {
    if (single != nullptr) {
      record->holders.store(1, std::memory_order_relaxed);
      single->OnEnd(record);
      return;
    }
    const size_t n = impls.size();
    if (n == 0) {
      ReleaseRecord(record);
      return;
    }
    record->holders.store(static_cast<uint32_t>(n), std::memory_order_relaxed);
    for (ProcessorImpl* p : impls) p->OnEnd(record);
  }
};

// Interned for the process: the same (name, version) always yields the same pointer.
const ScopeInfo* InternScope(std::string_view name, std::string_view version);

// Appends `value` to `list` as an attribute slot (strings copied into `bytes`).
void FillSlot(AttrSlot& slot, ByteBuffer& bytes, std::string_view key, const AttributeValue& value,
              uint32_t max_value_length);

}  // namespace detail
}  // namespace v1
}  // namespace weft
