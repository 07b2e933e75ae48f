#include "storage/embedded/block/block_test_util.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include "common/random.h"

namespace weft::storage::embedded::testing {

ScratchDir::ScratchDir() {
  std::string tmpl = ::testing::TempDir() + "/block_test_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

std::string Quote(std::string_view s) {
  return s.size() > 60 ? "\"" + std::string(s.substr(0, 60)) + "...\""
                       : "\"" + std::string(s) + "\"";
}

#define WEFT_DIFF(field, a, b)                                 \
  do {                                                         \
    if (!((a) == (b))) return std::string(field) + " differs"; \
  } while (false)

std::string DiffAttributes(std::string_view what, Attributes a, Attributes b) {
  if (a.size() != b.size()) {
    return std::string(what) + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
           " attributes";
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i])) {
      return std::string(what) + ": attribute " + std::to_string(i) + " (" + Quote(a[i].key) +
             " vs " + Quote(b[i].key) + ") differs";
    }
    // operator== treats every NaN with the same bits as equal, and compares types too.
  }
  return "";
}

}  // namespace

std::string DiffSpans(const SpanBatch& a, const Span& sa, const SpanBatch& b, const Span& sb) {
  WEFT_DIFF("trace_id", sa.trace_id, sb.trace_id);
  WEFT_DIFF("span_id", sa.span_id, sb.span_id);
  WEFT_DIFF("parent_span_id", sa.parent_span_id, sb.parent_span_id);
  WEFT_DIFF("trace_state", sa.trace_state, sb.trace_state);
  WEFT_DIFF("name", sa.name, sb.name);
  WEFT_DIFF("kind", sa.kind, sb.kind);
  WEFT_DIFF("status_code", sa.status_code, sb.status_code);
  WEFT_DIFF("flags", sa.flags, sb.flags);
  WEFT_DIFF("start", sa.start_time_unix_nano, sb.start_time_unix_nano);
  WEFT_DIFF("end", sa.end_time_unix_nano, sb.end_time_unix_nano);
  if (std::string d = DiffAttributes("span", sa.attributes, sb.attributes); !d.empty()) return d;
  WEFT_DIFF("dropped_attributes_count", sa.dropped_attributes_count, sb.dropped_attributes_count);
  WEFT_DIFF("dropped_events_count", sa.dropped_events_count, sb.dropped_events_count);
  WEFT_DIFF("dropped_links_count", sa.dropped_links_count, sb.dropped_links_count);
  WEFT_DIFF("status_message", sa.status_message, sb.status_message);
  WEFT_DIFF("event count", sa.events.size(), sb.events.size());
  for (size_t i = 0; i < sa.events.size(); ++i) {
    const Event& ea = sa.events[i];
    const Event& eb = sb.events[i];
    WEFT_DIFF("event time", ea.time_unix_nano, eb.time_unix_nano);
    WEFT_DIFF("event name", ea.name, eb.name);
    WEFT_DIFF("event dropped", ea.dropped_attributes_count, eb.dropped_attributes_count);
    if (std::string d = DiffAttributes("event", ea.attributes, eb.attributes); !d.empty()) return d;
  }
  WEFT_DIFF("link count", sa.links.size(), sb.links.size());
  for (size_t i = 0; i < sa.links.size(); ++i) {
    const Link& la = sa.links[i];
    const Link& lb = sb.links[i];
    WEFT_DIFF("link trace_id", la.trace_id, lb.trace_id);
    WEFT_DIFF("link span_id", la.span_id, lb.span_id);
    WEFT_DIFF("link trace_state", la.trace_state, lb.trace_state);
    WEFT_DIFF("link flags", la.flags, lb.flags);
    WEFT_DIFF("link dropped", la.dropped_attributes_count, lb.dropped_attributes_count);
    if (std::string d = DiffAttributes("link", la.attributes, lb.attributes); !d.empty()) return d;
  }
  const Resource& ra = a.resource_of(sa);
  const Resource& rb = b.resource_of(sb);
  if (std::string d = DiffAttributes("resource", ra.attributes, rb.attributes); !d.empty())
    return d;
  WEFT_DIFF("resource dropped", ra.dropped_attributes_count, rb.dropped_attributes_count);
  WEFT_DIFF("resource schema_url", ra.schema_url, rb.schema_url);
  const InstrumentationScope& ca = a.scope_of(sa);
  const InstrumentationScope& cb = b.scope_of(sb);
  WEFT_DIFF("scope name", ca.name, cb.name);
  WEFT_DIFF("scope version", ca.version, cb.version);
  if (std::string d = DiffAttributes("scope", ca.attributes, cb.attributes); !d.empty()) return d;
  WEFT_DIFF("scope dropped", ca.dropped_attributes_count, cb.dropped_attributes_count);
  WEFT_DIFF("scope schema_url", ca.schema_url, cb.schema_url);
  return "";
}

absl::flat_hash_map<TraceId, std::vector<uint32_t>, IdHash> GroupByTrace(const SpanBatch& batch) {
  absl::flat_hash_map<TraceId, std::vector<uint32_t>, IdHash> out;
  for (uint32_t i = 0; i < batch.size(); ++i) out[batch.spans()[i].trace_id].push_back(i);
  return out;
}

void ExpectSameSpans(const SpanBatch& expected, const std::vector<uint32_t>& indexes,
                     const SpanBatch& actual) {
  ASSERT_EQ(actual.size(), indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    const std::string diff =
        DiffSpans(expected, expected.spans()[indexes[i]], actual, actual.spans()[i]);
    ASSERT_EQ(diff, "") << "span " << i << " of trace "
                        << expected.spans()[indexes[i]].trace_id.ToHex();
  }
}

namespace {

TraceId IdFrom(uint64_t hi, uint64_t lo) {
  std::array<uint8_t, 16> b{};
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
    b[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  }
  return TraceId(b);
}

SpanId SpanIdFrom(uint64_t v) {
  std::array<uint8_t, 8> b{};
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  return SpanId(b);
}

}  // namespace

std::unique_ptr<SpanBatch> EdgeCaseBatch() {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  auto str = [&](std::string_view s) { return arena.CopyString(s); };
  auto attrs = [&](std::initializer_list<KeyValue> kvs) {
    return arena.CopyArray(Attributes(kvs.begin(), kvs.size()));
  };

  // Resources: one ordinary, one without service.name, one with a non-string service.name and
  // odd fields.
  const uint32_t r0 = batch->AddResource(
      {attrs({{"service.name", AnyValue::String("edge-service")},
              {"host.name", AnyValue::String(str("h\xc3\xa9llo-\xe4\xb8\x96\xe7\x95\x8c"))}}),
       0, "https://opentelemetry.io/schemas/1.24.0"});
  const uint32_t r1 =
      batch->AddResource({attrs({{"k8s.pod.name", AnyValue::String("pod")}}), 7, ""});
  const uint32_t r2 = batch->AddResource({attrs({{"service.name", AnyValue::Int(42)}}), 0, "s"});
  const uint32_t r3 = batch->AddResource({{}, 0, ""});
  const uint32_t s0 = batch->AddScope(r0, {"io.weft.edge", "1.0.0", {}, 0, ""});
  const uint32_t s1 = batch->AddScope(
      r1, {"", "", attrs({{"scope.attr", AnyValue::Bool(true)}}), 3, "https://schema/scope"});
  const uint32_t s2 = batch->AddScope(r2, {"scope-two", "", {}, 0, ""});
  const uint32_t s3 = batch->AddScope(r3, {"", "", {}, 0, ""});

  // Nested values: an array of mixed values, a map holding an array holding a map.
  const AnyValue inner_array[] = {AnyValue::Int(1), AnyValue::String(str("two")),
                                  AnyValue::Double(3.5), AnyValue::Bool(false), AnyValue()};
  const KeyValue deep_map[] = {{"leaf", AnyValue::Bytes(str(std::string("\x00\x01\xff", 3)))}};
  const AnyValue mid_array[] = {AnyValue::KvList(arena.CopyArray(Attributes(deep_map))),
                                AnyValue::Array({})};
  const KeyValue outer_map[] = {
      {"list", AnyValue::Array(arena.CopyArray(std::span<const AnyValue>(mid_array)))},
      {"", AnyValue::String("")},
      {"empty map", AnyValue::KvList({})}};
  // A value nested as deep as the model allows.
  AnyValue deepest = AnyValue::Int(7);
  for (int d = 1; d < kMaxAnyValueDepth; ++d) {
    deepest = AnyValue::Array(arena.CopyArray(std::span<const AnyValue>(&deepest, 1)));
  }
  const std::string huge(1 << 20, 'x');
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));

  auto add = [&](Span span) { batch->AddSpan(span); };
  const TraceId t1 = IdFrom(0x0102030405060708ULL, 0x1112131415161718ULL);
  // t1: a root, a child given before its parent, a child whose parent is outside the trace, two
  // spans sharing an id (Zipkin), end before start.
  Span root;
  root.trace_id = t1;
  root.span_id = SpanIdFrom(0xa1);
  root.name = "";
  root.kind = SpanKind::kServer;
  root.status_code = StatusCode::kError;
  root.status_message = str("boom \xe2\x9c\x97");
  root.flags = 0x301;
  root.trace_state = str("vendor=a,other=b");
  root.start_time_unix_nano = 1'700'000'000'000'000'000ULL;
  root.end_time_unix_nano = root.start_time_unix_nano + 5'000'000;
  root.scope_index = s0;
  root.attributes =
      attrs({{"http.method", AnyValue::String("GET")},
             {"dup", AnyValue::Int(1)},
             {"dup", AnyValue::String("second")},
             {"empty", AnyValue()},
             {"", AnyValue::String(str(""))},
             {"nested", AnyValue::KvList(arena.CopyArray(Attributes(outer_map)))},
             {"array", AnyValue::Array(arena.CopyArray(std::span<const AnyValue>(inner_array)))},
             {"deep", deepest},
             {"bytes", AnyValue::Bytes(str(all_bytes))},
             {"nan", AnyValue::Double(std::numeric_limits<double>::quiet_NaN())},
             {"neg zero", AnyValue::Double(-0.0)},
             {"inf", AnyValue::Double(-std::numeric_limits<double>::infinity())},
             {"min", AnyValue::Int(std::numeric_limits<int64_t>::min())},
             {"max", AnyValue::Int(std::numeric_limits<int64_t>::max())},
             {"unicode \xf0\x9f\x98\x80", AnyValue::String(str("\xe6\x97\xa5\xe6\x9c\xac"))}});
  root.dropped_attributes_count = 3;
  root.dropped_events_count = 4;
  root.dropped_links_count = 5;
  const KeyValue event_attrs[] = {{"exception.type", AnyValue::String("E")},
                                  {"exception.escaped", AnyValue::Bool(true)}};
  const Event events[] = {
      {root.start_time_unix_nano + 10, "exception", arena.CopyArray(Attributes(event_attrs)), 2},
      {root.start_time_unix_nano - 10, "", {}, 0}};  // before the span
  root.events = arena.CopyArray(std::span<const Event>(events));
  const KeyValue link_attrs[] = {{"link.reason", AnyValue::String("retry")}};
  const Link links[] = {
      {IdFrom(9, 9), SpanIdFrom(9), "ls=1", arena.CopyArray(Attributes(link_attrs)), 1, 0x301},
      {TraceId(), SpanId(), "", {}, 0, 0}};
  root.links = arena.CopyArray(std::span<const Link>(links));

  Span child_first;  // appears before its parent
  child_first.trace_id = t1;
  child_first.span_id = SpanIdFrom(0xb2);
  child_first.parent_span_id = SpanIdFrom(0xc3);
  child_first.name = "child before parent";
  child_first.start_time_unix_nano = root.start_time_unix_nano + 100;
  child_first.end_time_unix_nano = root.start_time_unix_nano + 50;  // ends before it starts
  child_first.scope_index = s1;
  child_first.attributes = attrs({{"huge", AnyValue::String(str(huge))}});

  Span parent_late;
  parent_late.trace_id = t1;
  parent_late.span_id = SpanIdFrom(0xc3);
  parent_late.parent_span_id = SpanIdFrom(0xa1);
  parent_late.name = "parent after child";
  parent_late.kind = SpanKind::kClient;
  parent_late.start_time_unix_nano = root.start_time_unix_nano + 1;
  parent_late.end_time_unix_nano = root.start_time_unix_nano + 2;
  parent_late.scope_index = s0;

  Span orphan;
  orphan.trace_id = t1;
  orphan.span_id = SpanIdFrom(0xd4);
  orphan.parent_span_id = SpanIdFrom(0xfeedface);  // not in the trace
  orphan.name = str("orphan \xe2\x98\x83");
  orphan.start_time_unix_nano = 0;  // far before the others
  orphan.end_time_unix_nano = UINT64_MAX;
  orphan.kind = static_cast<SpanKind>(5);
  orphan.scope_index = s2;

  Span shared = parent_late;  // same span id as parent_late (Zipkin shared client/server span)
  shared.kind = SpanKind::kServer;
  shared.parent_span_id = SpanIdFrom(0xc3);  // its own id
  shared.scope_index = s3;

  add(root);
  add(child_first);
  add(parent_late);
  add(orphan);
  add(shared);

  // t2: a single bare span with every field at its zero value but ids.
  Span bare;
  bare.trace_id = IdFrom(0xffffffffffffffffULL, 0xfffffffffffffffeULL);
  bare.span_id = SpanIdFrom(1);
  bare.scope_index = s3;
  add(bare);
  // t3: a root-less trace (its root never arrived).
  Span rootless = bare;
  rootless.trace_id = IdFrom(0, 1);
  rootless.span_id = SpanIdFrom(2);
  rootless.parent_span_id = SpanIdFrom(3);
  rootless.name = "rootless";
  rootless.start_time_unix_nano = 123;
  rootless.end_time_unix_nano = 456;
  add(rootless);
  return batch;
}

std::unique_ptr<SpanBatch> LargeTrace(uint32_t spans, uint64_t seed) {
  auto batch = std::make_unique<SpanBatch>();
  Arena& arena = batch->arena();
  RandomGenerator rng(seed);
  const KeyValue resource_attrs[] = {{"service.name", AnyValue::String("big")}};
  const uint32_t r = batch->AddResource({arena.CopyArray(Attributes(resource_attrs)), 0, ""});
  const uint32_t s = batch->AddScope(r, {"big-scope", "1", {}, 0, ""});
  const TraceId trace_id = TraceId::Random(rng);
  std::vector<SpanId> ids;
  const uint64_t t0 = 1'700'000'100'000'000'000ULL;
  for (uint32_t i = 0; i < spans; ++i) {
    Span span;
    span.trace_id = trace_id;
    span.span_id = SpanId::Random(rng);
    if (i > 0) span.parent_span_id = ids[rng.Next() % ids.size()];
    ids.push_back(span.span_id);
    span.name = i % 3 == 0 ? "work" : "db";
    span.kind = i == 0 ? SpanKind::kServer : SpanKind::kInternal;
    span.start_time_unix_nano = t0 + i * 1000 + rng.Next() % 1000;
    span.end_time_unix_nano = span.start_time_unix_nano + 1 + rng.Next() % 1'000'000;
    span.scope_index = s;
    const KeyValue kvs[] = {{"i", AnyValue::Int(i)},
                            {"bucket", AnyValue::String(i % 2 ? "odd" : "even")}};
    span.attributes = arena.CopyArray(Attributes(kvs));
    batch->AddSpan(span);
  }
  return batch;
}

}  // namespace weft::storage::embedded::testing
