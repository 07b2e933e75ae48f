// SpanFetcher: the scan interface the query engine (TraceQL) drives, with conditions pushed down
// so a backend can prune by time, block statistics, dictionaries and blooms before decoding spans
// (after Tempo's SpansetFetcher). A backend returns matching spans grouped by trace with each
// trace's summary, newest traces first, at most `limit` traces. Conditions it cannot prune on it
// still evaluates exactly (condition_eval.h), so results never depend on how much was pushed down.
// Thread rule: implementations are thread-safe; requests and results are plain data.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "model/ids.h"
#include "model/span_batch.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace weft::storage {

// What a condition looks at: an intrinsic field of the span, or an attribute. Intrinsics always
// exist (kExists is true, kNotExists false) except kServiceName, which is exactly the resource
// attribute `service.name` (so it may be absent, or even not a string).
enum class Field : uint8_t {
  kServiceName,    // resource attribute service.name
  kSpanName,       // operand: string
  kKind,           // operand: int (SpanKind)
  kStatus,         // operand: int (StatusCode)
  kStatusMessage,  // operand: string ("" when unset)
  kDuration,       // operand: int nanoseconds (end - start; 0 when end < start)
  kStartTime,      // operand: int unix nanoseconds
  kAttribute,      // see Condition::scope and Condition::key
};

// Where an attribute condition looks. kSpanOrResource is TraceQL's unscoped `.key`: the span's
// attribute when the span has the key, else the resource's. kEvent / kLink: the condition holds
// when it holds for any one event / link of the span (kNotExists: when none has the key).
enum class AttributeScope : uint8_t { kSpan, kResource, kEvent, kLink, kSpanOrResource };

enum class CompareOp : uint8_t {
  kEq,
  kNe,  // TraceQL: a missing attribute or a value of another type is not "different"
  kLt,  // kLt..kGe: numbers numerically, strings bytewise; bools only kEq / kNe
  kLe,
  kGt,
  kGe,
  kRegex,  // full match, RE2 syntax; operand: string; matches string values only
  kNotRegex,
  kExists,     // attribute present (any type); no operand
  kNotExists,  // TraceQL `= nil`: attribute absent
};

// A comparison value. Ints and doubles compare numerically with each other (exactly, no
// rounding); strings with strings; bools with bools. A type mismatch is "no match" (TraceQL
// semantics), never an error; so are array, key-value-list and bytes attribute values, and NaN
// matches only kNe.
using Operand = std::variant<std::monostate, std::string, int64_t, double, bool>;

struct Condition {
  Field field = Field::kSpanName;
  AttributeScope scope = AttributeScope::kSpan;  // kAttribute only
  std::string key;                               // kAttribute only
  CompareOp op = CompareOp::kEq;
  Operand operand;
  // Compiled once by CompileRegexes (condition_eval.h) for kRegex/kNotRegex; shared because the
  // condition tree is copied into per-backend plans while the compiled program is immutable.
  std::shared_ptr<const re2::RE2> regex;
};

// A boolean tree over conditions, evaluated per span (so `A && B` needs one span with both).
// An empty kAnd matches every span; an empty kOr matches none.
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
  // Traces whose time span [summary.start, summary.start + summary.duration] overlaps
  // [start, end] (unix nanoseconds, both inclusive). Spans are not filtered by time: a trace in
  // range is searched and returned whole. REQUIRES start <= end, else InvalidArgument.
  uint64_t start_unix_nanos = 0;
  uint64_t end_unix_nanos = UINT64_MAX;
  // A span matches when the tree is true for it; a trace matches when any span does. Regexes
  // need not be compiled: a backend compiles what is not (a bad one is InvalidArgument).
  ConditionTree filter;
  size_t limit = 20;           // traces, >= 1 (0 is InvalidArgument); the caller sets a maximum
  size_t spans_per_trace = 3;  // matching spans returned per trace; 0 = all of them
  // Return every stored span of each matching trace instead (structural TraceQL needs the whole
  // tree); spans_per_trace is then ignored.
  bool whole_traces = false;
  // Work stops at this time: the traces found so far are returned with FetchResult::partial set
  // (newest first among what was inspected; newer matches may exist in what was not). Checked
  // between units of work (a chunk of indexed traces, a block), so it may be overrun by one.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// What a trace looks like from the spans a backend holds for it. Counts are of stored spans: an
// exact duplicate (a client's retry) that the backend has not yet dropped (the embedded store
// drops them at compaction; the memory store never does) is counted each time it is stored.
struct TraceSummary {
  TraceId trace_id;
  // Service and name of the root span (no parent; the earliest if several, ties by span id);
  // both "" while no root has arrived.
  std::string root_service;
  std::string root_span_name;
  uint64_t start_unix_nanos = 0;  // earliest span start
  uint64_t duration_nanos = 0;    // latest span end - earliest span start
  uint32_t span_count = 0;
  uint32_t error_count = 0;  // spans with status error
};

struct TraceMatch {
  TraceSummary summary;
  uint32_t matched_spans = 0;  // stored spans of the trace that match, before spans_per_trace
  // The returned spans (matching ones, or the whole trace), each once per time it is stored, in
  // no particular order.
  std::unique_ptr<SpanBatch> spans;
};

struct FetchResult {
  std::vector<TraceMatch> traces;  // newest first (summary.start desc), ties by trace id asc
  // What the scan cost, for /metrics and query statistics.
  uint64_t inspected_spans = 0;
  uint64_t inspected_blocks = 0;
  uint64_t skipped_blocks = 0;
  // The request's deadline stopped the scan before it was complete.
  bool partial = false;
};

struct OperationName {
  std::string name;
  SpanKind kind = SpanKind::kUnspecified;
  friend bool operator==(const OperationName&, const OperationName&) = default;
};

class SpanFetcher {
 public:
  virtual ~SpanFetcher() = default;

  // The newest `limit` matching traces of the tenant. An unknown tenant has no traces (not an
  // error). Errors: InvalidArgument for a bad request (see FetchRequest) or regex.
  virtual absl::StatusOr<FetchResult> Fetch(const FetchRequest& request) = 0;

  // Distinct non-empty service names (Field::kServiceName as a string) of the spans the tenant
  // has stored now, sorted.
  virtual absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant) = 0;

  // Distinct (span name, kind) of one service's stored spans, sorted by name then kind; empty
  // for an unknown service.
  virtual absl::StatusOr<std::vector<OperationName>> Operations(std::string_view tenant,
                                                                std::string_view service) = 0;
};

}  // namespace weft::storage
