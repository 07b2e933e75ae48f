#include "storage/span_identity.h"

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/trace_generator.h"

namespace weft::storage {
namespace {

TraceId Tid(uint8_t b) {
  std::array<uint8_t, 16> bytes{};
  bytes[15] = b;
  return TraceId(bytes);
}
SpanId Sid(uint8_t b) {
  std::array<uint8_t, 8> bytes{};
  bytes[7] = b;
  return SpanId(bytes);
}

// Static storage for the values the spans below point at.
const AnyValue kInner[] = {AnyValue::Int(1), AnyValue::String("x"),
                           AnyValue::Double(std::numeric_limits<double>::quiet_NaN())};
const KeyValue kInnerList[] = {{"k", AnyValue::Array(kInner)}, {"b", AnyValue::Bytes("\x00\x01")}};
const KeyValue kSpanAttributes[] = {
    {"s", AnyValue::String("value")},
    {"b", AnyValue::Bool(true)},
    {"i", AnyValue::Int(-7)},
    {"d", AnyValue::Double(std::numeric_limits<double>::quiet_NaN())},
    {"bytes", AnyValue::Bytes(std::string_view("\x00\xff", 2))},
    {"arr", AnyValue::Array(kInner)},
    {"kv", AnyValue::KvList(kInnerList)},
    {"empty", AnyValue()},
};
const KeyValue kEventAttributes[] = {{"exception.type", AnyValue::String("E")}};
const Event kEvents[] = {{.time_unix_nano = 150,
                          .name = "exception",
                          .attributes = kEventAttributes,
                          .dropped_attributes_count = 1}};
const KeyValue kLinkAttributes[] = {{"l", AnyValue::Int(3)}};
const Link kLinks[] = {{.trace_id = Tid(9),
                        .span_id = Sid(9),
                        .trace_state = "a=b",
                        .attributes = kLinkAttributes,
                        .dropped_attributes_count = 2,
                        .flags = 0x101}};
const KeyValue kResourceAttributes[] = {{"service.name", AnyValue::String("checkout")},
                                        {"host", AnyValue::String("h1")}};
const KeyValue kScopeAttributes[] = {{"sa", AnyValue::Bool(false)}};

// One resource, one scope, one span with every field set.
std::unique_ptr<SpanBatch> RichBatch() {
  auto batch = std::make_unique<SpanBatch>();
  const uint32_t resource = batch->AddResource(
      {.attributes = kResourceAttributes, .dropped_attributes_count = 1, .schema_url = "r-url"});
  const uint32_t scope = batch->AddScope(resource, {.name = "lib",
                                                    .version = "1.2",
                                                    .attributes = kScopeAttributes,
                                                    .dropped_attributes_count = 4,
                                                    .schema_url = "s-url"});
  Span span;
  span.trace_id = Tid(1);
  span.span_id = Sid(2);
  span.parent_span_id = Sid(3);
  span.trace_state = "rojo=00f067aa0ba902b7";
  span.name = "GET /cart";
  span.kind = SpanKind::kServer;
  span.status_code = StatusCode::kError;
  span.flags = 0x301;
  span.start_time_unix_nano = 100;
  span.end_time_unix_nano = 200;
  span.attributes = kSpanAttributes;
  span.dropped_attributes_count = 5;
  span.events = kEvents;
  span.dropped_events_count = 6;
  span.links = kLinks;
  span.dropped_links_count = 7;
  span.status_message = "boom";
  span.scope_index = scope;
  batch->AddSpan(span);
  return batch;
}

// `attributes` with entry `i` replaced by `value`, in `batch`'s arena.
Attributes With(SpanBatch& batch, Attributes attributes, size_t i, AnyValue value) {
  std::vector<KeyValue> copy(attributes.begin(), attributes.end());
  copy[i].value = value;
  return batch.arena().CopyArray<KeyValue>(copy);
}
Attributes WithKey(SpanBatch& batch, Attributes attributes, size_t i, std::string_view key) {
  std::vector<KeyValue> copy(attributes.begin(), attributes.end());
  copy[i].key = key;
  return batch.arena().CopyArray<KeyValue>(copy);
}

// Points `span` at a new scope (and resource) of `batch` changed by `edit`.
void EditOrigin(SpanBatch& batch, Span& span,
                const std::function<void(SpanBatch&, Resource&, InstrumentationScope&)>& edit) {
  Resource resource = batch.resource_of(span);
  InstrumentationScope scope = batch.scope_of(span);
  edit(batch, resource, scope);
  const uint32_t r = batch.AddResource(resource);
  span.scope_index = batch.AddScope(r, scope);
}

TEST(SpanIdentity, CopiesAcrossBatchesAreSame) {
  std::unique_ptr<SpanBatch> a = RichBatch();
  SpanBatch b;
  const uint32_t zero[] = {0};
  b.CopySpansFrom(*a, zero);
  EXPECT_TRUE(SameSpanContent(*a, a->spans()[0], b, b.spans()[0]));
  EXPECT_EQ(SpanContentHash(*a, a->spans()[0]), SpanContentHash(b, b.spans()[0]));
}

TEST(SpanIdentity, GeneratedCopiesAreSame) {
  SpanBatch a;
  TraceGenerator generator(3);
  generator.Fill(a, 500);
  SpanBatch b;
  std::vector<uint32_t> all(a.size());
  std::iota(all.begin(), all.end(), 0);
  b.CopySpansFrom(a, all);
  for (uint32_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(SameSpanContent(a, a.spans()[i], b, b.spans()[i])) << i;
    ASSERT_EQ(SpanContentHash(a, a.spans()[i]), SpanContentHash(b, b.spans()[i])) << i;
  }
  // Distinct spans of a generated batch differ.
  EXPECT_FALSE(SameSpanContent(a, a.spans()[0], a, a.spans()[1]));
}

struct Mutation {
  std::string name;
  std::function<void(SpanBatch&, Span&)> apply;
};

std::vector<Mutation> Mutations() {
  return {
      {"trace_id", [](SpanBatch&, Span& s) { s.trace_id = Tid(2); }},
      {"span_id", [](SpanBatch&, Span& s) { s.span_id = Sid(5); }},
      {"parent_span_id", [](SpanBatch&, Span& s) { s.parent_span_id = SpanId(); }},
      {"trace_state", [](SpanBatch&, Span& s) { s.trace_state = "rojo=1"; }},
      {"flags", [](SpanBatch&, Span& s) { s.flags = 0x1; }},
      {"name", [](SpanBatch&, Span& s) { s.name = "GET /carts"; }},
      {"kind", [](SpanBatch&, Span& s) { s.kind = SpanKind::kClient; }},
      {"start", [](SpanBatch&, Span& s) { s.start_time_unix_nano = 101; }},
      {"end", [](SpanBatch&, Span& s) { s.end_time_unix_nano = 201; }},
      {"status_code", [](SpanBatch&, Span& s) { s.status_code = StatusCode::kOk; }},
      {"status_message", [](SpanBatch&, Span& s) { s.status_message = "bang"; }},
      {"dropped_attributes", [](SpanBatch&, Span& s) { s.dropped_attributes_count = 0; }},
      {"dropped_events", [](SpanBatch&, Span& s) { s.dropped_events_count = 0; }},
      {"dropped_links", [](SpanBatch&, Span& s) { s.dropped_links_count = 0; }},
      {"attribute removed", [](SpanBatch&, Span& s) { s.attributes = s.attributes.first(7); }},
      {"attribute key",
       [](SpanBatch& b, Span& s) { s.attributes = WithKey(b, s.attributes, 0, "t"); }},
      {"attributes reordered",
       [](SpanBatch& b, Span& s) {
         std::vector<KeyValue> copy(s.attributes.begin(), s.attributes.end());
         std::swap(copy[0], copy[1]);
         s.attributes = b.arena().CopyArray<KeyValue>(copy);
       }},
      {"string value",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 0, AnyValue::String("v"));
       }},
      {"string becomes bytes",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 0, AnyValue::Bytes("value"));
       }},
      {"bool value",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 1, AnyValue::Bool(false));
       }},
      {"int value",
       [](SpanBatch& b, Span& s) { s.attributes = With(b, s.attributes, 2, AnyValue::Int(7)); }},
      {"int becomes double",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 2, AnyValue::Double(-7));
       }},
      {"NaN payload",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 3,
                             AnyValue::Double(std::numeric_limits<double>::signaling_NaN()));
       }},
      {"bytes value",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 4, AnyValue::Bytes(std::string_view("\x00\xfe", 2)));
       }},
      {"array element",
       [](SpanBatch& b, Span& s) {
         static const AnyValue kOther[] = {AnyValue::Int(1), AnyValue::String("y"),
                                           AnyValue::Double(std::nan(""))};
         s.attributes = With(b, s.attributes, 5, AnyValue::Array(kOther));
       }},
      {"array length",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 5, AnyValue::Array(std::span(kInner).first(2)));
       }},
      {"nested kvlist value",
       [](SpanBatch& b, Span& s) {
         static const AnyValue kOther[] = {AnyValue::Int(2), AnyValue::String("x"),
                                           AnyValue::Double(std::nan(""))};
         static const KeyValue kList[] = {{"k", AnyValue::Array(kOther)},
                                          {"b", AnyValue::Bytes("\x00\x01")}};
         s.attributes = With(b, s.attributes, 6, AnyValue::KvList(kList));
       }},
      {"empty becomes empty string",
       [](SpanBatch& b, Span& s) {
         s.attributes = With(b, s.attributes, 7, AnyValue::String(""));
       }},
      {"event removed", [](SpanBatch&, Span& s) { s.events = {}; }},
      {"event time",
       [](SpanBatch& b, Span& s) {
         Event e = s.events[0];
         e.time_unix_nano = 151;
         s.events = b.arena().CopyArray<Event>(std::span(&e, 1));
       }},
      {"event name",
       [](SpanBatch& b, Span& s) {
         Event e = s.events[0];
         e.name = "log";
         s.events = b.arena().CopyArray<Event>(std::span(&e, 1));
       }},
      {"event dropped",
       [](SpanBatch& b, Span& s) {
         Event e = s.events[0];
         e.dropped_attributes_count = 0;
         s.events = b.arena().CopyArray<Event>(std::span(&e, 1));
       }},
      {"event attribute",
       [](SpanBatch& b, Span& s) {
         Event e = s.events[0];
         e.attributes = With(b, e.attributes, 0, AnyValue::String("F"));
         s.events = b.arena().CopyArray<Event>(std::span(&e, 1));
       }},
      {"link removed", [](SpanBatch&, Span& s) { s.links = {}; }},
      {"link trace_id",
       [](SpanBatch& b, Span& s) {
         Link l = s.links[0];
         l.trace_id = Tid(8);
         s.links = b.arena().CopyArray<Link>(std::span(&l, 1));
       }},
      {"link span_id",
       [](SpanBatch& b, Span& s) {
         Link l = s.links[0];
         l.span_id = Sid(8);
         s.links = b.arena().CopyArray<Link>(std::span(&l, 1));
       }},
      {"link trace_state",
       [](SpanBatch& b, Span& s) {
         Link l = s.links[0];
         l.trace_state = "";
         s.links = b.arena().CopyArray<Link>(std::span(&l, 1));
       }},
      {"link flags",
       [](SpanBatch& b, Span& s) {
         Link l = s.links[0];
         l.flags = 1;
         s.links = b.arena().CopyArray<Link>(std::span(&l, 1));
       }},
      {"link dropped",
       [](SpanBatch& b, Span& s) {
         Link l = s.links[0];
         l.dropped_attributes_count = 0;
         s.links = b.arena().CopyArray<Link>(std::span(&l, 1));
       }},
      {"link attribute",
       [](SpanBatch& b, Span& s) {
         Link l = s.links[0];
         l.attributes = With(b, l.attributes, 0, AnyValue::Int(4));
         s.links = b.arena().CopyArray<Link>(std::span(&l, 1));
       }},
      {"resource attribute",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s, [](SpanBatch& b2, Resource& r, InstrumentationScope&) {
           r.attributes = With(b2, r.attributes, 1, AnyValue::String("h2"));
         });
       }},
      {"resource dropped",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s, [](SpanBatch&, Resource& r, InstrumentationScope&) {
           r.dropped_attributes_count = 0;
         });
       }},
      {"resource schema_url",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s,
                    [](SpanBatch&, Resource& r, InstrumentationScope&) { r.schema_url = ""; });
       }},
      {"scope name",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s, [](SpanBatch&, Resource&, InstrumentationScope& c) { c.name = "lib2"; });
       }},
      {"scope version",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s,
                    [](SpanBatch&, Resource&, InstrumentationScope& c) { c.version = "1.3"; });
       }},
      {"scope attribute",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s, [](SpanBatch& b2, Resource&, InstrumentationScope& c) {
           c.attributes = With(b2, c.attributes, 0, AnyValue::Bool(true));
         });
       }},
      {"scope dropped",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s, [](SpanBatch&, Resource&, InstrumentationScope& c) {
           c.dropped_attributes_count = 0;
         });
       }},
      {"scope schema_url",
       [](SpanBatch& b, Span& s) {
         EditOrigin(b, s,
                    [](SpanBatch&, Resource&, InstrumentationScope& c) { c.schema_url = "x"; });
       }},
  };
}

TEST(SpanIdentity, EveryFieldCounts) {
  std::unique_ptr<SpanBatch> a = RichBatch();
  const Span& original = a->spans()[0];
  const uint64_t original_hash = SpanContentHash(*a, original);
  for (const Mutation& m : Mutations()) {
    SCOPED_TRACE(m.name);
    SpanBatch b;
    const uint32_t zero[] = {0};
    b.CopySpansFrom(*a, zero);
    m.apply(b, b.mutable_spans()[0]);
    const Span& changed = b.spans()[0];
    EXPECT_FALSE(SameSpanContent(*a, original, b, changed));
    EXPECT_FALSE(SameSpanContent(b, changed, *a, original));
    EXPECT_NE(SpanContentHash(b, changed), original_hash);
    // Within one batch too (the span and its changed copy side by side).
    b.CopySpansFrom(*a, zero);
    EXPECT_FALSE(SameSpanContent(b, b.spans()[0], b, b.spans()[1]));
    EXPECT_EQ(DropExactDuplicates(b), 0u);
  }
}

TEST(SpanIdentity, SameContentInAnotherScopeOfTheBatchIsSame) {
  // A batch holding the same resource and scope twice (two requests appended together).
  std::unique_ptr<SpanBatch> batch = RichBatch();
  Span copy = batch->spans()[0];
  EditOrigin(*batch, copy, [](SpanBatch&, Resource&, InstrumentationScope&) {});
  batch->AddSpan(copy);
  ASSERT_NE(batch->spans()[0].scope_index, batch->spans()[1].scope_index);
  EXPECT_TRUE(SameSpanContent(*batch, batch->spans()[0], *batch, batch->spans()[1]));
  EXPECT_EQ(DropExactDuplicates(*batch), 1u);
}

TEST(SpanIdentity, NegativeZeroDiffersFromZero) {
  std::unique_ptr<SpanBatch> a = RichBatch();
  SpanBatch b, c;
  const uint32_t zero[] = {0};
  b.CopySpansFrom(*a, zero);
  c.CopySpansFrom(*a, zero);
  Span& sb = b.mutable_spans()[0];
  Span& sc = c.mutable_spans()[0];
  sb.attributes = With(b, sb.attributes, 3, AnyValue::Double(0.0));
  sc.attributes = With(c, sc.attributes, 3, AnyValue::Double(-0.0));
  EXPECT_FALSE(SameSpanContent(b, sb, c, sc));
}

TEST(SpanIdentity, SharedIdClientAndServerAreKept) {
  // Zipkin shares one span id between the client and the server side of a call.
  std::unique_ptr<SpanBatch> batch = RichBatch();
  Span server = batch->spans()[0];
  Span client = server;
  client.kind = SpanKind::kClient;
  batch->AddSpan(client);
  batch->AddSpan(server);  // an exact copy of the first
  batch->AddSpan(client);  // and of the second
  EXPECT_FALSE(SameSpanContent(*batch, batch->spans()[0], *batch, batch->spans()[1]));
  EXPECT_EQ(DropExactDuplicates(*batch), 2u);
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ(batch->spans()[0].kind, SpanKind::kServer);
  EXPECT_EQ(batch->spans()[1].kind, SpanKind::kClient);
}

TEST(SpanIdentity, DropKeepsFirstCopyAndOrder) {
  SpanBatch batch;
  const uint32_t resource = batch.AddResource({});
  const uint32_t scope = batch.AddScope(resource, {});
  // Spans named by their content: a b a c b a d.
  for (std::string_view name : {"a", "b", "a", "c", "b", "a", "d"}) {
    Span s;
    s.trace_id = Tid(1);
    s.span_id = Sid(static_cast<uint8_t>(name[0]));
    s.scope_index = scope;
    // Each copy's name has its own address, which tells the copies apart.
    s.name = batch.arena().CopyString(name);
    batch.AddSpan(s);
  }
  const char* first_a = batch.spans()[0].name.data();
  const char* first_b = batch.spans()[1].name.data();
  EXPECT_EQ(DropExactDuplicates(batch), 3u);
  std::string names;
  for (const Span& s : batch.spans()) names += s.name;
  EXPECT_EQ(names, "abcd");
  EXPECT_EQ(batch.spans()[0].name.data(), first_a);
  EXPECT_EQ(batch.spans()[1].name.data(), first_b);
  EXPECT_EQ(DropExactDuplicates(batch), 0u);
}

TEST(SpanIdentity, EmptyAndSingleBatches) {
  SpanBatch empty;
  EXPECT_EQ(DropExactDuplicates(empty), 0u);
  std::unique_ptr<SpanBatch> one = RichBatch();
  EXPECT_EQ(DropExactDuplicates(*one), 0u);
  EXPECT_EQ(one->size(), 1u);
}

TEST(SpanIdentity, TenThousandSpansThreeCopiesEach) {
  SpanBatch original;
  TraceGenerator generator(11);
  generator.FillExactly(original, 10'000);
  std::vector<uint32_t> all(original.size());
  std::iota(all.begin(), all.end(), 0);
  // Three copies, interleaved: each copy pass in a different order.
  SpanBatch batch;
  batch.CopySpansFrom(original, all);
  std::vector<uint32_t> reversed(all.rbegin(), all.rend());
  batch.CopySpansFrom(original, reversed);
  batch.CopySpansFrom(original, all);
  ASSERT_EQ(batch.size(), 30'000u);
  EXPECT_EQ(DropExactDuplicates(batch), 20'000u);
  ASSERT_EQ(batch.size(), 10'000u);
  for (uint32_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE(SameSpanContent(original, original.spans()[i], batch, batch.spans()[i])) << i;
  }
}

}  // namespace
}  // namespace weft::storage
