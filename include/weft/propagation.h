// Propagation: moving a Context across process boundaries in request headers. A carrier adapts
// any header map; propagators read and write W3C tracecontext, W3C baggage and Zipkin B3.
// Thread rule: propagators are immutable and thread-safe; a carrier is used by one thread at a
// time. The global propagator should be set at start-up (InitFromEnvironment does it).
#pragma once

#include <utility>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weft/trace.h"

namespace weft {
// v1: the SDK's ABI version. It also keeps these types' linker names apart from the server's
// internal model types of the same names (weft::Span, weft::Resource, ...).
inline namespace v1 {

// Adapts a header map. Names are passed lowercase; carriers over case-sensitive maps should
// store and look up lowercase names (HTTP libraries usually match case-insensitively already).
class TextMapCarrier {
 public:
  virtual ~TextMapCarrier() = default;
  // The header's value, empty when absent. A header received as several fields should be
  // returned joined with "," (as HTTP allows); a joined traceparent is then rejected, as the
  // W3C specification requires. The view must stay valid until the next call on the carrier.
  virtual std::string_view Get(std::string_view name) const = 0;
  // Sets (replaces) the header.
  virtual void Set(std::string_view name, std::string_view value) = 0;
};

// A carrier over std::map / std::unordered_map<std::string, std::string> (or any map with
// find() and operator[] keyed by std::string).
template <class Map>
class MapCarrier final : public TextMapCarrier {
 public:
  explicit MapCarrier(Map& map) : map_(map) {}
  std::string_view Get(std::string_view name) const override {
    auto it = map_.find(std::string(name));
    return it == map_.end() ? std::string_view() : std::string_view(it->second);
  }
  void Set(std::string_view name, std::string_view value) override {
    map_[std::string(name)] = std::string(value);
  }

 private:
  Map& map_;
};

// A carrier over a vector of (name, value) pairs; Get matches names case-insensitively and
// returns the first match.
class HeaderVectorCarrier final : public TextMapCarrier {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  explicit HeaderVectorCarrier(Headers& headers) : headers_(headers) {}
  std::string_view Get(std::string_view name) const override;
  void Set(std::string_view name, std::string_view value) override;

 private:
  Headers& headers_;
};

class TextMapPropagator {
 public:
  virtual ~TextMapPropagator() = default;
  // Writes `context` (nothing for an invalid span context / empty baggage).
  virtual void Inject(const Context& context, TextMapCarrier& carrier) const = 0;
  // `base` with what the carrier holds merged in: a valid remote span context replaces
  // base.span_context; extracted baggage replaces base.baggage. Hostile or malformed headers
  // leave `base` unchanged.
  virtual Context Extract(const TextMapCarrier& carrier, Context base) const = 0;
};

std::unique_ptr<TextMapPropagator> W3CTraceContextPropagator();
std::unique_ptr<TextMapPropagator> W3CBaggagePropagator();
enum class B3Format : uint8_t { kSingleHeader, kMultiHeader };
// Extracts either form; injects `format`.
std::unique_ptr<TextMapPropagator> B3Propagator(B3Format format = B3Format::kSingleHeader);
// Runs each in order (Extract: later ones see earlier ones' result as `base`).
std::unique_ptr<TextMapPropagator> CompositePropagator(
    std::vector<std::unique_ptr<TextMapPropagator>> propagators);
// From a comma-separated list as in OTEL_PROPAGATORS: tracecontext, baggage, b3, b3multi, none.
// Unknown names are reported on stderr and skipped; an empty list means "tracecontext,baggage".
std::unique_ptr<TextMapPropagator> PropagatorFromList(std::string_view names);

// The global propagator (default: tracecontext + baggage). Set it at start-up.
void SetGlobalPropagator(std::unique_ptr<TextMapPropagator> propagator);
const TextMapPropagator& GlobalPropagator();

// Inject `context` (default: the current one) with the global propagator.
void Inject(TextMapCarrier& carrier);
void Inject(const Context& context, TextMapCarrier& carrier);
// Extract with the global propagator, on top of an empty context. Use the result as
// SpanOptions::parent, or make it current with a Scope.
Context Extract(const TextMapCarrier& carrier);

}  // namespace v1
}  // namespace weft
