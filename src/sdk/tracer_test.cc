// API semantics of the SDK: no-op without a provider, parenting, scopes, threads, attributes,
// events, links, status, limits, samplers.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "weft/sdk.h"

namespace weft {
namespace {

struct TestProvider {
  std::shared_ptr<InMemorySpans> spans = std::make_shared<InMemorySpans>();
  std::unique_ptr<TracerProvider> provider;

  explicit TestProvider(std::unique_ptr<Sampler> sampler = nullptr, SpanLimits limits = {}) {
    TracerProviderOptions options;
    options.resource.Set("service.name", "test");
    options.sampler = std::move(sampler);
    options.limits = limits;
    options.processors.push_back(SimpleProcessor(InMemoryExporter(spans)));
    provider = std::make_unique<TracerProvider>(std::move(options));
  }
  Tracer tracer() { return provider->GetTracer("test.scope", "1.2"); }
  SpanData Only() {
    auto all = spans->Spans();
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? SpanData{} : all[0];
  }
};

TEST(NoProviderTest, EverythingIsANoOp) {
  SetGlobalTracerProvider(nullptr);
  Tracer tracer = GetTracer("x");
  EXPECT_FALSE(tracer.Enabled());
  Span span = tracer.StartSpan("a", {.attributes = {{"k", 1}}});
  EXPECT_FALSE(span.IsRecording());
  EXPECT_FALSE(span.Context().valid());
  span.SetAttribute("k", "v");
  span.AddEvent("e");
  span.SetStatus(StatusCode::kError, "x");
  span.End();
  Scope scope(span);
  EXPECT_FALSE(Context::Current().span_context.valid());
}

TEST(NoProviderTest, AnExtractedParentIsRelayed) {
  SetGlobalTracerProvider(nullptr);
  Tracer tracer = GetTracer("x");
  SpanContext remote;
  remote.trace_id = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  remote.span_id = *SpanId::FromHex("00f067aa0ba902b7");
  remote.trace_flags = kTraceFlagSampled;
  remote.remote = true;
  const Context parent(remote);
  Span span = tracer.StartSpan("relay", {.parent = &parent});
  EXPECT_FALSE(span.IsRecording());
  EXPECT_EQ(span.Context().trace_id, remote.trace_id) << "injected downstream unchanged";
  EXPECT_EQ(span.Context().span_id, remote.span_id);
  {
    Scope scope(parent);
    EXPECT_EQ(tracer.StartSpan("implicit").Context().span_id, remote.span_id);
    EXPECT_FALSE(tracer.StartSpan("root", {.root = true}).Context().valid());
  }
}

TEST(TracerTest, RootSpanHasIdsTimesScopeAndResource) {
  TestProvider p;
  {
    Span span = p.tracer().StartSpan("root", {.kind = SpanKind::kServer});
    EXPECT_TRUE(span.IsRecording());
    EXPECT_TRUE(span.Context().valid());
    EXPECT_TRUE(span.Context().sampled());
    EXPECT_TRUE(span.Context().trace_flags & kTraceFlagRandom);
  }
  SpanData d = p.Only();
  EXPECT_EQ(d.name, "root");
  EXPECT_EQ(d.kind, SpanKind::kServer);
  EXPECT_FALSE(d.parent_span_id.valid());
  EXPECT_EQ(d.scope_name, "test.scope");
  EXPECT_EQ(d.scope_version, "1.2");
  EXPECT_LE(d.start_time, d.end_time);
  const auto now = std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(now - d.start_time), std::chrono::seconds(5));
  EXPECT_EQ(p.provider->resource().Find("service.name")->string_value, "test");
}

TEST(TracerTest, ScopeMakesChildrenAndRestores) {
  TestProvider p;
  Tracer t = p.tracer();
  SpanContext parent_ctx, child_ctx, sibling_ctx;
  {
    Span parent = t.StartSpan("parent");
    parent_ctx = parent.Context();
    {
      Scope scope(parent);
      EXPECT_EQ(Context::Current().span_context.span_id, parent_ctx.span_id);
      Span child = t.StartSpan("child");
      child_ctx = child.Context();
      Span root = t.StartSpan("new root", {.root = true});
      EXPECT_NE(root.Context().trace_id, parent_ctx.trace_id);
    }
    EXPECT_FALSE(Context::Current().span_context.valid());
    Span sibling = t.StartSpan("not a child");
    sibling_ctx = sibling.Context();
  }
  EXPECT_EQ(child_ctx.trace_id, parent_ctx.trace_id);
  EXPECT_NE(sibling_ctx.trace_id, parent_ctx.trace_id);
  for (const SpanData& d : p.spans->Spans()) {
    if (d.name == "child") {
      EXPECT_EQ(d.parent_span_id, parent_ctx.span_id);
    }
    if (d.name == "not a child") {
      EXPECT_FALSE(d.parent_span_id.valid());
    }
  }
}

TEST(TracerTest, ExplicitRemoteParent) {
  TestProvider p;
  SpanContext remote;
  remote.trace_id = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  remote.span_id = *SpanId::FromHex("00f067aa0ba902b7");
  remote.trace_flags = kTraceFlagSampled;
  remote.remote = true;
  remote.trace_state = "congo=t61rcWkgMzE";
  const Context parent(remote);
  { Span span = p.tracer().StartSpan("server", {.parent = &parent}); }
  SpanData d = p.Only();
  EXPECT_EQ(d.context.trace_id.ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(d.parent_span_id.ToHex(), "00f067aa0ba902b7");
  EXPECT_TRUE(d.parent_remote);
  EXPECT_EQ(d.context.trace_state, "congo=t61rcWkgMzE");
}

TEST(TracerTest, WrapCarriesContextToAnotherThread) {
  TestProvider p;
  Tracer t = p.tracer();
  SpanContext parent_ctx;
  {
    Span parent = t.StartSpan("parent");
    parent_ctx = parent.Context();
    Scope scope(parent);
    std::thread worker(Wrap([&] { Span s = t.StartSpan("in thread"); }));
    worker.join();
    std::thread bare([&] { Span s = t.StartSpan("bare thread"); });
    bare.join();
  }
  for (const SpanData& d : p.spans->Spans()) {
    if (d.name == "in thread") {
      EXPECT_EQ(d.parent_span_id, parent_ctx.span_id);
    }
    if (d.name == "bare thread") {
      EXPECT_FALSE(d.parent_span_id.valid());
    }
  }
  EXPECT_EQ(p.spans->size(), 3u);
}

TEST(TracerTest, AttributesEventsLinksStatus) {
  TestProvider p;
  SpanContext linked;
  linked.trace_id = *TraceId::FromHex("0102030405060708090a0b0c0d0e0f10");
  linked.span_id = *SpanId::FromHex("0102030405060708");
  {
    std::string temporary = "temporary string";
    Span span = p.tracer().StartSpan("op", {.attributes = {{"a.int", 42}, {"a.str", "x"}},
                                            .links = {{linked, {{"link.attr", true}}}}});
    span.SetAttribute("a.double", 1.5);
    span.SetAttribute("a.bool", false);
    span.SetAttribute("a.str", std::string_view(temporary));  // replaces, copies
    temporary.assign("overwritten!!!!!");
    span.AddEvent("cache miss", {{"key", "user:1"}});
    span.RecordException("std::runtime_error", "boom", "frame1\nframe2");
    span.SetStatus(StatusCode::kError, "failed");
    span.UpdateName("op renamed");
  }
  SpanData d = p.Only();
  EXPECT_EQ(d.name, "op renamed");
  ASSERT_EQ(d.attributes.size(), 4u);
  EXPECT_EQ(d.FindAttribute("a.int")->int_value, 42);
  EXPECT_EQ(d.FindAttribute("a.str")->string_value, "temporary string");
  EXPECT_EQ(d.FindAttribute("a.double")->double_value, 1.5);
  EXPECT_EQ(d.FindAttribute("a.bool")->bool_value, false);
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[0].name, "cache miss");
  EXPECT_EQ(d.events[0].attributes[0].string_value, "user:1");
  EXPECT_EQ(d.events[1].name, "exception");
  EXPECT_EQ(d.events[1].attributes.size(), 3u);
  EXPECT_EQ(d.events[1].attributes[0].key, "exception.type");
  ASSERT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.links[0].context.span_id, linked.span_id);
  EXPECT_EQ(d.links[0].attributes[0].key, "link.attr");
  EXPECT_EQ(d.status, StatusCode::kError);
  EXPECT_EQ(d.status_message, "failed");
}

TEST(TracerTest, OkStatusIsFinalAndUnsetIgnored) {
  TestProvider p;
  {
    Span span = p.tracer().StartSpan("op");
    span.SetStatus(StatusCode::kOk, "ignored description");
    span.SetStatus(StatusCode::kError, "too late");
    span.SetStatus(StatusCode::kUnset);
  }
  SpanData d = p.Only();
  EXPECT_EQ(d.status, StatusCode::kOk);
  EXPECT_EQ(d.status_message, "");
}

TEST(TracerTest, LimitsDropAndCount) {
  SpanLimits limits;
  limits.max_attributes = 3;
  limits.max_events = 2;
  limits.max_links = 1;
  limits.max_attributes_per_event = 1;
  limits.max_attribute_value_length = 4;
  TestProvider p(nullptr, limits);
  SpanContext other;
  other.trace_id = *TraceId::FromHex("0102030405060708090a0b0c0d0e0f10");
  other.span_id = *SpanId::FromHex("0102030405060708");
  {
    Span span = p.tracer().StartSpan("op");
    for (int i = 0; i < 10; ++i) span.SetAttribute("k" + std::to_string(i), i);
    span.SetAttribute("k0", "hhhé");  // replacing an existing key is always allowed
    for (int i = 0; i < 5; ++i) span.AddEvent("e", {{"a", 1}, {"b", 2}});
    for (int i = 0; i < 3; ++i) span.AddLink(other);
  }
  SpanData d = p.Only();
  EXPECT_EQ(d.attributes.size(), 3u);
  EXPECT_EQ(d.dropped_attributes, 7u);
  EXPECT_EQ(d.FindAttribute("k0")->string_value, "hhh");  // 4 bytes max; "é" is not split
  EXPECT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.dropped_events, 3u);
  EXPECT_EQ(d.events[0].attributes.size(), 1u);
  EXPECT_EQ(d.events[0].dropped_attributes, 1u);
  EXPECT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.dropped_links, 2u);
}

TEST(TracerTest, MovedSpanEndsOnce) {
  TestProvider p;
  {
    Span a = p.tracer().StartSpan("a");
    Span b = std::move(a);
    EXPECT_FALSE(a.IsRecording());  // NOLINT(bugprone-use-after-move): testing the moved-from state
    b.End();
    b.End();
    EXPECT_FALSE(b.IsRecording());
    Span c = p.tracer().StartSpan("c");
    c = p.tracer().StartSpan("d");  // ends "c"
  }
  EXPECT_EQ(p.spans->size(), 3u);
}

TEST(TracerTest, ExplicitTimes) {
  TestProvider p;
  const SystemTime start = SystemTime(std::chrono::seconds(1'700'000'000));
  {
    Span span = p.tracer().StartSpan("op", {.start_time = start});
    span.End(start + std::chrono::milliseconds(250));
  }
  SpanData d = p.Only();
  EXPECT_EQ(d.start_time, start);
  EXPECT_EQ(d.end_time - d.start_time, std::chrono::milliseconds(250));
}

TEST(TracerTest, GlobalProviderAndShutdown) {
  TestProvider p;
  Tracer global = GetTracer("g");  // created before the provider is installed
  SetGlobalTracerProvider(p.provider.get());
  EXPECT_EQ(GetGlobalTracerProvider(), p.provider.get());
  { Span s = global.StartSpan("via global"); }
  EXPECT_EQ(p.spans->size(), 1u);
  p.provider->Shutdown();
  {
    Span s = global.StartSpan("after shutdown");
    EXPECT_FALSE(s.IsRecording());
  }
  SetGlobalTracerProvider(nullptr);
  EXPECT_EQ(p.spans->size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Samplers

TEST(SamplerTest, AlwaysOffStillPropagatesUnsampledContext) {
  TestProvider p(AlwaysOffSampler());
  Span span = p.tracer().StartSpan("x");
  EXPECT_FALSE(span.IsRecording());
  EXPECT_TRUE(span.Context().valid());
  EXPECT_FALSE(span.Context().sampled());
  span.End();
  EXPECT_EQ(p.spans->size(), 0u);
}

TEST(SamplerTest, ParentBasedFollowsParent) {
  TestProvider p(ParentBasedSampler(AlwaysOffSampler()));
  SpanContext sampled;
  sampled.trace_id = *TraceId::FromHex("0102030405060708090a0b0c0d0e0f10");
  sampled.span_id = *SpanId::FromHex("0102030405060708");
  sampled.trace_flags = kTraceFlagSampled;
  SpanContext unsampled = sampled;
  unsampled.trace_flags = 0;
  const Context a(sampled), b(unsampled);
  EXPECT_TRUE(p.tracer().StartSpan("s", {.parent = &a}).IsRecording());
  EXPECT_FALSE(p.tracer().StartSpan("u", {.parent = &b}).IsRecording());
  EXPECT_FALSE(p.tracer().StartSpan("root").IsRecording());
  // Children of an unsampled local span are unsampled too.
  Span parent = p.tracer().StartSpan("u2", {.parent = &b});
  Scope scope(parent);
  EXPECT_FALSE(p.tracer().StartSpan("child").IsRecording());
}

TEST(SamplerTest, RatioSamplesAboutTheRatioAndIsConsistent) {
  TestProvider p(TraceIdRatioSampler(0.25));
  int sampled = 0;
  const int n = 40000;
  for (int i = 0; i < n; ++i) sampled += p.tracer().StartSpan("x").IsRecording() ? 1 : 0;
  EXPECT_NEAR(sampled / static_cast<double>(n), 0.25, 0.02);
  // Same trace id, same decision.
  auto s = TraceIdRatioSampler(0.5);
  TraceId id = *TraceId::FromHex("0102030405060708090a0b0c0d0e0f10");
  SamplingParams params{nullptr, id, "x", SpanKind::kInternal, {}};
  const SamplingDecision first = s->ShouldSample(params);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s->ShouldSample(params), first);
  EXPECT_EQ(TraceIdRatioSampler(0)->ShouldSample(params), SamplingDecision::kDrop);
  EXPECT_EQ(TraceIdRatioSampler(1)->ShouldSample(params), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(TraceIdRatioSampler(0.5)->Description(), "TraceIdRatioBased{0.5}");
}

TEST(IdsTest, HexRoundTripAndValidity) {
  EXPECT_FALSE(TraceId{}.valid());
  EXPECT_FALSE(TraceId::FromHex("00000000000000000000000000000000").has_value());
  EXPECT_FALSE(TraceId::FromHex("xyz").has_value());
  auto id = TraceId::FromHex("4BF92F3577B34DA6A3CE929D0E0E4736");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(SpanId::FromHex("00f067aa0ba902b7")->ToHex(), "00f067aa0ba902b7");
}

TEST(IdsTest, GeneratedIdsAreUnique) {
  TestProvider p;
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(p.tracer().StartSpan("x").Context().span_id.ToHex());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace weft
