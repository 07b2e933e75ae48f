#include "model/span_batch.h"

#include <string>

#include "gtest/gtest.h"

namespace weft {
namespace {

SpanBatch MakeBatch() {
  SpanBatch batch;
  std::string_view input = batch.AdoptInput("checkoutGET /cart");
  Arena& arena = batch.arena();
  const KeyValue resource_attrs[] = {{"service.name", AnyValue::String(input.substr(0, 8))}};
  const uint32_t r = batch.AddResource({arena.CopyArray(Attributes(resource_attrs)), 0, ""});
  const uint32_t s = batch.AddScope(r, {"scope", "1.0", {}, 0, ""});
  Span span;
  span.trace_id = TraceId::Random();
  span.span_id = SpanId::Random();
  span.name = input.substr(8);
  span.kind = SpanKind::kServer;
  span.start_time_unix_nano = 100;
  span.end_time_unix_nano = 350;
  const KeyValue attrs[] = {{"http.status_code", AnyValue::Int(500)}};
  span.attributes = arena.CopyArray(Attributes(attrs));
  const Event events[] = {{120, arena.CopyString("retry"), {}, 0}};
  span.events = arena.CopyArray(std::span<const Event>(events));
  span.scope_index = s;
  batch.AddSpan(span);
  Span child = span;
  child.parent_span_id = span.span_id;
  child.span_id = SpanId::Random();
  child.name = "SELECT";
  batch.AddSpan(child);
  return batch;
}

TEST(SpanBatchTest, SpansPointAtScopeAndResource) {
  SpanBatch batch = MakeBatch();
  ASSERT_EQ(batch.size(), 2u);
  const Span& root = batch.spans()[0];
  EXPECT_TRUE(root.is_root());
  EXPECT_FALSE(batch.spans()[1].is_root());
  EXPECT_EQ(root.duration_nanos(), 250u);
  EXPECT_EQ(root.name, "GET /cart");
  EXPECT_EQ(ServiceName(batch.resource_of(root)), "checkout");
  EXPECT_EQ(batch.scope_of(root).version, "1.0");
  EXPECT_EQ(SpanKindName(root.kind), "server");
}

TEST(SpanBatchTest, ViewsSurviveAMove) {
  SpanBatch batch = MakeBatch();
  const std::string_view name = batch.spans()[0].name;
  SpanBatch moved = std::move(batch);
  EXPECT_EQ(moved.spans()[0].name.data(), name.data());
  EXPECT_EQ(moved.spans()[0].name, "GET /cart");
}

TEST(SpanBatchTest, CopySpansFromIsDeepAndSharesScopes) {
  SpanBatch target;
  {
    SpanBatch source = MakeBatch();
    const uint32_t indexes[] = {0, 1};
    target.CopySpansFrom(source, indexes);
  }  // source destroyed: target must not point into it
  ASSERT_EQ(target.size(), 2u);
  EXPECT_EQ(target.scopes().size(), 1u);
  EXPECT_EQ(target.resources().size(), 1u);
  const Span& root = target.spans()[0];
  EXPECT_EQ(root.name, "GET /cart");
  EXPECT_EQ(ServiceName(target.resource_of(root)), "checkout");
  EXPECT_EQ(root.attributes[0].value.int_value(), 500);
  EXPECT_EQ(root.events[0].name, "retry");
  EXPECT_EQ(target.spans()[1].name, "SELECT");
}

TEST(SpanBatchTest, RemoveSpansIfKeepsOrder) {
  SpanBatch batch = MakeBatch();
  EXPECT_EQ(batch.RemoveSpansIf([](const Span& s) { return s.is_root(); }), 1u);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.spans()[0].name, "SELECT");
}

TEST(SpanBatchTest, MemoryBytesCountsTheArena) {
  SpanBatch batch = MakeBatch();
  const size_t before = batch.MemoryBytes();
  for (int i = 0; i < 1000; ++i) batch.arena().CopyString(std::string(100, 'x'));
  EXPECT_GE(batch.MemoryBytes(), before + 100000);
}

}  // namespace
}  // namespace weft
