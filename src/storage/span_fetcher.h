// SpanFetcher: the scan interface the query engine (TraceQL) drives, with conditions pushed down
// so a backend can prune by time, block statistics, dictionaries and blooms before decoding spans
// (after Tempo's SpansetFetcher). A backend returns matching spans grouped by trace with each
// trace's summary, newest traces first, at most `limit` traces. Conditions it cannot prune on it
// still evaluates exactly (condition_eval.h), so results never depend on how much was pushed down.
// Thread rule: implementations are thread-safe; requests and results are plain data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "model/ids.h"
#include "model/span_batch.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace weft::storage {

// What a condition looks at: an intrinsic field of the span, or an attribute.
enum class Field : uint8_t {
  kServiceName,    // resource service.name
  kSpanName,
  kKind,           // operand: int (SpanKind)
  kStatus,         // operand: int (StatusCode)
  kStatusMessage,
  kDuration,       // operand: int nanoseconds
  kStartTime,      // operand: int unix nanoseconds
  kAttribute,      // see Condition::scope and Condition::key
};

// Where an attribute condition looks. kSpanOrResource is TraceQL's unscoped `.key`.
enum class AttributeScope : uint8_t { kSpan, kResource, kEvent, kLink, kSpanOrResource };

enum class CompareOp : uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kRegex,     // full match, RE2 syntax; operand: string
  kNotRegex,
  kExists,    // attribute present (any type); no operand
  kNotExists, // TraceQL `= nil`
};

// A comparison value. Ints and doubles compare numerically with each other; strings with
// strings; bools with bools. A type mismatch is "no match" (TraceQL semantics), never an error.
using Operand = std::variant<std::monostate, std::string, int64_t, double, bool>;

struct Condition {
  Field field = Field::kSpanName;
  AttributeScope scope = AttributeScope::kSpan;  // kAttribute only
  std::string key;                               // kAttribute only
  CompareOp op = CompareOp::kEq;
  Operand operand;
  // Compiled once by CompileRegexes for kRegex/kNotRegex; shared because the condition tree is
  // copied into per-backend plans while the compiled program is immutable.
  std::shared_ptr<const re2::RE2> regex;
};

// A boolean tree over conditions, evaluated per span. An empty kAnd matches every span.
struct ConditionTree {
  enum class Kind : uint8_t { kLeaf, kAnd, kOr };
  Kind kind = Kind::kAnd;
  Condition leaf;                       // kLeaf only
  std::vector<ConditionTree> children;  // kAnd / kOr

  static ConditionTree Leaf(Condition c) {
    ConditionTree t;
    t.kind = Kind::kLeaf;
    t.leaf = std::move(c);
    return t;
  }
  static ConditionTree And(std::vector<ConditionTree> children) {
    return {Kind::kAnd, {}, std::move(children)};
  }
  static ConditionTree Or(std::vector<ConditionTree> children) {
    return {Kind::kOr, {}, std::move(children)};
  }
};

struct FetchRequest {
  std::string tenant;
  // Traces whose time span overlaps [start, end] (unix nanoseconds).
  uint64_t start_unix_nanos = 0;
  uint64_t end_unix_nanos = UINT64_MAX;
  // A span matches when the tree is true for it; a trace matches when any span does.
  ConditionTree filter;
  size_t limit = 20;           // traces; the caller enforces its own maximum
  size_t spans_per_trace = 3;  // matching spans returned per trace; 0 = all of them
  // Return every span of each matching trace instead (structural TraceQL needs the whole tree).
  bool whole_traces = false;
};

struct TraceSummary {
  TraceId trace_id;
  std::string root_service;    // of the root span; "" when the root has not arrived
  std::string root_span_name;
  uint64_t start_unix_nanos = 0;  // earliest span start
  uint64_t duration_nanos = 0;    // latest span end - earliest span start
  uint32_t span_count = 0;
  uint32_t error_count = 0;       // spans with status error
};

struct TraceMatch {
  TraceSummary summary;
  uint32_t matched_spans = 0;       // in the whole trace, before spans_per_trace
  std::unique_ptr<SpanBatch> spans; // the returned spans
};

struct FetchResult {
  std::vector<TraceMatch> traces;  // newest first (summary.start desc), ties by trace id asc
  // What the scan cost, for /metrics and query statistics.
  uint64_t inspected_spans = 0;
  uint64_t inspected_blocks = 0;
  uint64_t skipped_blocks = 0;
};

struct OperationName {
  std::string name;
  SpanKind kind = SpanKind::kUnspecified;
  friend bool operator==(const OperationName&, const OperationName&) = default;
};

class SpanFetcher {
 public:
  virtual ~SpanFetcher() = default;
  virtual absl::StatusOr<FetchResult> Fetch(const FetchRequest& request) = 0;
  // Distinct service names of the tenant, sorted.
  virtual absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant) = 0;
  // Distinct (span name, kind) of one service, sorted by name then kind.
  virtual absl::StatusOr<std::vector<OperationName>> Operations(std::string_view tenant,
                                                               std::string_view service) = 0;
};

}  // namespace weft::storage
