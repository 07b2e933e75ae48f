#include "storage/embedded/block/stored_summary.h"

#include <algorithm>

namespace weft::storage::embedded::block {

StoredSummary ComputeStoredSummary(std::span<const SpanRef> spans,
                                   BlockDictionaries& dictionaries) {
  StoredSummary s;
  uint64_t start = UINT64_MAX, end = 0;
  const SpanRef* root = nullptr;
  for (const SpanRef& ref : spans) {
    const Span& span = ref.span();
    start = std::min(start, span.start_time_unix_nano);
    end = std::max({end, span.start_time_unix_nano, span.end_time_unix_nano});
    if (span.status_code == StatusCode::kError) ++s.error_count;
    if (span.is_root() &&
        (root == nullptr || span.start_time_unix_nano < root->span().start_time_unix_nano ||
         (span.start_time_unix_nano == root->span().start_time_unix_nano &&
          span.span_id < root->span().span_id))) {
      root = &ref;
    }
  }
  s.start = spans.empty() ? 0 : start;
  s.duration = end - s.start;
  s.span_count = static_cast<uint32_t>(spans.size());
  if (root != nullptr) {
    s.root_service =
        1 + dictionaries.services.Intern(ServiceName(root->batch->resource_of(root->span())));
    s.root_name = 1 + dictionaries.span_names.Intern(root->span().name);
  }
  return s;
}

}  // namespace weft::storage::embedded::block
