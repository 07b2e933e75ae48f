#include "query/assembly/clock_skew.h"

#include <limits>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace weft::query {
namespace {

constexpr uint32_t kUnknownDomain = UINT32_MAX;

std::string_view StringAttribute(const Resource& resource, std::string_view key) {
  const AnyValue* value = FindAttribute(resource.attributes, key);
  if (value == nullptr) return {};
  if (value->type() == ValueType::kString) return value->string_value();
  if (value->type() == ValueType::kArray && !value->array_value().empty() &&
      value->array_value()[0].type() == ValueType::kString) {
    return value->array_value()[0].string_value();
  }
  return {};
}

// The clock domain of each resource of `batch` (clock_skew.h), as small integers.
std::vector<uint32_t> ResourceDomains(const SpanBatch& batch) {
  absl::flat_hash_map<std::string, uint32_t> ids;
  std::vector<uint32_t> domains;
  domains.reserve(batch.resources().size());
  for (const Resource& resource : batch.resources()) {
    std::string key;
    for (const char* attribute : {"host.id", "host.name", "host.ip"}) {
      const std::string_view host = StringAttribute(resource, attribute);
      if (!host.empty()) {
        key = absl::StrCat("host\x1f", std::string(host));
        break;
      }
    }
    if (key.empty()) {
      const std::string_view service = StringAttribute(resource, "service.name");
      const std::string_view instance = StringAttribute(resource, "service.instance.id");
      if (!service.empty() || !instance.empty()) {
        key = absl::StrCat("process\x1f", std::string(service), "\x1f", std::string(instance));
      }
    }
    if (key.empty()) {
      domains.push_back(kUnknownDomain);
      continue;
    }
    domains.push_back(
        ids.try_emplace(std::move(key), static_cast<uint32_t>(ids.size())).first->second);
  }
  return domains;
}

// a - b as a signed shift, saturated to int64's range.
int64_t SignedDifference(uint64_t a, uint64_t b) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (a >= b)
    return a - b > kMax ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(a - b);
  return b - a > kMax ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(b - a);
}

// `time` moved by `shift`, saturated to [0, UINT64_MAX].
uint64_t Shifted(uint64_t time, int64_t shift) {
  if (shift >= 0) {
    const uint64_t up = static_cast<uint64_t>(shift);
    return time > UINT64_MAX - up ? UINT64_MAX : time + up;
  }
  const uint64_t down = static_cast<uint64_t>(-(shift + 1)) + 1;  // |shift| without overflow
  return time < down ? 0 : time - down;
}

uint64_t Magnitude(int64_t shift) {
  return shift >= 0 ? static_cast<uint64_t>(shift) : static_cast<uint64_t>(-(shift + 1)) + 1;
}

struct Skew {
  int64_t shift = 0;
  const char* reason = "";
};

// The shift that moves `child` (from another clock domain) into `parent` (clock_skew.h).
Skew ComputeSkew(const Span& child, const Span& parent) {
  const uint64_t parent_start = parent.start_time_unix_nano;
  const uint64_t child_start = child.start_time_unix_nano;
  const uint64_t parent_duration = parent.duration_nanos();
  const uint64_t child_duration = child.duration_nanos();
  if (child_duration > parent_duration) {
    if (child_start >= parent_start) return {};
    return {SignedDifference(parent_start, child_start),
            "outlasts its parent and starts before it on another host; moved to start with it"};
  }
  const uint64_t parent_end = parent_start + parent_duration;
  const uint64_t child_end = child_start + child_duration;
  if (child_start >= parent_start && child_end <= parent_end) return {};
  const uint64_t centered_start = parent_start + (parent_duration - child_duration) / 2;
  return {SignedDifference(centered_start, child_start),
          child_start < parent_start
              ? "starts before its parent on another host; centered in the parent"
              : "ends after its parent on another host; centered in the parent"};
}

void ApplyShift(SpanBatch& batch, Span& span, int64_t shift) {
  span.start_time_unix_nano = Shifted(span.start_time_unix_nano, shift);
  span.end_time_unix_nano = Shifted(span.end_time_unix_nano, shift);
  if (span.events.empty()) return;
  auto* events = static_cast<Event*>(
      batch.arena().Allocate(sizeof(Event) * span.events.size(), alignof(Event)));
  for (size_t i = 0; i < span.events.size(); ++i) {
    events[i] = span.events[i];
    events[i].time_unix_nano = Shifted(events[i].time_unix_nano, shift);
  }
  span.events = {events, span.events.size()};
}

}  // namespace

std::vector<int64_t> AdjustClockSkew(SpanBatch& batch, const TraceTree& tree,
                                     const AssemblyOptions& options,
                                     std::vector<AssemblyWarning>& warnings) {
  const std::vector<uint32_t> resource_domain = ResourceDomains(batch);
  const std::span<Span> spans = batch.mutable_spans();
  std::vector<int64_t> applied(spans.size(), 0);
  auto domain_of = [&](const Span& span) {
    return resource_domain[batch.scopes()[span.scope_index].resource_index];
  };
  for (const uint32_t i : tree.preorder) {  // parents before their children
    const uint32_t p = tree.parent[i];
    if (p == kNoSpan) continue;
    Span& span = spans[i];
    const uint32_t domain = domain_of(span);
    Skew skew;
    std::string reason;
    if (domain != kUnknownDomain && domain == domain_of(spans[p])) {
      if (applied[p] == 0) continue;
      skew.shift = applied[p];
      reason = absl::StrCat("same host as its parent ", spans[p].span_id.ToHex(),
                            ", which was shifted; moved with it");
    } else {
      skew = ComputeSkew(span, spans[p]);
      if (skew.shift == 0) continue;
      reason = absl::StrCat(skew.reason, " (parent ", spans[p].span_id.ToHex(), ")");
    }
    AssemblyWarning warning;
    warning.span_id = span.span_id;
    warning.shift_nanos = skew.shift;
    if (Magnitude(skew.shift) > options.max_clock_skew_shift_nanos) {
      warning.kind = AssemblyWarningKind::kClockSkewNotApplied;
      warning.reason =
          absl::StrCat("shift of ", skew.shift, " ns exceeds the limit of ",
                       options.max_clock_skew_shift_nanos, " ns; not applied: ", reason);
    } else {
      warning.kind = AssemblyWarningKind::kClockSkewShifted;
      warning.reason = absl::StrCat("shifted by ", skew.shift, " ns: ", reason);
      ApplyShift(batch, span, skew.shift);
      applied[i] = skew.shift;
    }
    warnings.push_back(std::move(warning));
  }
  return applied;
}

}  // namespace weft::query
