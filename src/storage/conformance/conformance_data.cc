#include "storage/conformance/conformance_data.h"

#include <array>
#include <map>
#include <tuple>

namespace weft::storage::conformance {
namespace {

AnyValue ToAnyValue(const TestValue& value, Arena& arena) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    return AnyValue::String(arena.CopyString(*s));
  }
  if (const auto* i = std::get_if<int64_t>(&value)) return AnyValue::Int(*i);
  if (const auto* d = std::get_if<double>(&value)) return AnyValue::Double(*d);
  return AnyValue::Bool(std::get<bool>(value));
}

Attributes ToAttributes(const TestAttributes& attributes, Arena& arena) {
  std::vector<KeyValue> out;
  out.reserve(attributes.size());
  for (const auto& [key, value] : attributes) {
    out.push_back({arena.CopyString(key), ToAnyValue(value, arena)});
  }
  return arena.CopyArray(Attributes(out));
}

std::string ValueKey(const TestValue& value) {
  return std::visit(
      [](const auto& v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
          return "s" + v;
        } else {
          return "n" + std::to_string(v);
        }
      },
      value);
}

}  // namespace

SpanId SpanIdOf(uint64_t n) {
  std::array<uint8_t, 8> bytes{};
  for (int i = 7; i >= 0; --i, n >>= 8) bytes[i] = static_cast<uint8_t>(n);
  return SpanId(bytes);
}

TraceId MakeTraceId(uint8_t family, uint32_t n) {
  std::array<uint8_t, 16> bytes{};
  bytes[0] = family;
  for (int i = 15; i >= 12; --i, n >>= 8) bytes[i] = static_cast<uint8_t>(n);
  return TraceId(bytes);
}

std::unique_ptr<SpanBatch> MakeBatch(const std::vector<TestSpan>& spans) {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  std::map<std::string, uint32_t> scope_of_resource;  // resource identity -> scope index
  for (const TestSpan& t : spans) {
    std::string identity = t.service;
    for (const auto& [key, value] : t.resource) identity += "\n" + key + "=" + ValueKey(value);
    auto [it, inserted] = scope_of_resource.try_emplace(identity, 0);
    if (inserted) {
      TestAttributes resource = t.resource;
      resource.insert(resource.begin(), {"service.name", t.service});
      const uint32_t r = batch->AddResource({ToAttributes(resource, arena), 0, ""});
      it->second = batch->AddScope(r, {"weft.conformance", "1", {}, 0, ""});
    }
    std::vector<Event> events;
    for (const TestEvent& e : t.events) {
      events.push_back({t.start + e.time_offset_nanos, arena.CopyString(e.name),
                        ToAttributes(e.attributes, arena), 0});
    }
    Span span;
    span.trace_id = t.trace;
    span.span_id = SpanIdOf(t.id);
    if (t.parent != 0) span.parent_span_id = SpanIdOf(t.parent);
    span.name = arena.CopyString(t.name);
    span.kind = t.kind;
    span.status_code = t.status;
    span.start_time_unix_nano = t.start;
    span.end_time_unix_nano = t.start + t.duration;
    span.attributes = ToAttributes(t.attributes, arena);
    span.events = arena.CopyArray(std::span<const Event>(events));
    span.scope_index = it->second;
    batch->AddSpan(span);
  }
  return batch;
}

TestSpan SpanOf(const TraceId& trace, uint64_t id, uint64_t parent, std::string service,
                std::string name, SpanKind kind, uint64_t start, uint64_t duration) {
  TestSpan span;
  span.trace = trace;
  span.id = id;
  span.parent = parent;
  span.service = std::move(service);
  span.name = std::move(name);
  span.kind = kind;
  span.start = start;
  span.duration = duration;
  return span;
}

TraceId Shop(int n) { return MakeTraceId(0x5a, static_cast<uint32_t>(n)); }

uint64_t ShopStart(int n) { return kBaseTime + static_cast<uint64_t>(n) * kMinute; }

std::vector<TestSpan> ShopSpans() {
  using enum SpanKind;
  const StatusCode kError = StatusCode::kError;
  const TestAttributes prod = {{"deployment.environment", "prod"}};
  const TestAttributes canary = {{"deployment.environment", "canary"}};
  const auto ms = [](uint64_t n) { return n * kMillis; };
  const auto at = [](int trace, uint64_t offset_ms) {
    return ShopStart(trace) + offset_ms * kMillis;
  };
  // Columns: trace, span id, parent, service, name, kind, status, start, duration, span
  // attributes, resource attributes (besides service.name), events.
  // clang-format off
  return {
      // 1: a plain page. Its root carries exception.type as a *span* attribute (the event search
      // must not find it) and its cart span a bool attribute.
      {Shop(1), 11, 0, "frontend", "GET /", kServer, {}, at(1, 0), ms(20),
          {{"http.status_code", int64_t{200}}, {"exception.type", "CardDeclined"}}, prod},
      {Shop(1), 12, 11, "cart", "GetCart", kServer, {}, at(1, 5), ms(5),
          {{"cache.hit", true}}, prod},
      // 2: the cart fails with 500 (service = cart && status_code = 500 matches here).
      {Shop(2), 21, 0, "frontend", "GET /cart", kServer, {}, at(2, 0), ms(30),
          {{"http.status_code", int64_t{200}}}, prod},
      {Shop(2), 22, 21, "cart", "GetCart", kServer, kError, at(2, 10), ms(10),
          {{"http.status_code", int64_t{500}}}, prod},
      // 3: checkout on a canary: the only payment span, the only client DB call, the only spans
      // over 500 ms, a double attribute, an "exception" event with CardDeclined, and two
      // operations of one name with different kinds.
      {Shop(3), 31, 0, "frontend", "POST /checkout", kServer, {}, at(3, 0), ms(900),
          {{"http.status_code", int64_t{200}}}, prod},
      {Shop(3), 32, 31, "checkout", "PlaceOrder", kServer, {}, at(3, 50), ms(800),
          {{"order.total", 99.5}}, canary},
      {Shop(3), 33, 32, "checkout", "PlaceOrder", kInternal, {}, at(3, 60), ms(100),
          {}, canary},
      {Shop(3), 34, 32, "payment", "Charge", kServer, kError, at(3, 200), ms(600),
          {}, prod, {{"exception", ms(590), {{"exception.type", "CardDeclined"}}}}},
      {Shop(3), 35, 32, "checkout", "INSERT shop.orders", kClient, {}, at(3, 820), ms(50),
          {{"db.system", "postgresql"}}, canary},
      // 4: the only span under 3 ms and the only one with enduser.id; no status code attribute.
      {Shop(4), 41, 0, "frontend", "GET /product/42", kServer, {}, at(4, 0), ms(2),
          {{"enduser.id", "u-7"}}, prod},
      // 5: the frontend fails with 500 while its cart span is fine: the counterexample for
      // service = cart && status_code = 500 evaluated per span.
      {Shop(5), 51, 0, "frontend", "GET /", kServer, kError, at(5, 0), ms(15),
          {{"http.status_code", int64_t{500}}}, prod},
      {Shop(5), 52, 51, "cart", "GetCart", kServer, {}, at(5, 5), ms(4),
          {{"http.status_code", int64_t{200}}, {"cache.hit", false}}, prod},
      // 6: a name that only a partial regex match would take for "GET /product/.*".
      {Shop(6), 61, 0, "frontend", "XGET /product/1", kServer, {}, at(6, 0), ms(10),
          {}, prod},
      // 7: a client call to users that times out (an "exception" event of another type).
      {Shop(7), 71, 0, "frontend", "GET /", kServer, {}, at(7, 0), ms(40),
          {{"http.status_code", int64_t{200}}}, prod},
      {Shop(7), 72, 71, "users", "GetUser", kClient, kError, at(7, 2), ms(35),
          {}, prod, {{"exception", ms(35), {{"exception.type", "Timeout"}}}}},
      // 8: just under 500 ms, with deployment.environment = canary as a *span* attribute (the
      // resource search must not find it; the unscoped one must).
      {Shop(8), 81, 0, "frontend", "GET /slow", kServer, {}, at(8, 0), ms(499),
          {{"http.status_code", int64_t{200}}, {"deployment.environment", "canary"}}, prod},
  };
  // clang-format on
}

ConditionTree Where(Field field, CompareOp op, Operand operand) {
  Condition c;
  c.field = field;
  c.op = op;
  c.operand = std::move(operand);
  return ConditionTree::Leaf(std::move(c));
}

ConditionTree WhereAttr(AttributeScope scope, std::string key, CompareOp op, Operand operand) {
  Condition c;
  c.field = Field::kAttribute;
  c.scope = scope;
  c.key = std::move(key);
  c.op = op;
  c.operand = std::move(operand);
  return ConditionTree::Leaf(std::move(c));
}

FetchRequest Search(std::string_view tenant, ConditionTree filter) {
  FetchRequest request;
  request.tenant = std::string(tenant);
  request.filter = std::move(filter);
  return request;
}

}  // namespace weft::storage::conformance
