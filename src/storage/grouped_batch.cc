#include "storage/grouped_batch.h"

#include <utility>

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace weft::storage {
namespace {

struct OperationKey {
  std::string_view service;
  std::string_view name;
  SpanKind kind;

  friend bool operator==(const OperationKey&, const OperationKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const OperationKey& key) {
    // Debian's abseil has its own string_view type: hash through it.
    return H::combine(std::move(h), absl::string_view(key.service.data(), key.service.size()),
                      absl::string_view(key.name.data(), key.name.size()), key.kind);
  }
};

// Index bytes per trace group besides the batch: the slice, the trace entry and its time key.
constexpr size_t kIndexBytesPerTrace = 128;
constexpr size_t kCatalogBytesPerOperation = 96;

}  // namespace

std::shared_ptr<const GroupedBatch> GroupBatch(std::unique_ptr<SpanBatch> batch) {
  auto grouped = std::make_shared<GroupedBatch>();
  const auto spans = batch->spans();
  const auto count = static_cast<uint32_t>(spans.size());

  // Pass 1: each span's group, each group's size and time range.
  absl::flat_hash_map<TraceId, uint32_t, IdHash> group_of;
  absl::flat_hash_map<OperationKey, uint64_t> operations;
  std::vector<uint32_t> span_group(count);
  std::vector<TraceGroup>& traces = grouped->traces;
  for (uint32_t i = 0; i < count; ++i) {
    const Span& span = spans[i];
    const auto [it, inserted] =
        group_of.try_emplace(span.trace_id, static_cast<uint32_t>(traces.size()));
    if (inserted) traces.push_back(TraceGroup{span.trace_id});
    TraceGroup& group = traces[it->second];
    span_group[i] = it->second;
    ++group.end;  // a count until pass 2
    group.start_unix_nanos = std::min(group.start_unix_nanos, span.start_time_unix_nano);
    group.end_unix_nanos =
        std::max({group.end_unix_nanos, span.start_time_unix_nano, span.end_time_unix_nano});
    ++operations[OperationKey{ServiceName(batch->resource_of(span)), span.name, span.kind}];
  }
  // Pass 2: counts to [begin, end) ranges, then place each span (a counting sort).
  uint32_t offset = 0;
  for (TraceGroup& group : traces) {
    group.begin = offset;
    offset += group.end;
    group.end = group.begin;
  }
  grouped->order.resize(count);
  for (uint32_t i = 0; i < count; ++i) grouped->order[traces[span_group[i]].end++] = i;

  grouped->operations.reserve(operations.size());
  for (const auto& [key, spans_of_key] : operations) {
    grouped->operations.push_back({key.service, key.name, key.kind, spans_of_key});
  }
  grouped->charged_bytes =
      batch->MemoryBytes() + sizeof(GroupedBatch) + grouped->order.capacity() * sizeof(uint32_t) +
      traces.capacity() * (sizeof(TraceGroup) + kIndexBytesPerTrace) +
      grouped->operations.capacity() * (sizeof(OperationCount) + kCatalogBytesPerOperation);
  grouped->batch = std::move(batch);
  return grouped;
}

}  // namespace weft::storage
