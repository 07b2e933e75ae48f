// The public factories of exporters.h (processors, exporters) over the internal interfaces, and
// the in-memory exporter, which copies records into public SpanData values.
// Thread rule: factories are thread-safe; the in-memory exporter appends under InMemorySpans'
// mutex.
#include <cstdio>

#include "sdk/batch_processor.h"
#include "sdk/exporter_factories.h"
#include "sdk/tracer_core.h"
#include "weft/exporters.h"

namespace weft {
inline namespace v1 {
namespace {

using detail::AttrSlot;
using detail::SpanRecord;

std::unique_ptr<detail::ExporterImpl> TakeImpl(std::unique_ptr<SpanExporter> exporter) {
  auto* holder = dynamic_cast<ExporterHolder*>(exporter.get());
  if (holder == nullptr || holder->impl == nullptr) {
    std::fprintf(stderr,
                 "weft sdk: exporter not made by weft's factories; spans will be dropped\n");
    return nullptr;
  }
  return std::move(holder->impl);
}

// Accepts and forgets everything: stands in for a missing exporter.
class NullExporter final : public detail::ExporterImpl {
 public:
  detail::ExportResult Export(std::span<SpanRecord* const>, detail::Deadline) override {
    return detail::ExportResult::kSuccess;
  }
};

SystemTime FromNanos(uint64_t ns) {
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(std::chrono::nanoseconds(ns)));
}

OwnedAttribute ToOwned(const SpanRecord& r, const AttrSlot& s) {
  const std::string_view key = r.View(s.key);
  switch (s.type) {
    case detail::AttrType::kBool:
      return OwnedAttribute(key, s.b);
    case detail::AttrType::kInt:
      return OwnedAttribute(key, s.i);
    case detail::AttrType::kDouble:
      return OwnedAttribute(key, s.d);
    case detail::AttrType::kString:
      return OwnedAttribute(key, r.View(s.s));
  }
  return {};
}

std::vector<OwnedAttribute> ToOwned(const SpanRecord& r, const detail::PodVec<AttrSlot>& slots,
                                    uint32_t begin, uint32_t count) {
  std::vector<OwnedAttribute> out;
  detail::ForEachLatest(r.bytes, slots.data() + begin, count,
                        [&](const AttrSlot& s) { out.push_back(ToOwned(r, s)); });
  return out;
}

SpanData ToSpanData(const SpanRecord& r) {
  SpanData d;
  d.context.trace_id.bytes = r.trace_id;
  d.context.span_id.bytes = r.span_id;
  d.context.trace_flags = r.flags;
  d.context.trace_state = std::string(r.View(r.trace_state));
  if (r.has_parent) d.parent_span_id.bytes = r.parent_span_id;
  d.parent_remote = r.parent_remote;
  d.name = std::string(r.View(r.name));
  d.kind = static_cast<SpanKind>(r.kind);
  d.start_time = FromNanos(r.StartNanos());
  d.end_time = FromNanos(r.EndNanos());
  d.attributes = ToOwned(r, r.attrs, 0, static_cast<uint32_t>(r.attrs.size()));
  for (const detail::EventSlot& e : r.events) {
    d.events.push_back({std::string(r.View(e.name)), FromNanos(e.time_ns),
                        ToOwned(r, r.event_attrs, e.attr_begin, e.attr_count), e.dropped_attrs});
  }
  for (const detail::LinkSlot& l : r.links) {
    SpanData::LinkData link;
    link.context.trace_id.bytes = l.trace_id;
    link.context.span_id.bytes = l.span_id;
    link.context.trace_flags = l.flags;
    link.context.remote = l.remote;
    link.context.trace_state = std::string(r.View(l.trace_state));
    link.attributes = ToOwned(r, r.link_attrs, l.attr_begin, l.attr_count);
    link.dropped_attributes = l.dropped_attrs;
    d.links.push_back(std::move(link));
  }
  d.status = static_cast<StatusCode>(r.status);
  d.status_message = std::string(r.View(r.status_message));
  d.dropped_attributes = r.dropped_attrs;
  d.dropped_events = r.dropped_events;
  d.dropped_links = r.dropped_links;
  if (r.scope != nullptr) {
    d.scope_name = r.scope->name;
    d.scope_version = r.scope->version;
  }
  return d;
}

class InMemoryExporterImpl final : public detail::ExporterImpl {
 public:
  explicit InMemoryExporterImpl(std::shared_ptr<InMemorySpans> sink) : sink_(std::move(sink)) {}
  detail::ExportResult Export(std::span<SpanRecord* const> records, detail::Deadline) override {
    std::vector<SpanData> spans;
    spans.reserve(records.size());
    for (const SpanRecord* r : records) spans.push_back(ToSpanData(*r));
    sink_->Add(std::move(spans));
    return detail::ExportResult::kSuccess;
  }

 private:
  std::shared_ptr<InMemorySpans> sink_;
};

std::unique_ptr<detail::ExporterImpl> OrNull(std::unique_ptr<detail::ExporterImpl> impl) {
  if (impl == nullptr) return std::make_unique<NullExporter>();
  return impl;
}

}  // namespace

std::unique_ptr<SpanProcessor> SimpleProcessor(std::unique_ptr<SpanExporter> exporter) {
  return std::make_unique<ProcessorHolder>(
      detail::MakeSimpleProcessor(OrNull(TakeImpl(std::move(exporter)))));
}

std::unique_ptr<SpanProcessor> BatchProcessor(std::unique_ptr<SpanExporter> exporter,
                                              const BatchOptions& options) {
  detail::BatchConfig config;
  config.max_queue_size = options.max_queue_size;
  config.schedule_delay = options.schedule_delay;
  config.max_export_batch_size = options.max_export_batch_size;
  config.export_timeout = options.export_timeout;
  return std::make_unique<ProcessorHolder>(
      detail::MakeBatchProcessor(OrNull(TakeImpl(std::move(exporter))), config));
}

std::unique_ptr<SpanExporter> OtlpExporter(const OtlpExporterOptions& options) {
  detail::OtlpConfig config;
  config.grpc = options.protocol == OtlpExporterOptions::Protocol::kGrpc;
  config.json = options.protocol == OtlpExporterOptions::Protocol::kHttpJson;
  config.endpoint = options.endpoint;
  if (config.endpoint.empty()) {
    config.endpoint = config.grpc ? "http://localhost:4317" : "http://localhost:4318/v1/traces";
  }
  config.headers = options.headers;
  config.timeout = options.timeout;
  config.gzip = options.gzip;
  config.max_attempts = options.max_attempts;
  config.initial_backoff = options.initial_backoff;
  config.max_backoff = options.max_backoff;
  config.max_response_bytes = options.max_response_bytes;
  std::unique_ptr<detail::ExporterImpl> impl =
      config.grpc ? detail::MakeOtlpGrpcExporter(config) : detail::MakeOtlpHttpExporter(config);
  if (impl == nullptr) {
    std::fprintf(stderr, "weft sdk: OTLP exporter for %s could not be built; spans are dropped\n",
                 config.endpoint.c_str());
  }
  return std::make_unique<ExporterHolder>(OrNull(std::move(impl)));
}

std::unique_ptr<SpanExporter> ConsoleExporter(std::FILE* out) {
  return std::make_unique<ExporterHolder>(detail::MakeConsoleExporter(out));
}

std::unique_ptr<SpanExporter> InMemoryExporter(std::shared_ptr<InMemorySpans> sink) {
  return std::make_unique<ExporterHolder>(std::make_unique<InMemoryExporterImpl>(std::move(sink)));
}

}  // namespace v1
}  // namespace weft
