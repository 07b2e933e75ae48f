#include "query/assembly/span_order.h"

#include <algorithm>
#include <numeric>

namespace weft::query {

bool StartsBefore(const Span& a, const Span& b) {
  if (a.start_time_unix_nano != b.start_time_unix_nano) {
    return a.start_time_unix_nano < b.start_time_unix_nano;
  }
  if (a.span_id != b.span_id) return a.span_id < b.span_id;
  const bool a_client = a.kind == SpanKind::kClient;
  const bool b_client = b.kind == SpanKind::kClient;
  if (a_client != b_client) return a_client;
  return a.end_time_unix_nano < b.end_time_unix_nano;
}

std::vector<uint32_t> StartOrder(std::span<const Span> spans) {
  std::vector<uint32_t> order(spans.size());
  std::iota(order.begin(), order.end(), 0u);
  const bool sorted = std::is_sorted(
      spans.begin(), spans.end(), [](const Span& a, const Span& b) { return StartsBefore(a, b); });
  if (!sorted) {
    std::stable_sort(order.begin(), order.end(),
                     [spans](uint32_t a, uint32_t b) { return StartsBefore(spans[a], spans[b]); });
  }
  return order;
}

bool IsIdentityOrder(std::span<const uint32_t> order) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] != i) return false;
  }
  return true;
}

void ReorderSpans(SpanBatch& batch, std::span<const uint32_t> order) {
  const std::span<Span> spans = batch.mutable_spans();
  const std::vector<Span> before(spans.begin(), spans.end());
  for (size_t j = 0; j < order.size(); ++j) spans[j] = before[order[j]];
}

}  // namespace weft::query
