// Starting spans (Tracer, TracerCore::Start), the current context (Scope, Context::Current),
// the scope registry, TracerProvider and the global provider.
// Thread rule: the current context is thread_local; the global provider is an atomic pointer;
// the scope registry is mutex-guarded (used only when tracers are created).
#include <utility>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

#include "sdk/fast_clock.h"
#include "sdk/record_pool.h"
#include "sdk/thread_state.h"
#include "sdk/tracer_core.h"
#include "weft/exporters.h"
#include "weft/trace.h"

namespace weft {
inline namespace v1 {
namespace {

std::atomic<detail::TracerCore*> g_core{nullptr};
std::atomic<TracerProvider*> g_provider{nullptr};

uint64_t ToNanos(SystemTime t) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

}  // namespace

namespace detail {

const ScopeInfo* InternScope(std::string_view name, std::string_view version) {
  static std::mutex* mutex = new std::mutex();
  // Leaked on purpose: tracers (and records) may point at scopes until the process exits.
  static auto* scopes =
      new std::map<std::pair<std::string, std::string>, ScopeInfo*, std::less<>>();
  std::lock_guard lock(*mutex);
  auto key = std::make_pair(std::string(name), std::string(version));
  auto it = scopes->find(key);
  if (it != scopes->end()) return it->second;
  auto* info = new ScopeInfo{key.first, key.second};
  scopes->emplace(std::move(key), info);
  return info;
}

TracerCore::TracerCore(TracerProviderOptions options)
    : resource(std::move(options.resource)),
      sampler(std::move(options.sampler)),
      processors(std::move(options.processors)),
      limits(options.limits) {
  if (resource.Find("service.name") == nullptr) resource.Set("service.name", "unknown_service");
  if (resource.Find("telemetry.sdk.name") == nullptr) {
    resource.Set("telemetry.sdk.name", "weft");
    resource.Set("telemetry.sdk.language", "cpp");
    resource.Set("telemetry.sdk.version", "0.1.0");
  }
  for (const OwnedAttribute& a : resource.attributes) {
    AttributeValue v = a.type == AttributeValue::Type::kBool     ? AttributeValue(a.bool_value)
                       : a.type == AttributeValue::Type::kInt    ? AttributeValue(a.int_value)
                       : a.type == AttributeValue::Type::kDouble ? AttributeValue(a.double_value)
                                                                 : AttributeValue(a.string_value);
    FillSlot(resource_attrs.attrs.emplace_back(), resource_attrs.bytes, a.key, v, UINT32_MAX);
  }
  if (sampler == nullptr) sampler = ParentBasedSampler(AlwaysOnSampler());
  for (auto& p : processors) {
    auto* holder = dynamic_cast<ProcessorHolder*>(p.get());
    if (holder == nullptr || holder->impl == nullptr) {
      std::fprintf(stderr, "weft sdk: ignoring a processor not made by weft's factories\n");
      continue;
    }
    impls.push_back(holder->impl.get());
  }
  if (impls.size() == 1) single = impls[0];
  const std::string description = sampler->Description();
  if (description == "AlwaysOnSampler") fast_sampler = FastSampler::kAlwaysOn;
  if (description == "ParentBased{root:AlwaysOnSampler}") {
    fast_sampler = FastSampler::kParentBasedAlwaysOn;
  }
}

Span TracerCore::Start(const ScopeInfo* scope, std::string_view name, const SpanOptions& options) {
  const SpanContext* parent = nullptr;
  if (options.parent != nullptr) {
    if (options.parent->span_context.valid()) parent = &options.parent->span_context;
  } else if (!options.root && detail::t_state.current != nullptr &&
             detail::t_state.current->span_context.valid()) {
    parent = &detail::t_state.current->span_context;
  }
  Span span;
  SpanContext& sc = span.context_;
  uint8_t flags;
  if (parent != nullptr) {
    sc.trace_id = parent->trace_id;
    flags = parent->trace_flags & kTraceFlagRandom;
  } else {
    uint64_t hi, lo;
    do {
      hi = NextRandom();
      lo = NextRandom();
    } while ((hi | lo) == 0);
    std::memcpy(sc.trace_id.bytes.data(), &hi, 8);
    std::memcpy(sc.trace_id.bytes.data() + 8, &lo, 8);
    flags = kTraceFlagRandom;
  }
  uint64_t sid;
  do {
    sid = NextRandom();
  } while (sid == 0);
  std::memcpy(sc.span_id.bytes.data(), &sid, 8);

  bool sample;
  if (fast_sampler == FastSampler::kAlwaysOn) {
    sample = true;
  } else if (fast_sampler == FastSampler::kParentBasedAlwaysOn) {
    sample = parent == nullptr || parent->sampled();
  } else {
    const Attribute* attrs = options.attributes.begin();
    const SamplingParams params{parent, sc.trace_id, name, options.kind,
                                std::span<const Attribute>(attrs, options.attributes.size())};
    sample = sampler->ShouldSample(params) == SamplingDecision::kRecordAndSample;
  }
  if (!sample) {
    sc.trace_flags = flags;
    if (parent != nullptr && !parent->trace_state.empty()) sc.trace_state = parent->trace_state;
    return span;
  }
  flags |= kTraceFlagSampled;
  sc.trace_flags = flags;

  SpanRecord* r = AcquireRecord();
  if (options.start_time == SystemTime{}) {
    r->start_ns = NowTicks();
    r->start_in_ticks = true;
  } else {
    r->start_ns = ToNanos(options.start_time);
  }
  r->trace_id = sc.trace_id.bytes;
  r->span_id = sc.span_id.bytes;
  r->flags = flags;
  r->kind = static_cast<uint8_t>(options.kind);
  r->scope = scope;
  r->resource = &resource_attrs;
  r->core = this;
  r->name = r->Append(name);
  if (parent != nullptr) {
    r->parent_span_id = parent->span_id.bytes;
    r->has_parent = true;
    r->parent_remote = parent->remote;
    if (!parent->trace_state.empty()) {
      sc.trace_state = parent->trace_state;
      r->has_cold = true;
      r->trace_state = r->Append(parent->trace_state);
    }
  }
  span.record_ = r;
  for (const Attribute& a : options.attributes) span.DoSetAttribute(a.key, a.value);
  for (const Link& l : options.links) span.DoAddLink(l.context, l.attributes);
  return span;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

Span Span::NonRecording(const SpanContext& context) {
  Span span;
  span.context_ = context;
  return span;
}

Span Tracer::StartSpan(std::string_view name, const SpanOptions& options) const {
  detail::TracerCore* core =
      provider_ != nullptr ? provider_ : g_core.load(std::memory_order_acquire);
  if (core == nullptr || core->shut_down.load(std::memory_order_relaxed)) [[unlikely]] {
    // No SDK: a non-recording span that carries its parent's context (explicit or current), as
    // the OpenTelemetry API does, so a service without a provider still relays the trace.
    const Context* parent = options.parent;
    if (parent == nullptr && !options.root) parent = detail::t_state.current;
    if (parent == nullptr || !parent->span_context.valid()) return Span();
    return Span::NonRecording(parent->span_context);
  }
  return core->Start(static_cast<const detail::ScopeInfo*>(scope_), name, options);
}

bool Tracer::Enabled() const {
  detail::TracerCore* core =
      provider_ != nullptr ? provider_ : g_core.load(std::memory_order_acquire);
  return core != nullptr && !core->shut_down.load(std::memory_order_relaxed);
}

Tracer GetTracer(std::string_view scope_name, std::string_view scope_version) {
  Tracer tracer;
  tracer.scope_ = detail::InternScope(scope_name, scope_version);
  return tracer;
}

Context Context::Current() {
  return detail::t_state.current != nullptr ? *detail::t_state.current : Context();
}

Scope::Scope(const Span& span)
    : context_(span.Context(),
               detail::t_state.current != nullptr ? detail::t_state.current->baggage : Baggage()),
      previous_(detail::t_state.current) {
  detail::t_state.current = &context_;
}

Scope::Scope(const Context& context) : context_(context), previous_(detail::t_state.current) {
  detail::t_state.current = &context_;
}

Scope::~Scope() { detail::t_state.current = previous_; }

// ---------------------------------------------------------------------------------------------

TracerProvider::TracerProvider(TracerProviderOptions options)
    : core_(std::make_unique<detail::TracerCore>(std::move(options))) {}

TracerProvider::~TracerProvider() {
  if (g_provider.load() == this) SetGlobalTracerProvider(nullptr);
  Shutdown();
}

Tracer TracerProvider::GetTracer(std::string_view scope_name, std::string_view scope_version) {
  Tracer tracer;
  tracer.scope_ = detail::InternScope(scope_name, scope_version);
  tracer.provider_ = core_.get();
  return tracer;
}

bool TracerProvider::ForceFlush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (detail::ProcessorImpl* p : core_->impls) ok = p->ForceFlush(deadline) && ok;
  return ok;
}

bool TracerProvider::Shutdown(std::chrono::milliseconds timeout) {
  if (core_->shut_down.exchange(true)) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (detail::ProcessorImpl* p : core_->impls) ok = p->Shutdown(deadline) && ok;
  const ProviderStats stats = Stats();
  if (stats.spans_dropped > 0) {
    std::fprintf(stderr,
                 "weft sdk: %llu spans dropped (queue full or export failed), %llu exported\n",
                 static_cast<unsigned long long>(stats.spans_dropped),
                 static_cast<unsigned long long>(stats.spans_exported));
  }
  return ok;
}

ProviderStats TracerProvider::Stats() const {
  ProviderStats stats;
  for (detail::ProcessorImpl* p : core_->impls) {
    const detail::ProcessorCounters c = p->Counters();
    stats.spans_dropped += c.dropped;
    stats.spans_exported += c.exported;
  }
  return stats;
}

const Resource& TracerProvider::resource() const { return core_->resource; }

void SetGlobalTracerProvider(TracerProvider* provider) {
  g_core.store(provider != nullptr ? provider->core_.get() : nullptr, std::memory_order_release);
  g_provider.store(provider, std::memory_order_release);
}

TracerProvider* GetGlobalTracerProvider() { return g_provider.load(std::memory_order_acquire); }

}  // namespace v1
}  // namespace weft
