#include "query/assembly/trace_overview.h"

#include <algorithm>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace weft::query {

TraceOverview SummarizeTrace(const SpanBatch& batch, const TraceTree& tree,
                             std::span<const uint64_t> self_times) {
  TraceOverview overview;
  const std::span<const Span> spans = batch.spans();
  if (spans.empty()) return overview;
  overview.span_count = static_cast<uint32_t>(spans.size());

  overview.root = tree.roots.front();
  for (const uint32_t r : tree.roots) {
    if (tree.attachment[r] == Attachment::kRoot) {
      overview.root = r;
      break;
    }
  }
  const Span& root = spans[overview.root];
  overview.root_service_name = std::string(ServiceName(batch.resource_of(root)));
  overview.root_span_name = std::string(root.name);

  // Service names by resource, looked up once per resource.
  std::vector<std::string_view> resource_service(batch.resources().size());
  for (size_t r = 0; r < batch.resources().size(); ++r) {
    resource_service[r] = ServiceName(batch.resources()[r]);
  }
  absl::flat_hash_map<std::string_view, ServiceOverview> services;
  uint64_t first_start = UINT64_MAX;
  uint64_t last_end = 0;
  uint32_t max_depth = 0;
  for (uint32_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    first_start = std::min(first_start, span.start_time_unix_nano);
    last_end = std::max(last_end, std::max(span.start_time_unix_nano, span.end_time_unix_nano));
    max_depth = std::max(max_depth, tree.depth[i]);
    const bool error = span.status_code == StatusCode::kError;
    overview.error_count += error;
    ServiceOverview& service =
        services[resource_service[batch.scopes()[span.scope_index].resource_index]];
    ++service.span_count;
    service.error_count += error;
    service.self_time_nanos += self_times[i];
  }
  overview.start_unix_nano = first_start;
  overview.duration_nanos = last_end - first_start;
  overview.depth = max_depth + 1;
  overview.services.reserve(services.size());
  for (auto& [name, service] : services) {
    service.name = std::string(name);
    overview.services.push_back(std::move(service));
  }
  std::sort(overview.services.begin(), overview.services.end(),
            [](const ServiceOverview& a, const ServiceOverview& b) { return a.name < b.name; });
  return overview;
}

}  // namespace weft::query
