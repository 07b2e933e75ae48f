// weft's tracing API: ids, span context, attributes, Span (an RAII handle), Tracer, Scope and
// carrying the current context into other threads and callbacks. Standard library only.
// Thread rule: a Span is used by one thread at a time (move it to hand it over); a Tracer is
// immutable and may be shared by every thread; Scope and Context::Current() are per thread.
// Without a TracerProvider (provider.h) every call here is a no-op costing a few nanoseconds.
#pragma once

#include <utility>

#include <array>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace weft {
// v1: the SDK's ABI version. It also keeps these types' linker names apart from the server's
// internal model types of the same names (weft::Span, weft::Resource, ...).
inline namespace v1 {

// ---------------------------------------------------------------------------------------------
// Ids and span context
// ---------------------------------------------------------------------------------------------

// 16 bytes; all zero is invalid.
struct TraceId {
  std::array<uint8_t, 16> bytes{};
  bool valid() const;
  std::string ToHex() const;  // 32 lowercase hex characters
  // nullopt unless exactly 32 hex digits (either case) and not all zero.
  static std::optional<TraceId> FromHex(std::string_view hex);
  friend bool operator==(const TraceId&, const TraceId&) = default;
};

// 8 bytes; all zero is invalid.
struct SpanId {
  std::array<uint8_t, 8> bytes{};
  bool valid() const;
  std::string ToHex() const;  // 16 lowercase hex characters
  static std::optional<SpanId> FromHex(std::string_view hex);
  friend bool operator==(const SpanId&, const SpanId&) = default;
};

inline constexpr uint8_t kTraceFlagSampled = 0x01;
inline constexpr uint8_t kTraceFlagRandom = 0x02;  // W3C Level 2: trace id right 7 bytes random

// The part of a span that crosses process boundaries (W3C traceparent + tracestate).
struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  uint8_t trace_flags = 0;  // kTraceFlagSampled | kTraceFlagRandom
  bool remote = false;      // true when extracted from a carrier
  std::string trace_state;  // W3C tracestate, serialized ("k1=v1,k2=v2"); usually empty

  bool valid() const { return trace_id.valid() && span_id.valid(); }
  bool sampled() const { return (trace_flags & kTraceFlagSampled) != 0; }
};

// W3C baggage: key/value pairs that travel with a request. Immutable; copies share storage, so
// a Baggage is cheap to copy and safe to read from any thread.
class Baggage {
 public:
  struct Entry {
    std::string key;
    std::string value;       // decoded (not percent-encoded)
    std::string properties;  // ";"-separated metadata as received, usually empty
  };

  Baggage() = default;
  // Later entries replace earlier ones with the same key.
  static Baggage FromEntries(std::vector<Entry> entries);
  bool empty() const { return entries_ == nullptr || entries_->empty(); }
  size_t size() const { return entries_ == nullptr ? 0 : entries_->size(); }
  std::optional<std::string_view> Get(std::string_view key) const;
  // A copy with `key` set (replacing an existing entry) or removed.
  Baggage With(std::string_view key, std::string_view value) const;
  Baggage Without(std::string_view key) const;
  std::span<const Entry> entries() const;

 private:
  // shared_ptr: baggage is immutable and copied into every Context and Wrap()ped callback;
  // sharing one vector makes those copies allocation-free.
  std::shared_ptr<const std::vector<Entry>> entries_;
};

// What is "current" on a thread: the active span's context and the baggage. Copy it to carry
// the request into another thread or a callback (see Wrap below).
struct Context {
  SpanContext span_context;  // invalid when no span is active
  Baggage baggage;

  Context() = default;
  Context(SpanContext sc) : span_context(std::move(sc)) {}  // NOLINT: implicit on purpose
  Context(SpanContext sc, Baggage b) : span_context(std::move(sc)), baggage(std::move(b)) {}

  // The context of the innermost Scope on this thread (empty when there is none).
  static Context Current();
};

// ---------------------------------------------------------------------------------------------
// Attributes
// ---------------------------------------------------------------------------------------------

// A non-owning attribute value: bool, int64, double or string. Strings are copied by the call
// that takes the value, so temporaries are fine.
class AttributeValue {
 public:
  enum class Type : uint8_t { kBool, kInt, kDouble, kString };

  AttributeValue(bool v) : type_(Type::kBool), b_(v) {}  // NOLINT: implicit on purpose
  template <std::integral T>
  requires(!std::same_as<T, bool>) AttributeValue(T v)
      : type_(Type::kInt), i_(static_cast<int64_t>(v)) {}  // NOLINT
  template <std::floating_point T>
  AttributeValue(T v) : type_(Type::kDouble), d_(static_cast<double>(v)) {}  // NOLINT
  AttributeValue(std::string_view v) : type_(Type::kString), s_(v) {}        // NOLINT
  AttributeValue(const char* v) : type_(Type::kString), s_(v) {}             // NOLINT
  AttributeValue(const std::string& v) : type_(Type::kString), s_(v) {}      // NOLINT

  Type type() const { return type_; }
  bool as_bool() const { return b_; }                // REQUIRES: type() == kBool
  int64_t as_int() const { return i_; }              // REQUIRES: type() == kInt
  double as_double() const { return d_; }            // REQUIRES: type() == kDouble
  std::string_view as_string() const { return s_; }  // REQUIRES: type() == kString

 private:
  Type type_;
  union {
    bool b_;
    int64_t i_;
    double d_;
    std::string_view s_;
  };
};

struct Attribute {
  std::string_view key;
  AttributeValue value;
};

// An owned copy of an attribute (resources, finished spans read back from exporters).
struct OwnedAttribute {
  std::string key;
  AttributeValue::Type type = AttributeValue::Type::kString;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;

  OwnedAttribute() = default;
  OwnedAttribute(std::string_view k, AttributeValue v);
  // The value as text ("true", "42", "1.5", or the string itself): for tests and the console.
  std::string ValueText() const;
};

// ---------------------------------------------------------------------------------------------
// Spans
// ---------------------------------------------------------------------------------------------

enum class SpanKind : uint8_t {
  kInternal = 1,
  kServer = 2,
  kClient = 3,
  kProducer = 4,
  kConsumer = 5
};
enum class StatusCode : uint8_t { kUnset = 0, kOk = 1, kError = 2 };

using SystemTime = std::chrono::system_clock::time_point;

// A link to another span (a batch member, the message a consumer handles, ...).
struct Link {
  SpanContext context = {};
  std::initializer_list<Attribute> attributes = {};
};

namespace detail {
struct SpanRecord;
struct TracerCore;
}  // namespace detail

// Everything StartSpan takes besides the name. Designed for designated initializers:
//   tracer.StartSpan("GET /cart", {.kind = weft::SpanKind::kServer, .parent = &extracted});
struct SpanOptions {
  SpanKind kind = SpanKind::kInternal;
  // The parent: an explicit context (remote, from Extract, or a local span's), else the current
  // one on this thread (Scope), else a new trace. `root = true` ignores the current context.
  const Context* parent = nullptr;
  bool root = false;
  std::initializer_list<Attribute> attributes = {};
  std::initializer_list<Link> links = {};
  SystemTime start_time = {};  // default: now
};

// A started span. Move-only; ends (is exported) when destroyed or on End(). A default-constructed
// or unsampled Span is non-recording: every setter is a cheap no-op, but Context() still carries
// the ids to propagate (an unsampled span propagates "not sampled").
// Limits (provider.h SpanLimits) apply: extra attributes/events/links are dropped and counted.
class Span {
 public:
  Span() = default;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() {
    if (record_ != nullptr) EndRecording(SystemTime{});
  }

  bool IsRecording() const { return record_ != nullptr; }
  const SpanContext& Context() const { return context_; }

  // Setting a key again replaces its value.
  void SetAttribute(std::string_view key, AttributeValue value) {
    if (record_ != nullptr) DoSetAttribute(key, value);
  }
  void SetAttributes(std::initializer_list<Attribute> attributes) {
    for (const Attribute& a : attributes) SetAttribute(a.key, a.value);
  }
  void AddEvent(std::string_view name, std::initializer_list<Attribute> attributes = {},
                SystemTime time = {}) {
    if (record_ != nullptr) DoAddEvent(name, attributes, time);
  }
  void AddLink(const SpanContext& context, std::initializer_list<Attribute> attributes = {}) {
    if (record_ != nullptr) DoAddLink(context, attributes);
  }
  // kError with a description, or kOk (which cannot be overridden afterwards, per the spec).
  void SetStatus(StatusCode code, std::string_view message = {}) {
    if (record_ != nullptr) DoSetStatus(code, message);
  }
  // An "exception" event with exception.type / exception.message / exception.stacktrace.
  // Does not set the status: call SetStatus(kError, ...) too if the span failed.
  void RecordException(std::string_view type, std::string_view message,
                       std::string_view stacktrace = {}) {
    if (record_ != nullptr) DoRecordException(type, message, stacktrace);
  }
  void UpdateName(std::string_view name) {
    if (record_ != nullptr) DoUpdateName(name);
  }
  // Ends now (or at `end_time`). Later calls, and the destructor, do nothing.
  void End(SystemTime end_time = {}) {
    if (record_ != nullptr) EndRecording(end_time);
  }

 private:
  friend struct detail::TracerCore;
  friend class Tracer;
  // A span that records nothing and carries `context` (relayed when no provider is installed).
  [[gnu::noinline, gnu::cold]] static Span NonRecording(const SpanContext& context);
  void DoSetAttribute(std::string_view key, const AttributeValue& value);
  void DoAddEvent(std::string_view name, std::span<const Attribute> attributes, SystemTime time);
  void DoAddLink(const SpanContext& context, std::span<const Attribute> attributes);
  void DoSetStatus(StatusCode code, std::string_view message);
  void DoRecordException(std::string_view type, std::string_view message,
                         std::string_view stacktrace);
  void DoUpdateName(std::string_view name);
  void EndRecording(SystemTime end_time);

  detail::SpanRecord* record_ = nullptr;
  SpanContext context_;
};

// Creates spans for one instrumentation scope (a library or a module: "shop.cart", "weft.http").
// Cheap to copy. A Tracer from weft::GetTracer follows the global provider (a span started
// before a provider is installed, or after it shut down, is a no-op); one from
// TracerProvider::GetTracer uses that provider, which must outlive it and its spans.
class Tracer {
 public:
  Tracer() = default;  // a no-op tracer
  Span StartSpan(std::string_view name, const SpanOptions& options = {}) const;
  // True when StartSpan may return a recording span (a provider is installed and running).
  bool Enabled() const;

 private:
  friend class TracerProvider;
  friend Tracer GetTracer(std::string_view, std::string_view);
  const void* scope_ = nullptr;             // interned scope, lives for the process
  detail::TracerCore* provider_ = nullptr;  // null: the global provider at each StartSpan
};

// A tracer for `scope_name` bound to the global provider (see above). Thread-safe.
Tracer GetTracer(std::string_view scope_name, std::string_view scope_version = {});

// ---------------------------------------------------------------------------------------------
// Current context
// ---------------------------------------------------------------------------------------------

// Makes a span (or a context) current on this thread until the end of the block; spans started
// meanwhile without an explicit parent become its children. Scopes must nest (LIFO) on one
// thread. Keeps the current baggage when given a span.
class Scope {
 public:
  explicit Scope(const Span& span);
  explicit Scope(const Context& context);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context context_;
  const Context* previous_;
};

// `fn` wrapped so that it runs with the context current where Wrap was called: for thread pools,
// executors, asio handlers and other callbacks.
//   pool.post(weft::Wrap([&] { auto span = tracer.StartSpan("work"); ... }));
template <class F>
auto Wrap(F&& fn) {
  return [context = Context::Current(),
          fn = std::forward<F>(fn)](auto&&... args) mutable -> decltype(auto) {
    Scope scope(context);
    return fn(std::forward<decltype(args)>(args)...);
  };
}

}  // namespace v1
}  // namespace weft
