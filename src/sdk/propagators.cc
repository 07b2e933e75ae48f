// Propagators of propagation.h over the tracecontext room's parsers and formatters (W3C
// traceparent/tracestate/baggage, B3), the carriers, and the global propagator.
// Thread rule: propagators are immutable; the global one is an atomic pointer (replaced ones
// are kept alive, since a reader may still hold them).
#include <atomic>
#include <cstdio>
#include <mutex>

#include "tracecontext/propagation.h"
#include "weft/propagation.h"

namespace weft {
inline namespace v1 {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The tracecontext room's carrier interfaces over a public TextMapCarrier.
class ReaderAdapter final : public tracecontext::CarrierReader {
 public:
  explicit ReaderAdapter(const TextMapCarrier& c) : c_(c) {}
  void Get(std::string_view name,
           absl::FunctionRef<void(std::string_view value)> on_value) const override {
    const std::string_view v = c_.Get(name);
    if (!v.empty()) on_value(v);
  }

 private:
  const TextMapCarrier& c_;
};

class WriterAdapter final : public tracecontext::CarrierWriter {
 public:
  explicit WriterAdapter(TextMapCarrier& c) : c_(c) {}
  void Set(std::string_view name, std::string_view value) override { c_.Set(name, value); }

 private:
  TextMapCarrier& c_;
};

class W3CTraceContext final : public TextMapPropagator {
 public:
  void Inject(const Context& context, TextMapCarrier& carrier) const override {
    const SpanContext& sc = context.span_context;
    if (!sc.valid()) return;
    tracecontext::TraceParent tp;
    tp.trace_id = sc.trace_id.bytes;
    tp.parent_id = sc.span_id.bytes;
    tp.flags = sc.trace_flags;
    char buf[tracecontext::kTraceParentLength];
    tracecontext::FormatTraceParent(tp, std::span<char, tracecontext::kTraceParentLength>(buf));
    carrier.Set(tracecontext::kTraceParentHeader, std::string_view(buf, sizeof buf));
    if (!sc.trace_state.empty()) {
      // Re-validated and length-limited (512) on the way out.
      const tracecontext::TraceState state = tracecontext::TraceState::Parse(sc.trace_state);
      if (!state.empty()) carrier.Set(tracecontext::kTraceStateHeader, state.Serialize());
    }
  }

  Context Extract(const TextMapCarrier& carrier, Context base) const override {
    const std::string_view header = carrier.Get(tracecontext::kTraceParentHeader);
    if (header.empty()) return base;
    const tracecontext::TraceParentResult parsed = tracecontext::ParseTraceParent(header);
    if (!parsed.ok()) return base;
    SpanContext& sc = base.span_context;
    sc.trace_id.bytes = parsed.value.trace_id;
    sc.span_id.bytes = parsed.value.parent_id;
    sc.trace_flags = parsed.value.flags;
    sc.remote = true;
    sc.trace_state.clear();
    const std::string_view state_header = carrier.Get(tracecontext::kTraceStateHeader);
    if (!state_header.empty()) {
      const tracecontext::TraceState state = tracecontext::TraceState::Parse(state_header);
      if (!state.empty()) sc.trace_state = state.Serialize();
    }
    return base;
  }
};

class W3CBaggage final : public TextMapPropagator {
 public:
  void Inject(const Context& context, TextMapCarrier& carrier) const override {
    if (context.baggage.empty()) return;
    tracecontext::Baggage baggage;
    for (const Baggage::Entry& e : context.baggage.entries()) {
      (void)baggage.Set(e.key, e.value, e.properties);  // invalid keys are skipped
    }
    if (!baggage.empty()) carrier.Set(tracecontext::kBaggageHeader, baggage.Serialize());
  }

  Context Extract(const TextMapCarrier& carrier, Context base) const override {
    const std::string_view header = carrier.Get(tracecontext::kBaggageHeader);
    if (header.empty()) return base;
    const tracecontext::Baggage parsed = tracecontext::Baggage::Parse(header);
    if (parsed.empty()) return base;
    std::vector<Baggage::Entry> entries;
    entries.reserve(parsed.size());
    for (const auto& e : parsed.entries()) entries.push_back({e.key, e.value, e.properties});
    base.baggage = Baggage::FromEntries(std::move(entries));
    return base;
  }
};

class B3 final : public TextMapPropagator {
 public:
  explicit B3(B3Format format) : format_(format) {}

  void Inject(const Context& context, TextMapCarrier& carrier) const override {
    const SpanContext& sc = context.span_context;
    if (!sc.valid()) return;
    tracecontext::SpanContext tc;
    tc.trace_id = sc.trace_id.bytes;
    tc.span_id = sc.span_id.bytes;
    tc.trace_flags = sc.trace_flags;
    WriterAdapter writer(carrier);
    tracecontext::InjectB3(tracecontext::B3FromSpanContext(tc), writer,
                           format_ == B3Format::kSingleHeader
                               ? tracecontext::B3Encoding::kSingleHeader
                               : tracecontext::B3Encoding::kMultiHeader);
  }

  Context Extract(const TextMapCarrier& carrier, Context base) const override {
    const ReaderAdapter reader(carrier);
    const absl::StatusOr<tracecontext::B3Context> b3 = tracecontext::ExtractB3(reader);
    if (!b3.ok()) return base;
    const tracecontext::SpanContext tc = tracecontext::SpanContextFromB3(*b3);
    if (!tc.valid()) return base;
    SpanContext& sc = base.span_context;
    sc.trace_id.bytes = tc.trace_id;
    sc.span_id.bytes = tc.span_id;
    sc.trace_flags = tc.trace_flags;
    sc.remote = true;
    sc.trace_state.clear();
    return base;
  }

 private:
  B3Format format_;
};

class Composite final : public TextMapPropagator {
 public:
  explicit Composite(std::vector<std::unique_ptr<TextMapPropagator>> list)
      : list_(std::move(list)) {}
  void Inject(const Context& context, TextMapCarrier& carrier) const override {
    for (const auto& p : list_) p->Inject(context, carrier);
  }
  Context Extract(const TextMapCarrier& carrier, Context base) const override {
    for (const auto& p : list_) base = p->Extract(carrier, std::move(base));
    return base;
  }

 private:
  std::vector<std::unique_ptr<TextMapPropagator>> list_;
};

std::atomic<const TextMapPropagator*> g_propagator{nullptr};

const TextMapPropagator& DefaultPropagator() {
  static const TextMapPropagator* p = PropagatorFromList("").release();  // leaked: process-wide
  return *p;
}

}  // namespace

std::string_view HeaderVectorCarrier::Get(std::string_view name) const {
  for (const auto& [k, v] : headers_) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

void HeaderVectorCarrier::Set(std::string_view name, std::string_view value) {
  for (auto& [k, v] : headers_) {
    if (EqualsIgnoreCase(k, name)) {
      v.assign(value.data(), value.size());
      return;
    }
  }
  headers_.emplace_back(std::string(name), std::string(value));
}

std::unique_ptr<TextMapPropagator> W3CTraceContextPropagator() {
  return std::make_unique<W3CTraceContext>();
}
std::unique_ptr<TextMapPropagator> W3CBaggagePropagator() { return std::make_unique<W3CBaggage>(); }
std::unique_ptr<TextMapPropagator> B3Propagator(B3Format format) {
  return std::make_unique<B3>(format);
}
std::unique_ptr<TextMapPropagator> CompositePropagator(
    std::vector<std::unique_ptr<TextMapPropagator>> propagators) {
  return std::make_unique<Composite>(std::move(propagators));
}

std::unique_ptr<TextMapPropagator> PropagatorFromList(std::string_view names) {
  std::vector<std::unique_ptr<TextMapPropagator>> list;
  bool any = false;
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    if (comma == std::string_view::npos) comma = names.size();
    std::string_view name = names.substr(start, comma - start);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    start = comma + 1;
    if (name.empty()) continue;
    any = true;
    if (EqualsIgnoreCase(name, "tracecontext")) {
      list.push_back(W3CTraceContextPropagator());
    } else if (EqualsIgnoreCase(name, "baggage")) {
      list.push_back(W3CBaggagePropagator());
    } else if (EqualsIgnoreCase(name, "b3")) {
      list.push_back(B3Propagator(B3Format::kSingleHeader));
    } else if (EqualsIgnoreCase(name, "b3multi")) {
      list.push_back(B3Propagator(B3Format::kMultiHeader));
    } else if (EqualsIgnoreCase(name, "none")) {
      // explicitly nothing
    } else {
      std::fprintf(stderr, "weft sdk: OTEL_PROPAGATORS: unknown propagator '%.*s' ignored\n",
                   static_cast<int>(name.size()), name.data());
    }
  }
  if (!any) {
    list.push_back(W3CTraceContextPropagator());
    list.push_back(W3CBaggagePropagator());
  }
  if (list.size() == 1) return std::move(list.front());
  return CompositePropagator(std::move(list));
}

void SetGlobalPropagator(std::unique_ptr<TextMapPropagator> propagator) {
  if (propagator == nullptr) return;
  static std::mutex* mutex = new std::mutex();
  // Replaced propagators stay alive: a concurrent Inject may still be using one.
  static auto* retired = new std::vector<std::unique_ptr<TextMapPropagator>>();
  std::lock_guard lock(*mutex);
  g_propagator.store(propagator.get(), std::memory_order_release);
  retired->push_back(std::move(propagator));
}

const TextMapPropagator& GlobalPropagator() {
  const TextMapPropagator* p = g_propagator.load(std::memory_order_acquire);
  return p != nullptr ? *p : DefaultPropagator();
}

void Inject(TextMapCarrier& carrier) { GlobalPropagator().Inject(Context::Current(), carrier); }
void Inject(const Context& context, TextMapCarrier& carrier) {
  GlobalPropagator().Inject(context, carrier);
}
Context Extract(const TextMapCarrier& carrier) { return GlobalPropagator().Extract(carrier, {}); }

}  // namespace v1
}  // namespace weft
