// Test data for the conformance suite: spans described as plain values (TestSpan) turned into
// SpanBatches, condition shorthands, and "the shop": eight small traces, each built so that a
// search case has exactly the matches it expects and close counterexamples beside them.
// Thread rule: plain functions and values.
#pragma once

#include <utility>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/ids.h"
#include "model/span_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage::conformance {

using TestValue = std::variant<std::string, int64_t, double, bool>;
using TestAttributes = std::vector<std::pair<std::string, TestValue>>;

struct TestEvent {
  std::string name;
  uint64_t time_offset_nanos = 0;  // after the span's start
  TestAttributes attributes;
};

struct TestSpan {
  TraceId trace;
  uint64_t id = 0;      // span id as a number; REQUIRES non-zero
  uint64_t parent = 0;  // 0: a root span
  std::string service;
  std::string name;
  SpanKind kind = SpanKind::kServer;
  StatusCode status = StatusCode::kUnset;
  uint64_t start = 0;  // unix nanos
  uint64_t duration = 0;
  TestAttributes attributes = {};
  TestAttributes resource = {};  // besides service.name
  std::vector<TestEvent> events = {};
};

// A span with no attributes or events (status unset), for the cases that need only a few.
TestSpan SpanOf(const TraceId& trace, uint64_t id, uint64_t parent, std::string service,
                std::string name, SpanKind kind, uint64_t start, uint64_t duration);

inline constexpr uint64_t kMillis = 1'000'000;
inline constexpr uint64_t kMinute = 60'000 * kMillis;
// 2023-11-14T22:13:20Z: the start of every hand-made trace's timeline.
inline constexpr uint64_t kBaseTime = 1'700'000'000'000'000'000ULL;

SpanId SpanIdOf(uint64_t n);
// A trace id whose first byte is `family` (so families do not collide) and last bytes `n`.
TraceId MakeTraceId(uint8_t family, uint32_t n);

// One batch holding `spans`, one resource per distinct (service, resource attributes).
std::unique_ptr<SpanBatch> MakeBatch(const std::vector<TestSpan>& spans);

// The shop: traces Shop(1)..Shop(kShopTraces), Shop(n) starting at ShopStart(n) (n minutes after
// kBaseTime, so a larger n is newer). The per-trace comments in conformance_data.cc list what
// each one is for.
inline constexpr int kShopTraces = 8;
TraceId Shop(int n);
uint64_t ShopStart(int n);
std::vector<TestSpan> ShopSpans();

// Condition shorthands.
ConditionTree Where(Field field, CompareOp op, Operand operand = {});
ConditionTree WhereAttr(AttributeScope scope, std::string key, CompareOp op, Operand operand = {});

// A request for the suite's tenant with `filter` and otherwise defaults.
FetchRequest Search(std::string_view tenant, ConditionTree filter);

}  // namespace weft::storage::conformance
