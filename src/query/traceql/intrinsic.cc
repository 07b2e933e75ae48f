#include "query/traceql/intrinsic.h"

#include <array>

namespace weft::query::traceql {
namespace {

struct IntrinsicSpelling {
  Intrinsic intrinsic;
  std::string_view scope;     // before the colon
  std::string_view word;      // after the colon
  std::string_view unscoped;  // the alias without a scope, or ""
  ValueType type;
};

// In enum order, so kSpellings[i].intrinsic == Intrinsic(i).
constexpr std::array<IntrinsicSpelling, 18> kSpellings = {{
    {Intrinsic::kSpanName, "span", "name", "name", ValueType::kString},
    {Intrinsic::kSpanStatus, "span", "status", "status", ValueType::kStatus},
    {Intrinsic::kSpanStatusMessage, "span", "statusMessage", "statusMessage", ValueType::kString},
    {Intrinsic::kSpanKind, "span", "kind", "kind", ValueType::kKind},
    {Intrinsic::kSpanDuration, "span", "duration", "duration", ValueType::kDuration},
    {Intrinsic::kSpanId, "span", "id", "", ValueType::kString},
    {Intrinsic::kSpanParentId, "span", "parentID", "", ValueType::kString},
    {Intrinsic::kSpanChildCount, "span", "childCount", "childCount", ValueType::kInt},
    {Intrinsic::kTraceDuration, "trace", "duration", "traceDuration", ValueType::kDuration},
    {Intrinsic::kTraceRootName, "trace", "rootName", "rootName", ValueType::kString},
    {Intrinsic::kTraceRootService, "trace", "rootService", "rootServiceName", ValueType::kString},
    {Intrinsic::kTraceId, "trace", "id", "", ValueType::kString},
    {Intrinsic::kEventName, "event", "name", "", ValueType::kString},
    {Intrinsic::kEventTimeSinceStart, "event", "timeSinceStart", "", ValueType::kDuration},
    {Intrinsic::kLinkTraceId, "link", "traceID", "", ValueType::kString},
    {Intrinsic::kLinkSpanId, "link", "spanID", "", ValueType::kString},
    {Intrinsic::kInstrumentationName, "instrumentation", "name", "", ValueType::kString},
    {Intrinsic::kInstrumentationVersion, "instrumentation", "version", "", ValueType::kString},
}};

// The canonical names, "scope:word", spelled out so they can be returned as views.
constexpr std::array<std::string_view, 18> kCanonicalNames = {
    "span:name",      "span:status",          "span:statusMessage",
    "span:kind",      "span:duration",        "span:id",
    "span:parentID",  "span:childCount",      "trace:duration",
    "trace:rootName", "trace:rootService",    "trace:id",
    "event:name",     "event:timeSinceStart", "link:traceID",
    "link:spanID",    "instrumentation:name", "instrumentation:version",
};

// Both tables are in enum order, and each canonical name is "scope:word".
constexpr bool TablesAgree() {
  for (size_t i = 0; i < kSpellings.size(); ++i) {
    const IntrinsicSpelling& s = kSpellings[i];
    const std::string_view name = kCanonicalNames[i];
    if (static_cast<size_t>(s.intrinsic) != i) return false;
    if (name.size() != s.scope.size() + 1 + s.word.size()) return false;
    if (name.substr(0, s.scope.size()) != s.scope || name[s.scope.size()] != ':') return false;
    if (name.substr(s.scope.size() + 1) != s.word) return false;
  }
  return true;
}
static_assert(TablesAgree(), "the intrinsic tables disagree");
static_assert(kSpellings.size() == static_cast<size_t>(Intrinsic::kInstrumentationVersion) + 1);

const IntrinsicSpelling& SpellingOf(Intrinsic intrinsic) {
  return kSpellings[static_cast<size_t>(intrinsic)];
}

}  // namespace

std::string_view IntrinsicName(Intrinsic intrinsic) {
  return kCanonicalNames[static_cast<size_t>(intrinsic)];
}

ValueType IntrinsicType(Intrinsic intrinsic) { return SpellingOf(intrinsic).type; }

std::optional<Intrinsic> LookupUnscopedIntrinsic(std::string_view word) {
  for (const IntrinsicSpelling& s : kSpellings) {
    if (!s.unscoped.empty() && s.unscoped == word) return s.intrinsic;
  }
  return std::nullopt;
}

std::optional<Intrinsic> LookupScopedIntrinsic(std::string_view scope, std::string_view word) {
  for (const IntrinsicSpelling& s : kSpellings) {
    if (s.scope == scope && s.word == word) return s.intrinsic;
  }
  return std::nullopt;
}

}  // namespace weft::query::traceql
