#include "model/trace_generator.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gtest/gtest.h"

namespace weft {
namespace {

// Spans of `batch` grouped by trace id, in order of first appearance.
std::vector<std::vector<const Span*>> GroupByTrace(const SpanBatch& batch) {
  std::vector<std::vector<const Span*>> traces;
  std::unordered_map<TraceId, size_t, IdHash> index;
  for (const Span& span : batch.spans()) {
    auto [it, inserted] = index.try_emplace(span.trace_id, traces.size());
    if (inserted) traces.emplace_back();
    traces[it->second].push_back(&span);
  }
  return traces;
}

void ExpectSameSpan(const SpanBatch& a, const Span& x, const SpanBatch& b, const Span& y) {
  EXPECT_EQ(x.trace_id, y.trace_id);
  EXPECT_EQ(x.span_id, y.span_id);
  EXPECT_EQ(x.parent_span_id, y.parent_span_id);
  EXPECT_EQ(x.name, y.name);
  EXPECT_EQ(x.kind, y.kind);
  EXPECT_EQ(x.flags, y.flags);
  EXPECT_EQ(x.start_time_unix_nano, y.start_time_unix_nano);
  EXPECT_EQ(x.end_time_unix_nano, y.end_time_unix_nano);
  EXPECT_EQ(x.status_code, y.status_code);
  EXPECT_EQ(x.status_message, y.status_message);
  EXPECT_TRUE(std::equal(x.attributes.begin(), x.attributes.end(), y.attributes.begin(),
                         y.attributes.end()));
  ASSERT_EQ(x.events.size(), y.events.size());
  for (size_t i = 0; i < x.events.size(); ++i) {
    EXPECT_EQ(x.events[i].name, y.events[i].name);
    EXPECT_EQ(x.events[i].time_unix_nano, y.events[i].time_unix_nano);
    EXPECT_TRUE(std::equal(x.events[i].attributes.begin(), x.events[i].attributes.end(),
                           y.events[i].attributes.begin(), y.events[i].attributes.end()));
  }
  ASSERT_EQ(x.links.size(), y.links.size());
  for (size_t i = 0; i < x.links.size(); ++i) {
    EXPECT_EQ(x.links[i].trace_id, y.links[i].trace_id);
    EXPECT_EQ(x.links[i].span_id, y.links[i].span_id);
  }
  EXPECT_EQ(a.scope_of(x).name, b.scope_of(y).name);
  EXPECT_EQ(a.scope_of(x).version, b.scope_of(y).version);
  const Attributes ra = a.resource_of(x).attributes;
  const Attributes rb = b.resource_of(y).attributes;
  EXPECT_TRUE(std::equal(ra.begin(), ra.end(), rb.begin(), rb.end()));
}

TEST(TraceGeneratorTest, SameSeedSameTraces) {
  TraceGenerator g1(42), g2(42);
  SpanBatch b1, b2;
  g1.Fill(b1, 5000);
  g2.Fill(b2, 5000);
  ASSERT_EQ(b1.size(), b2.size());
  for (size_t i = 0; i < b1.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameSpan(b1, b1.spans()[i], b2, b2.spans()[i]);
  }
  EXPECT_EQ(g1.traces_generated(), g2.traces_generated());
  EXPECT_EQ(g1.spans_generated(), b1.size());
}

TEST(TraceGeneratorTest, DifferentSeedsDiffer) {
  TraceGenerator g1(1), g2(2);
  SpanBatch b1, b2;
  g1.NextTrace(b1);
  g2.NextTrace(b2);
  EXPECT_NE(b1.spans()[0].trace_id, b2.spans()[0].trace_id);
}

TEST(TraceGeneratorTest, BatchBoundariesDoNotChangeTheTraces) {
  TraceGenerator whole(7), pieces(7);
  SpanBatch all;
  for (int i = 0; i < 200; ++i) whole.NextTrace(all);
  std::vector<SpanBatch> batches;
  size_t offset = 0;
  for (int i = 0; i < 200; ++i) {
    SpanBatch& batch = batches.emplace_back();
    pieces.NextTrace(batch);
    for (const Span& span : batch.spans()) {
      ASSERT_LT(offset, all.size());
      ExpectSameSpan(all, all.spans()[offset++], batch, span);
    }
  }
  EXPECT_EQ(offset, all.size());
}

TEST(TraceGeneratorTest, SpansPerTraceWithinRange) {
  TraceGenerator generator(3);
  SpanBatch batch;
  for (int i = 0; i < 1000; ++i) generator.NextTrace(batch);
  const auto traces = GroupByTrace(batch);
  ASSERT_EQ(traces.size(), 1000u);
  size_t smallest = SIZE_MAX, largest = 0;
  for (const auto& trace : traces) {
    EXPECT_GE(trace.size(), 5u);
    EXPECT_LE(trace.size(), 50u);
    smallest = std::min(smallest, trace.size());
    largest = std::max(largest, trace.size());
  }
  // Uniform over [5, 50]: 1000 traces reach both ends of the range.
  EXPECT_LE(smallest, 6u);
  EXPECT_GE(largest, 49u);
}

TEST(TraceGeneratorTest, CustomSpanCountRange) {
  for (uint32_t count : {1u, 2u, 3u, 200u}) {
    TraceGeneratorOptions options;
    options.min_spans_per_trace = count;
    options.max_spans_per_trace = count;
    TraceGenerator generator(count, options);
    SpanBatch batch;
    for (int i = 0; i < 20; ++i) {
      const size_t before = batch.size();
      generator.NextTrace(batch);
      EXPECT_EQ(batch.size() - before, count);
    }
  }
}

TEST(TraceGeneratorTest, EachTraceIsOneTreeOfNestedSpans) {
  TraceGenerator generator(11);
  SpanBatch batch;
  generator.Fill(batch, 20'000);
  std::unordered_set<SpanId, IdHash> all_span_ids;
  for (const auto& trace : GroupByTrace(batch)) {
    std::unordered_map<SpanId, const Span*, IdHash> by_id;
    for (const Span* span : trace) {
      ASSERT_TRUE(span->trace_id.IsValid());
      ASSERT_TRUE(span->span_id.IsValid());
      EXPECT_TRUE(all_span_ids.insert(span->span_id).second) << "duplicate span id";
      by_id[span->span_id] = span;
    }
    int roots = 0;
    for (const Span* span : trace) {
      EXPECT_LT(span->start_time_unix_nano, span->end_time_unix_nano);
      if (span->is_root()) {
        ++roots;
        EXPECT_EQ(span->kind, SpanKind::kServer);
        EXPECT_EQ(ServiceName(batch.resource_of(*span)), "frontend");
        continue;
      }
      auto parent_it = by_id.find(span->parent_span_id);
      ASSERT_NE(parent_it, by_id.end()) << "parent missing from its trace";
      const Span& parent = *parent_it->second;
      // Children run within their parent.
      EXPECT_GE(span->start_time_unix_nano, parent.start_time_unix_nano);
      EXPECT_LE(span->end_time_unix_nano, parent.end_time_unix_nano);
      const std::string_view service = ServiceName(batch.resource_of(*span));
      const std::string_view parent_service = ServiceName(batch.resource_of(parent));
      if (span->kind == SpanKind::kServer) {
        // A cross-service call: the CLIENT span lives in the caller, the SERVER in the callee.
        EXPECT_EQ(parent.kind, SpanKind::kClient);
        EXPECT_NE(service, parent_service);
        EXPECT_EQ(span->flags & kSpanFlagsIsRemote, kSpanFlagsIsRemote);
      } else {
        EXPECT_EQ(service, parent_service);
        EXPECT_NE(parent.kind, SpanKind::kClient) << "a CLIENT span's only child is a SERVER span";
      }
    }
    EXPECT_EQ(roots, 1);
  }
}

TEST(TraceGeneratorTest, AboutTenAttributesOfSeveralTypes) {
  TraceGenerator generator(5);
  SpanBatch batch;
  generator.Fill(batch, 20'000);
  size_t total = 0;
  std::set<ValueType> types;
  for (const Span& span : batch.spans()) {
    EXPECT_GE(span.attributes.size(), 8u);
    EXPECT_LE(span.attributes.size(), 12u);
    total += span.attributes.size();
    for (const KeyValue& kv : span.attributes) types.insert(kv.value.type());
  }
  const double mean = static_cast<double>(total) / static_cast<double>(batch.size());
  EXPECT_GE(mean, 9.5);
  EXPECT_LE(mean, 11.0);
  EXPECT_EQ(types, (std::set<ValueType>{ValueType::kString, ValueType::kInt, ValueType::kBool,
                                        ValueType::kDouble}));
  // The usual semantic-convention keys appear.
  std::set<std::string_view> keys;
  for (const Span& span : batch.spans()) {
    for (const KeyValue& kv : span.attributes) keys.insert(kv.key);
  }
  for (std::string_view key : {"http.method", "http.route", "http.status_code", "db.system",
                               "db.statement", "net.peer.name", "enduser.id", "rpc.method"}) {
    EXPECT_TRUE(keys.count(key)) << key;
  }
}

TEST(TraceGeneratorTest, OneResourceAndScopePerServicePerBatch) {
  TraceGenerator generator(9);
  SpanBatch batch;
  generator.Fill(batch, 10'000);
  EXPECT_EQ(batch.resources().size(), TraceGenerator::kServiceCount);
  EXPECT_EQ(batch.scopes().size(), TraceGenerator::kServiceCount);
  std::set<std::string_view> services;
  for (const ScopeEntry& entry : batch.scopes()) {
    EXPECT_FALSE(entry.scope.name.empty());
    EXPECT_FALSE(entry.scope.version.empty());
    services.insert(ServiceName(batch.resources()[entry.resource_index]));
  }
  EXPECT_EQ(services, (std::set<std::string_view>{"frontend", "checkout", "cart", "catalog",
                                                  "payment", "users"}));
  for (const Resource& resource : batch.resources()) {
    EXPECT_GE(resource.attributes.size(), 10u);
  }
  // A second batch from the same generator gets its own resources and scopes.
  SpanBatch second;
  generator.Fill(second, 1000);
  EXPECT_EQ(second.resources().size(), TraceGenerator::kServiceCount);
  for (const Span& span : second.spans()) ASSERT_LT(span.scope_index, second.scopes().size());
}

TEST(TraceGeneratorTest, ErrorAndLatencyTails) {
  TraceGenerator generator(13);
  SpanBatch batch;
  generator.Fill(batch, 100'000);
  size_t errors = 0, exception_events = 0;
  std::map<std::string_view, std::vector<uint64_t>> durations;
  for (const Span& span : batch.spans()) {
    if (span.status_code == StatusCode::kError) {
      ++errors;
      EXPECT_FALSE(span.status_message.empty());
    }
    for (const Event& event : span.events) {
      if (event.name == "exception") {
        ++exception_events;
        EXPECT_GE(event.time_unix_nano, span.start_time_unix_nano);
        EXPECT_LE(event.time_unix_nano, span.end_time_unix_nano);
      }
    }
    if (span.kind == SpanKind::kClient && span.name.starts_with("SELECT")) {
      durations[span.name].push_back(span.duration_nanos());
    }
  }
  const double error_share = static_cast<double>(errors) / static_cast<double>(batch.size());
  EXPECT_GE(error_share, 0.015);
  EXPECT_LE(error_share, 0.04);
  EXPECT_GT(exception_events, errors / 2);
  ASSERT_FALSE(durations.empty());
  for (auto& [name, values] : durations) {
    std::sort(values.begin(), values.end());
    const uint64_t p50 = values[values.size() / 2];
    const uint64_t p99 = values[values.size() * 99 / 100];
    const uint64_t max = values.back();
    SCOPED_TRACE(name);
    EXPECT_GT(p99, 3 * p50);   // a lognormal tail
    EXPECT_GT(max, 20 * p50);  // and outliers
    EXPECT_GT(p50, 100'000u);  // database calls take a fraction of a millisecond
    EXPECT_LT(p50, 5'000'000u);
  }
}

TEST(TraceGeneratorTest, TimestampsAdvanceFromTheStartTime) {
  TraceGeneratorOptions options;
  options.start_time_unix_nano = 1'800'000'000'000'000'000ULL;
  options.trace_interval_nanos = 2'000'000;
  TraceGenerator generator(17, options);
  SpanBatch batch;
  for (int i = 0; i < 2000; ++i) generator.NextTrace(batch);
  uint64_t previous_root_start = 0;
  uint64_t first_root_start = 0;
  for (const auto& trace : GroupByTrace(batch)) {
    const Span* root = trace.front();
    ASSERT_TRUE(root->is_root());
    if (first_root_start == 0) first_root_start = root->start_time_unix_nano;
    EXPECT_GE(root->start_time_unix_nano, previous_root_start);
    previous_root_start = root->start_time_unix_nano;
    for (const Span* span : trace)
      EXPECT_GE(span->start_time_unix_nano, root->start_time_unix_nano);
  }
  EXPECT_EQ(first_root_start, options.start_time_unix_nano);
  // 2000 traces, 2 ms apart on average: about 4 s of simulated time.
  const double elapsed = static_cast<double>(previous_root_start - first_root_start);
  EXPECT_GT(elapsed, 3.4e9);
  EXPECT_LT(elapsed, 4.6e9);
}

TEST(TraceGeneratorTest, FillAppendsWholeTracesAndAtLeastTheMinimum) {
  TraceGenerator generator(19);
  SpanBatch batch;
  generator.Fill(batch, 512);
  EXPECT_GE(batch.size(), 512u);
  EXPECT_LT(batch.size(), 512u + 50u);
  const size_t first = batch.size();
  generator.Fill(batch, 100);
  EXPECT_GE(batch.size(), first + 100);
  // Every trace in the batch is complete: its span count is what the tree builder made.
  size_t spans = 0;
  for (const auto& trace : GroupByTrace(batch)) spans += trace.size();
  EXPECT_EQ(spans, generator.spans_generated());
}

TEST(TraceGeneratorTest, FillExactlyAppendsExactlyThatManySpansInWholeTraces) {
  TraceGenerator generator(29);
  for (size_t spans : {1u, 4u, 49u, 512u, 1000u}) {
    SpanBatch batch;
    generator.FillExactly(batch, spans);
    EXPECT_EQ(batch.size(), spans);
    // Whole traces: every parent is in the batch.
    for (const auto& trace : GroupByTrace(batch)) {
      std::unordered_set<SpanId, IdHash> ids;
      for (const Span* span : trace) ids.insert(span->span_id);
      for (const Span* span : trace) {
        EXPECT_TRUE(span->is_root() || ids.count(span->parent_span_id) == 1);
      }
    }
  }
}

TEST(TraceGeneratorTest, BatchOutlivesTheGenerator) {
  SpanBatch batch;
  {
    auto generator = std::make_unique<TraceGenerator>(23);
    generator->Fill(batch, 300);
  }
  // Strings point into the batch arena or static storage (ASan builds check this).
  size_t bytes = 0;
  for (const Span& span : batch.spans()) {
    bytes += span.name.size();
    for (const KeyValue& kv : span.attributes) {
      bytes += kv.key.size();
      if (kv.value.type() == ValueType::kString) bytes += kv.value.string_value().size();
    }
  }
  EXPECT_GT(bytes, 0u);
}

}  // namespace
}  // namespace weft
