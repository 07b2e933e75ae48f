// The tag catalog (tag_catalog.h): a paged, bounded scan of the newest traces of a window that
// counts distinct attribute names or values.
#include "api/tag_catalog.h"

#include <utility>

#include <algorithm>
#include <array>
#include <charconv>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "api/query_metrics.h"

namespace weft::api {
namespace {

namespace traceql = query::traceql;

constexpr std::array<std::string_view, kTagScopeCount> kScopeNames = {
    "resource", "span", "event", "link", "instrumentation", "intrinsic"};
constexpr std::array<std::string_view, 7> kValueTypeNames = {"bool", "duration", "float", "int",
                                                             "kind", "status",   "string"};
// TraceQL's unscoped intrinsic aliases (intrinsic.h), listed beside the canonical names.
constexpr std::array<std::string_view, 9> kUnscopedIntrinsics = {
    "name",       "status",        "statusMessage", "kind",           "duration",
    "childCount", "traceDuration", "rootName",      "rootServiceName"};
constexpr int kIntrinsicCount = static_cast<int>(traceql::Intrinsic::kInstrumentationVersion) + 1;

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Counts distinct strings while a budget of new entries lasts (shared by counters that together
// must stay within it); a new string past the budget marks the count capped.
class DistinctCounter {
 public:
  explicit DistinctCounter(size_t& budget) : budget_(budget) {}

  void Add(std::string_view key) {
    auto it = counts_.find(Absl(key));
    if (it != counts_.end()) {
      ++it->second;
    } else if (budget_ > 0) {
      --budget_;
      counts_.emplace(std::string(key), 1);
    } else {
      capped_ = true;
    }
  }
  bool capped() const { return capped_; }
  absl::flat_hash_map<std::string, uint64_t>& counts() { return counts_; }

 private:
  size_t& budget_;
  bool capped_ = false;
  absl::flat_hash_map<std::string, uint64_t> counts_;
};

// Pages through the newest traces of the window (each page ending before the previous page's
// oldest trace) and calls visit(match) once per trace, within the limits.
template <typename Visit>
absl::Status ScanSample(storage::SpanFetcher& fetcher, const Clock& clock,
                        const CatalogWindow& window, storage::FetchRequest request,
                        const CatalogLimits& limits, SampleStats& stats, Visit visit) {
  if (window.start_unix_nanos > window.end_unix_nanos) return absl::OkStatus();
  const uint64_t deadline = clock.MonotonicNanos() + limits.deadline_nanos;
  request.tenant = window.tenant;
  request.start_unix_nanos = window.start_unix_nanos;
  request.end_unix_nanos = window.end_unix_nanos;
  absl::flat_hash_set<TraceId, IdHash> seen;
  while (stats.traces < limits.max_traces) {
    request.limit =
        std::max<size_t>(1, std::min(limits.page_traces, limits.max_traces - stats.traces));
    absl::StatusOr<storage::FetchResult> page = fetcher.Fetch(request);
    if (!page.ok()) return page.status();
    uint64_t oldest = UINT64_MAX;
    for (const storage::TraceMatch& match : page->traces) {
      oldest = std::min(oldest, match.summary.start_unix_nanos);
      if (!seen.insert(match.summary.trace_id).second) continue;
      ++stats.traces;
      stats.spans += match.spans->size();
      visit(match);
    }
    const bool window_done =
        page->traces.size() < request.limit || oldest == 0 || oldest <= request.start_unix_nanos;
    if (window_done || stats.traces >= limits.max_traces) break;
    if (stats.spans >= limits.max_spans || clock.MonotonicNanos() >= deadline) {
      stats.partial = true;
      break;
    }
    request.end_unix_nanos = oldest - 1;
  }
  return absl::OkStatus();
}

void CountKeys(Attributes attributes, DistinctCounter& counter) {
  for (const KeyValue& kv : attributes) counter.Add(kv.key);
}

std::string DoubleText(double d) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return ec == std::errc() ? std::string(buf, end) : absl::StrCat(d);
}

// Values are counted under `<type byte><text>`.
void AddValue(TagValueType type, std::string_view text, DistinctCounter& counter) {
  std::string key(1, static_cast<char>(type));
  key.append(text);
  counter.Add(key);
}

void AddAttributeValue(const AnyValue& value, DistinctCounter& counter) {
  switch (value.type()) {
    case ValueType::kString:
      AddValue(TagValueType::kString, value.string_value(), counter);
      break;
    case ValueType::kInt:
      AddValue(TagValueType::kInt, absl::StrCat(value.int_value()), counter);
      break;
    case ValueType::kDouble:
      AddValue(TagValueType::kFloat, DoubleText(value.double_value()), counter);
      break;
    case ValueType::kBool:
      AddValue(TagValueType::kBool, value.bool_value() ? "true" : "false", counter);
      break;
    default:
      break;  // arrays, lists, bytes: not offered as values (nor by Tempo)
  }
}

// The value of `ref` (an attribute) on `span`, for the scopes that hold one value per span.
const AnyValue* SpanLevelAttribute(const SpanBatch& batch, const Span& span, const TagRef& ref) {
  if (!ref.scope.has_value()) {
    const AnyValue* v = FindAttribute(span.attributes, ref.key);
    return v != nullptr ? v : FindAttribute(batch.resource_of(span).attributes, ref.key);
  }
  switch (*ref.scope) {
    case TagScope::kSpan:
      return FindAttribute(span.attributes, ref.key);
    case TagScope::kResource:
      return FindAttribute(batch.resource_of(span).attributes, ref.key);
    case TagScope::kInstrumentation:
      return FindAttribute(batch.scope_of(span).attributes, ref.key);
    default:
      return nullptr;
  }
}

void CollectAttributeValues(const SpanBatch& batch, const TagRef& ref, DistinctCounter& counter) {
  for (const Span& span : batch.spans()) {
    if (ref.scope == TagScope::kEvent) {
      for (const Event& e : span.events) {
        if (const AnyValue* v = FindAttribute(e.attributes, ref.key))
          AddAttributeValue(*v, counter);
      }
    } else if (ref.scope == TagScope::kLink) {
      for (const Link& l : span.links) {
        if (const AnyValue* v = FindAttribute(l.attributes, ref.key))
          AddAttributeValue(*v, counter);
      }
    } else if (const AnyValue* v = SpanLevelAttribute(batch, span, ref)) {
      AddAttributeValue(*v, counter);
    }
  }
}

void CollectIntrinsicValues(const storage::TraceMatch& match, traceql::Intrinsic which,
                            DistinctCounter& counter) {
  using traceql::Intrinsic;
  const SpanBatch& batch = *match.spans;
  switch (which) {
    case Intrinsic::kTraceRootName:
      if (!match.summary.root_span_name.empty()) {
        AddValue(TagValueType::kString, match.summary.root_span_name, counter);
      }
      return;
    case Intrinsic::kTraceRootService:
      if (!match.summary.root_service.empty()) {
        AddValue(TagValueType::kString, match.summary.root_service, counter);
      }
      return;
    default:
      break;
  }
  for (const Span& span : batch.spans()) {
    switch (which) {
      case Intrinsic::kSpanName:
        AddValue(TagValueType::kString, span.name, counter);
        break;
      case Intrinsic::kSpanStatus:
        AddValue(TagValueType::kStatus, StatusCodeName(span.status_code), counter);
        break;
      case Intrinsic::kSpanStatusMessage:
        if (!span.status_message.empty()) {
          AddValue(TagValueType::kString, span.status_message, counter);
        }
        break;
      case Intrinsic::kSpanKind:
        AddValue(TagValueType::kKind, SpanKindName(span.kind), counter);
        break;
      case Intrinsic::kEventName:
        for (const Event& e : span.events) AddValue(TagValueType::kString, e.name, counter);
        break;
      case Intrinsic::kInstrumentationName:
        if (!batch.scope_of(span).name.empty()) {
          AddValue(TagValueType::kString, batch.scope_of(span).name, counter);
        }
        break;
      case Intrinsic::kInstrumentationVersion:
        if (!batch.scope_of(span).version.empty()) {
          AddValue(TagValueType::kString, batch.scope_of(span).version, counter);
        }
        break;
      default:
        return;  // ids, durations, counts: not offered as values
    }
  }
}

// Orders values by type, then numerically (int, float) or bytewise (the rest).
bool ValueLess(TagValueType ta, std::string_view a, TagValueType tb, std::string_view b) {
  if (ta != tb) return ta < tb;
  if (ta == TagValueType::kInt) {
    int64_t x = 0, y = 0;
    if (absl::SimpleAtoi(Absl(a), &x) && absl::SimpleAtoi(Absl(b), &y) && x != y) return x < y;
  } else if (ta == TagValueType::kFloat) {
    double x = 0, y = 0;
    if (absl::SimpleAtod(Absl(a), &x) && absl::SimpleAtod(Absl(b), &y) && x != y) return x < y;
  }
  return a < b;
}

std::optional<TagValueType> ParseValueType(std::string_view text) {
  for (size_t i = 0; i < kValueTypeNames.size(); ++i) {
    if (kValueTypeNames[i] == text) return static_cast<TagValueType>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view TagScopeName(TagScope scope) { return kScopeNames[static_cast<int>(scope)]; }

std::optional<TagScope> ParseTagScope(std::string_view text) {
  for (int i = 0; i < kTagScopeCount; ++i) {
    if (kScopeNames[i] == text) return static_cast<TagScope>(i);
  }
  return std::nullopt;
}

std::string_view TagValueTypeName(TagValueType type) {
  return kValueTypeNames[static_cast<int>(type)];
}

std::string TagName::Identifier() const {
  if (scope == TagScope::kIntrinsic) return name;
  return absl::StrCat(Absl(TagScopeName(scope)), ".", Absl(name));
}

absl::StatusOr<TagRef> ParseTagRef(std::string_view text) {
  TagRef ref;
  if (text.empty()) return absl::InvalidArgumentError("the tag name is empty");
  if (text.front() == '.') {  // unscoped attribute
    ref.key = std::string(text.substr(1));
    if (ref.key.empty()) return absl::InvalidArgumentError("the tag name '.' names no attribute");
    return ref;
  }
  const size_t colon = text.find(':');
  const size_t dot = text.find('.');
  if (colon != std::string_view::npos && (dot == std::string_view::npos || colon < dot)) {
    const std::optional<traceql::Intrinsic> which =
        traceql::LookupScopedIntrinsic(text.substr(0, colon), text.substr(colon + 1));
    if (!which) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", Absl(text), "' is not a TraceQL intrinsic"));
    }
    ref.intrinsic = true;
    ref.which = *which;
    return ref;
  }
  if (dot == std::string_view::npos) {
    const std::optional<traceql::Intrinsic> which = traceql::LookupUnscopedIntrinsic(text);
    if (!which) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", Absl(text),
          "' is neither an intrinsic nor a scoped attribute (span.x, resource.x, .x)"));
    }
    ref.intrinsic = true;
    ref.which = *which;
    return ref;
  }
  const std::optional<TagScope> scope = ParseTagScope(text.substr(0, dot));
  if (!scope || *scope == TagScope::kIntrinsic) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", Absl(text.substr(0, dot)),
                     "' is not an attribute scope (span, resource, event, link, instrumentation)"));
  }
  ref.scope = scope;
  ref.key = std::string(text.substr(dot + 1));
  if (ref.key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("'", Absl(text), "' names no attribute"));
  }
  return ref;
}

absl::StatusOr<TagNames> CollectTagNames(storage::SpanFetcher& fetcher, const Clock& clock,
                                         const CatalogWindow& window, TagScopeMask scopes,
                                         const CatalogLimits& limits) {
  TagNames result;
  // One counter per sampled scope (in TagScope order), all within one budget.
  size_t budget = limits.max_distinct;
  std::array<DistinctCounter, 5> counters = {DistinctCounter(budget), DistinctCounter(budget),
                                             DistinctCounter(budget), DistinctCounter(budget),
                                             DistinctCounter(budget)};
  const auto wants = [scopes](TagScope s) { return (scopes & ScopeBit(s)) != 0; };
  const TagScopeMask sampled = scopes & ~ScopeBit(TagScope::kIntrinsic);
  if (sampled != 0) {
    storage::FetchRequest request;
    request.whole_traces = true;
    absl::Status status =
        ScanSample(fetcher, clock, window, request, limits, result.stats,
                   [&](const storage::TraceMatch& match) {
                     const SpanBatch& batch = *match.spans;
                     for (const Span& span : batch.spans()) {
                       if (wants(TagScope::kSpan)) CountKeys(span.attributes, counters[1]);
                       if (wants(TagScope::kResource)) {
                         CountKeys(batch.resource_of(span).attributes, counters[0]);
                       }
                       if (wants(TagScope::kEvent)) {
                         for (const Event& e : span.events) CountKeys(e.attributes, counters[2]);
                       }
                       if (wants(TagScope::kLink)) {
                         for (const Link& l : span.links) CountKeys(l.attributes, counters[3]);
                       }
                       if (wants(TagScope::kInstrumentation)) {
                         CountKeys(batch.scope_of(span).attributes, counters[4]);
                       }
                     }
                   });
    if (!status.ok()) return status;
  }
  for (int s = 0; s < 5; ++s) {
    result.stats.capped |= counters[s].capped();
    for (auto& [name, count] : counters[s].counts()) {
      result.names.push_back({static_cast<TagScope>(s), name, count});
    }
  }
  if (wants(TagScope::kIntrinsic)) {
    for (const std::string_view alias : kUnscopedIntrinsics) {
      result.names.push_back({TagScope::kIntrinsic, std::string(alias), 0});
    }
    for (int i = 0; i < kIntrinsicCount; ++i) {
      result.names.push_back(
          {TagScope::kIntrinsic,
           std::string(traceql::IntrinsicName(static_cast<traceql::Intrinsic>(i))), 0});
    }
  }
  std::vector<std::pair<std::string, size_t>> order;
  order.reserve(result.names.size());
  for (size_t i = 0; i < result.names.size(); ++i) {
    order.emplace_back(result.names[i].Identifier(), i);
  }
  std::sort(order.begin(), order.end());
  std::vector<TagName> sorted;
  sorted.reserve(order.size());
  for (const auto& [id, i] : order) sorted.push_back(std::move(result.names[i]));
  result.names = std::move(sorted);
  if (result.stats.partial || result.stats.capped) QueryMetrics::Get().catalog_partial.Increment();
  return result;
}

absl::StatusOr<TagValues> CollectTagValues(storage::SpanFetcher& fetcher, const Clock& clock,
                                           const CatalogWindow& window, const TagRef& ref,
                                           const CatalogLimits& limits) {
  TagValues result;
  size_t budget = limits.max_distinct;
  DistinctCounter counter(budget);
  storage::FetchRequest request;
  request.spans_per_trace = 0;  // every matching span
  if (!ref.intrinsic && ref.scope != TagScope::kInstrumentation) {
    // Only spans that carry the attribute (the store prunes by it).
    storage::Condition has;
    has.field = storage::Field::kAttribute;
    has.key = ref.key;
    has.op = storage::CompareOp::kExists;
    has.scope = !ref.scope.has_value()              ? storage::AttributeScope::kSpanOrResource
                : *ref.scope == TagScope::kSpan     ? storage::AttributeScope::kSpan
                : *ref.scope == TagScope::kResource ? storage::AttributeScope::kResource
                : *ref.scope == TagScope::kEvent    ? storage::AttributeScope::kEvent
                                                    : storage::AttributeScope::kLink;
    request.filter = storage::ConditionTree::Leaf(std::move(has));
  }
  absl::Status status = ScanSample(fetcher, clock, window, request, limits, result.stats,
                                   [&](const storage::TraceMatch& match) {
                                     if (ref.intrinsic) {
                                       CollectIntrinsicValues(match, ref.which, counter);
                                     } else {
                                       CollectAttributeValues(*match.spans, ref, counter);
                                     }
                                   });
  if (!status.ok()) return status;
  result.stats.capped = counter.capped();
  result.values.reserve(counter.counts().size());
  for (auto& [key, count] : counter.counts()) {
    result.values.push_back({static_cast<TagValueType>(key[0]), key.substr(1), count});
  }
  std::sort(result.values.begin(), result.values.end(), [](const TagValue& a, const TagValue& b) {
    return ValueLess(a.type, a.text, b.type, b.text);
  });
  if (result.stats.partial || result.stats.capped) QueryMetrics::Get().catalog_partial.Increment();
  return result;
}

size_t FirstNameAfter(const std::vector<TagName>& names, std::string_view after) {
  if (after.empty()) return 0;
  return std::partition_point(names.begin(), names.end(),
                              [&](const TagName& n) { return n.Identifier() <= after; }) -
         names.begin();
}

std::string ValueCursor(const TagValue& value) {
  return absl::StrCat(Absl(TagValueTypeName(value.type)), ":", value.text);
}

absl::StatusOr<size_t> FirstValueAfter(const std::vector<TagValue>& values,
                                       std::string_view after) {
  if (after.empty()) return 0;
  const size_t colon = after.find(':');
  const std::optional<TagValueType> type =
      colon == std::string_view::npos ? std::nullopt : ParseValueType(after.substr(0, colon));
  if (!type) {
    return absl::InvalidArgumentError(
        "parameter 'after' must be a cursor like int:500 (the `next` of the previous page)");
  }
  const std::string_view text = after.substr(colon + 1);
  return std::partition_point(
             values.begin(), values.end(),
             [&](const TagValue& v) { return !ValueLess(*type, text, v.type, v.text); }) -
         values.begin();
}

}  // namespace weft::api
