// TestTraceBuilder: hand-made traces for the assembly tests — services with their resources,
// spans with small numeric ids (1 is 0000000000000001) and times in plain nanoseconds.
// Thread rule: test-only; one thread.
#pragma once

#include <utility>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/span_batch.h"

namespace weft::query::testing {

inline SpanId Sid(uint64_t n) {
  std::array<uint8_t, 8> bytes{};
  for (int i = 7; i >= 0; --i, n >>= 8) bytes[i] = static_cast<uint8_t>(n);
  return SpanId(bytes);
}

inline TraceId TestTraceId() {
  std::array<uint8_t, 16> bytes{};
  bytes[15] = 1;
  return TraceId(bytes);
}

class TestTraceBuilder {
 public:
  // A resource with `service.name` (and `host.name` when `host` is not empty) and one scope;
  // returns the scope index to pass to Add.
  uint32_t Service(std::string_view name, std::string_view host = "") {
    Arena& arena = batch_.arena();
    std::vector<KeyValue> attributes;
    attributes.push_back(
        {arena.CopyString("service.name"), AnyValue::String(arena.CopyString(name))});
    if (!host.empty()) {
      attributes.push_back(
          {arena.CopyString("host.name"), AnyValue::String(arena.CopyString(host))});
    }
    Resource resource;
    resource.attributes = arena.CopyArray(std::span<const KeyValue>(attributes));
    const uint32_t r = batch_.AddResource(resource);
    InstrumentationScope scope;
    scope.name = "test";
    return batch_.AddScope(r, scope);
  }

  // A span; `parent` 0 makes a root. Returns it for further changes (valid until the next Add).
  Span& Add(uint32_t scope, uint64_t id, uint64_t parent, uint64_t start, uint64_t end,
            std::string_view name = "op", SpanKind kind = SpanKind::kInternal) {
    Span span;
    span.trace_id = TestTraceId();
    span.span_id = Sid(id);
    if (parent != 0) span.parent_span_id = Sid(parent);
    span.start_time_unix_nano = start;
    span.end_time_unix_nano = end;
    span.name = batch_.arena().CopyString(name);
    span.kind = kind;
    span.scope_index = scope;
    return batch_.AddSpan(span);
  }

  SpanBatch& batch() { return batch_; }
  SpanBatch Take() { return std::move(batch_); }

 private:
  SpanBatch batch_;
};

}  // namespace weft::query::testing
