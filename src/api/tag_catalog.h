// The tag catalog: which attribute names, and which values of one attribute or intrinsic, the
// spans of a time window carry — for Tempo's /api/search/tags and /api/search/tag/{tag}/values
// (tempo_tags.h) and the native /api/v1/attributes (native_api.h). The store has no index of
// names or values, so the catalog takes a bounded sample: the newest traces of the window, page
// by page through SpanFetcher::Fetch, until CatalogLimits::max_traces traces, max_spans spans or
// the deadline, keeping at most max_distinct distinct entries. Answers say so (SampleStats).
// Thread rule: pure functions of their arguments; the fetcher and clock are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "query/traceql/intrinsic.h"
#include "storage/span_fetcher.h"

namespace weft::api {

// Where a name lives, in TraceQL's terms. kIntrinsic: the fixed fields of every span (`name`,
// `status`, `span:kind`, …), listed from the TraceQL table, not sampled.
enum class TagScope : uint8_t { kResource, kSpan, kEvent, kLink, kInstrumentation, kIntrinsic };
inline constexpr int kTagScopeCount = 6;

// "resource", "span", "event", "link", "instrumentation", "intrinsic".
std::string_view TagScopeName(TagScope scope);
// The inverse of TagScopeName; nullopt for any other text.
std::optional<TagScope> ParseTagScope(std::string_view text);

// A set of scopes as bits (1 << scope).
using TagScopeMask = uint32_t;
inline constexpr TagScopeMask ScopeBit(TagScope s) {
  return TagScopeMask{1} << static_cast<int>(s);
}
inline constexpr TagScopeMask kAllTagScopes = (TagScopeMask{1} << kTagScopeCount) - 1;

struct CatalogLimits {
  size_t max_traces = 1000;                 // traces inspected, newest first
  size_t max_spans = 200'000;               // stop after the page that reaches this many spans
  size_t page_traces = 100;                 // traces per Fetch
  uint64_t deadline_nanos = 5'000'000'000;  // stop after the page that passes this (monotonic)
  size_t max_distinct = 100'000;            // distinct names (all scopes together) or values kept
};

struct CatalogWindow {
  std::string tenant;
  uint64_t start_unix_nanos = 0;  // traces overlapping [start, end], as FetchRequest
  uint64_t end_unix_nanos = UINT64_MAX;
};

// What the sample looked at.
struct SampleStats {
  uint64_t traces = 0;  // traces inspected
  uint64_t spans = 0;   // spans inspected
  // The deadline or the span budget stopped the scan while the window still had traces within
  // max_traces: an entry seen only in older traces may be missing.
  bool partial = false;
  // max_distinct was reached: entries first seen after that are missing.
  bool capped = false;
};

struct TagName {
  TagScope scope = TagScope::kSpan;
  std::string name;    // as stored (`http.method`); an intrinsic's spelling (`span:name`, `name`)
  uint64_t count = 0;  // spans (events, links) of the sample carrying it; 0 for intrinsics
  // The TraceQL identifier: `span.http.method`, `resource.service.name`; an intrinsic as is.
  std::string Identifier() const;
};

struct TagNames {
  std::vector<TagName> names;  // sorted by Identifier(), no repeats
  SampleStats stats;
};

// A TraceQL identifier naming what to list values of: `resource.service.name`, `span.http.method`,
// `event.exception.type`, `link.kind`, `instrumentation.x`, unscoped `.region` (the span's
// attribute, else the resource's, as TraceQL), or an intrinsic (`name`, `status`, `kind`,
// `span:name`, `trace:rootService`, `event:name`, `instrumentation:version`, …).
struct TagRef {
  bool intrinsic = false;
  query::traceql::Intrinsic which = query::traceql::Intrinsic::kSpanName;  // intrinsic only
  std::optional<TagScope> scope;  // attribute only; nullopt = unscoped (span, else resource)
  std::string key;                // attribute only
};

// InvalidArgument naming the problem for text that is not such an identifier.
absl::StatusOr<TagRef> ParseTagRef(std::string_view text);

// Tempo's types of tag values.
enum class TagValueType : uint8_t { kBool, kDuration, kFloat, kInt, kKind, kStatus, kString };
// "bool", "duration", "float", "int", "kind", "status", "string".
std::string_view TagValueTypeName(TagValueType type);

struct TagValue {
  TagValueType type = TagValueType::kString;
  std::string text;  // as Tempo writes it: `500`, `1.5`, `true`, `error`, `server`
  uint64_t count = 0;
};

struct TagValues {
  // Sorted by type (in enum order), then numerically for int / float, bytewise otherwise.
  // Arrays, key-value lists and bytes are not collected; nor are values of intrinsics that are
  // ids or durations (`span:id`, `duration`, …), as in Tempo.
  std::vector<TagValue> values;
  SampleStats stats;
};

// Distinct attribute names of the scopes in `scopes` (intrinsics listed when kIntrinsic is in it).
absl::StatusOr<TagNames> CollectTagNames(storage::SpanFetcher& fetcher, const Clock& clock,
                                         const CatalogWindow& window, TagScopeMask scopes,
                                         const CatalogLimits& limits);

// Distinct values of `ref` with how many spans (events, links; traces for trace:*) carry each.
absl::StatusOr<TagValues> CollectTagValues(storage::SpanFetcher& fetcher, const Clock& clock,
                                           const CatalogWindow& window, const TagRef& ref,
                                           const CatalogLimits& limits);

// Pagination. A name's cursor is its Identifier(); a value's is `<type>:<text>` (`int:500`).
// Both return the index of the first entry after the cursor ("" = from the start).
size_t FirstNameAfter(const std::vector<TagName>& names, std::string_view after);
std::string ValueCursor(const TagValue& value);
// InvalidArgument for text that is not a value cursor.
absl::StatusOr<size_t> FirstValueAfter(const std::vector<TagValue>& values, std::string_view after);

}  // namespace weft::api
