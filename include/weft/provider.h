// Setting up the SDK: a TracerProvider (resource, sampler, processors, limits), the global
// provider, and weft::sdk::InitFromEnvironment() which builds one from the OTEL_* variables.
// Thread rule: TracerProvider methods are thread-safe. SetGlobalTracerProvider is meant for
// start-up and shut-down; spans started concurrently see either the old or the new provider.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weft/trace.h"

namespace weft {
// v1: the SDK's ABI version. It also keeps these types' linker names apart from the server's
// internal model types of the same names (weft::Span, weft::Resource, ...).
inline namespace v1 {

// Describes the process that produces spans (service.name, service.version, host.name, ...).
struct Resource {
  std::vector<OwnedAttribute> attributes = {};

  // Sets or replaces `key`.
  Resource& Set(std::string_view key, AttributeValue value);
  const OwnedAttribute* Find(std::string_view key) const;
};

// Per-span limits (OpenTelemetry defaults). What goes over is dropped and the dropped counts are
// exported with the span.
struct SpanLimits {
  uint32_t max_attributes = 128;
  uint32_t max_events = 128;
  uint32_t max_links = 128;
  uint32_t max_attributes_per_event = 128;
  uint32_t max_attributes_per_link = 128;
  uint32_t max_attribute_value_length = 4096;  // longer strings are truncated (UTF-8 safe)
};

// ---------------------------------------------------------------------------------------------
// Samplers (ready-made ones in exporters.h)
// ---------------------------------------------------------------------------------------------

struct SamplingParams {
  const SpanContext* parent;  // null for a new trace
  const TraceId& trace_id;
  std::string_view name;
  SpanKind kind;
  std::span<const Attribute> attributes;
};

enum class SamplingDecision : uint8_t { kDrop, kRecordAndSample };

// Decides at span start whether a span is recorded and exported. Called on the application's
// threads concurrently: implementations must be thread-safe and should be fast.
class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingDecision ShouldSample(const SamplingParams& params) const = 0;
  virtual std::string Description() const = 0;
};

// Processors and exporters are built by the factories in exporters.h; their interfaces are
// internal to the SDK.
class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;
};
class SpanExporter {
 public:
  virtual ~SpanExporter() = default;
};

// ---------------------------------------------------------------------------------------------
// TracerProvider
// ---------------------------------------------------------------------------------------------

struct TracerProviderOptions {
  Resource resource = {};                 // service.name defaults to "unknown_service"
  std::unique_ptr<Sampler> sampler = {};  // null: ParentBased(AlwaysOn)
  std::vector<std::unique_ptr<SpanProcessor>> processors = {};
  SpanLimits limits = {};
};

// Counters since the provider was built.
// (Summed over processors; the hot path keeps no shared counters.)
struct ProviderStats {
  uint64_t spans_dropped = 0;   // by processors (queue full) or failed exports
  uint64_t spans_exported = 0;  // acknowledged by exporters
};

class TracerProvider {
 public:
  explicit TracerProvider(TracerProviderOptions options);
  // Shuts down (5 s deadline) if Shutdown was not called.
  ~TracerProvider();
  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;

  // A tracer bound to this provider. REQUIRES: the provider outlives the tracer and its spans.
  Tracer GetTracer(std::string_view scope_name, std::string_view scope_version = {});

  // Exports everything ended so far; false when `timeout` passed first.
  bool ForceFlush(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Flushes, stops processors and exporters; spans started afterwards are no-ops. Idempotent.
  // Prints one stderr line when spans were dropped.
  bool Shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  ProviderStats Stats() const;
  const Resource& resource() const;

 private:
  friend void SetGlobalTracerProvider(TracerProvider* provider);
  std::unique_ptr<detail::TracerCore> core_;
};

// The provider weft::GetTracer() tracers use; not owned. nullptr turns tracing off.
// REQUIRES: the provider outlives its time as the global one and every span started from it.
void SetGlobalTracerProvider(TracerProvider* provider);
TracerProvider* GetGlobalTracerProvider();

namespace sdk {

struct InitOptions;

// Owns the provider InitFromEnvironment built and installed as the global one. Destroying it
// (or calling Shutdown) flushes, shuts the provider down and uninstalls it.
class SdkHandle {
 public:
  SdkHandle() = default;
  SdkHandle(SdkHandle&&) noexcept;
  SdkHandle& operator=(SdkHandle&&) noexcept;
  ~SdkHandle();

  TracerProvider* provider() const { return provider_.get(); }
  explicit operator bool() const { return provider_ != nullptr; }
  bool Shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  friend SdkHandle InitFromEnvironment(const InitOptions&);
  std::unique_ptr<TracerProvider> provider_;
};

struct InitOptions {
  // Used when OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name no service.
  std::string default_service_name = "unknown_service";
  // Extra resource attributes (the environment wins on conflicts).
  Resource resource = {};
  // Also installs the global propagator from OTEL_PROPAGATORS (default tracecontext,baggage).
  bool install_propagator = true;
};

// Builds a provider from the standard environment and installs it as the global one:
//   OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
//   OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT / _PROTOCOL (http/protobuf, grpc) / _HEADERS /
//   _TIMEOUT / _COMPRESSION, OTEL_TRACES_EXPORTER (otlp, console, none), OTEL_TRACES_SAMPLER /
//   _ARG, OTEL_PROPAGATORS, OTEL_BSP_MAX_QUEUE_SIZE / _SCHEDULE_DELAY / _MAX_EXPORT_BATCH_SIZE /
//   _EXPORT_TIMEOUT.
// A bad value is reported on stderr and its default used. With OTEL_SDK_DISABLED=true the
// handle is empty and tracing stays a no-op.
SdkHandle InitFromEnvironment(const InitOptions& options = {});

}  // namespace sdk
}  // namespace v1
}  // namespace weft
