// TraceQL intrinsics: the fields every span (or its trace, events, links, instrumentation scope)
// has by definition, their spellings and their types. Tempo's scoped spellings (`span:name`,
// `trace:rootService`) are canonical; the older unscoped ones (`name`, `rootServiceName`) are
// aliases of the same intrinsic. Thread rule: pure functions over constant tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "query/traceql/value_type.h"

namespace weft::query::traceql {

enum class Intrinsic : uint8_t {
  kSpanName,                // span:name, name                      string
  kSpanStatus,              // span:status, status                  status
  kSpanStatusMessage,       // span:statusMessage, statusMessage    string
  kSpanKind,                // span:kind, kind                      kind
  kSpanDuration,            // span:duration, duration              duration
  kSpanId,                  // span:id                              string (hex)
  kSpanParentId,            // span:parentID                        string (hex)
  kSpanChildCount,          // span:childCount, childCount          int
  kTraceDuration,           // trace:duration, traceDuration        duration
  kTraceRootName,           // trace:rootName, rootName             string
  kTraceRootService,        // trace:rootService, rootServiceName   string
  kTraceId,                 // trace:id                             string (hex)
  kEventName,               // event:name                           string
  kEventTimeSinceStart,     // event:timeSinceStart                 duration
  kLinkTraceId,             // link:traceID                         string (hex)
  kLinkSpanId,              // link:spanID                          string (hex)
  kInstrumentationName,     // instrumentation:name                 string
  kInstrumentationVersion,  // instrumentation:version              string
};

// The canonical spelling, e.g. "span:duration".
std::string_view IntrinsicName(Intrinsic intrinsic);

ValueType IntrinsicType(Intrinsic intrinsic);

// `name`, `status`, `statusMessage`, `kind`, `duration`, `childCount`, `traceDuration`,
// `rootName`, `rootServiceName`; nullopt for any other word.
std::optional<Intrinsic> LookupUnscopedIntrinsic(std::string_view word);

// `scope:word` as in `span:name` (scope is "span", "trace", "event", "link" or
// "instrumentation"); nullopt when the pair is not an intrinsic.
std::optional<Intrinsic> LookupScopedIntrinsic(std::string_view scope, std::string_view word);

}  // namespace weft::query::traceql
