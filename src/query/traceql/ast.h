// The TraceQL syntax tree: what the parser (parser.h) builds and the printer (printer.h), the
// planner and the evaluator read. Plain structs with value semantics: every node is copyable and
// compares with ==, which looks at meaning only (source positions never differ, source_pos.h).
// Static types are explicit: a literal knows its ValueType, a field reference is either a typed
// intrinsic or an attribute whose type is only known per span (ValueType::kDynamic), and every
// FieldExpr carries the type the parser checked it to have.
// The tree is bounded: at most kMaxNestingDepth levels (parser.h), so recursive walks are safe.
// Thread rule: plain data; safe to read concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/span.h"
#include "query/traceql/intrinsic.h"
#include "query/traceql/source_pos.h"
#include "query/traceql/value_type.h"

namespace weft::query::traceql {

// ---- values and fields ------------------------------------------------------------------------

// A duration literal (`300ms`, `-1.5s`), in nanoseconds; its own type so it never mixes with ints.
struct Duration {
  int64_t nanos = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

// `nil`: compares with = / != to test whether an attribute is absent / present.
struct Nil {
  friend bool operator==(const Nil&, const Nil&) = default;
};

using LiteralValue =
    std::variant<Nil, bool, int64_t, double, std::string, Duration, StatusCode, SpanKind>;

struct Literal {
  SourcePos pos;
  LiteralValue value;

  ValueType type() const;  // kNil, kBool, kInt, kFloat, kString, kDuration, kStatus or kKind
  friend bool operator==(const Literal&, const Literal&) = default;
};

// Where an attribute is looked up. kUnscoped is `.name`: the span's attribute, else the
// resource's (storage::AttributeScope::kSpanOrResource).
enum class AttributeScope : uint8_t {
  kUnscoped,
  kSpan,
  kResource,
  kEvent,
  kLink,
  kInstrumentation
};

// A field a condition reads: an intrinsic (`span:duration`, `status`) or an attribute
// (`span.http.method`, `resource."my attr"`, `.region`). `name` is the attribute key as stored,
// quotes removed (`span.a."b c"` has the name `a.b c`).
struct FieldRef {
  enum class Kind : uint8_t { kIntrinsic, kAttribute };

  SourcePos pos;
  Kind kind = Kind::kAttribute;
  Intrinsic intrinsic = Intrinsic::kSpanName;    // kIntrinsic only
  AttributeScope scope = AttributeScope::kSpan;  // kAttribute only
  std::string name;                              // kAttribute only

  ValueType type() const;  // the intrinsic's type, or kDynamic for an attribute
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

// ---- conditions inside `{ … }` ----------------------------------------------------------------

enum class CompareOp : uint8_t {
  kEq,        // =   (`= nil`: absent)
  kNe,        // !=  (`!= nil`: present)
  kLt,        // <
  kLe,        // <=
  kGt,        // >
  kGe,        // >=
  kRegex,     // =~  full match
  kNotRegex,  // !~
};

// A condition or an operand of one. Precedence (Tempo's): `&&` and `||` lowest and equal,
// left to right; then comparisons; then `!` (so `!.a = true` is `(!.a) = true`).
struct FieldExpr {
  enum class Kind : uint8_t {
    kLiteral,  // literal
    kField,    // field
    kCompare,  // operands[0] op operands[1]
    kAnd,      // operands[0] && operands[1] && …  (>= 2 operands, none itself a kAnd)
    kOr,       // operands[0] || operands[1] || …  (>= 2 operands, none itself a kOr)
    kNot,      // !operands[0]
  };

  Kind kind = Kind::kLiteral;
  SourcePos pos;  // the literal or field, or the operator
  // The static type the parser checked: the literal's or field's, kBool for the others.
  ValueType type = ValueType::kNil;
  Literal literal;                  // kLiteral
  FieldRef field;                   // kField
  CompareOp op = CompareOp::kEq;    // kCompare
  std::vector<FieldExpr> operands;  // kCompare, kAnd, kOr, kNot

  friend bool operator==(const FieldExpr&, const FieldExpr&) = default;
};

// `{ condition }`: the spans of the trace for which the condition holds. `{ }` (no condition)
// selects every span.
struct SpansetFilter {
  SourcePos pos;  // the `{`
  std::optional<FieldExpr> condition;
  friend bool operator==(const SpansetFilter&, const SpansetFilter&) = default;
};

// ---- spanset expressions and pipelines --------------------------------------------------------

enum class SpansetOp : uint8_t {
  kAnd,  // &&  both sides found spans: the spans of both
  kOr,   // ||  the spans of either side
  // Structural: the spans of the right side that stand in the relation to a span of the left.
  kChild,       // >    rhs spans whose parent matches lhs
  kParent,      // <    rhs spans that are the parent of an lhs span
  kDescendant,  // >>
  kAncestor,    // <<
  kSibling,     // ~
  // Negated structural (Tempo marks them experimental): rhs spans without that relation.
  kNotChild,       // !>
  kNotParent,      // !<
  kNotDescendant,  // !>>
  kNotAncestor,    // !<<
  kNotSibling,     // !~
  // Union structural: the spans of both sides that stand in the relation.
  kUnionChild,       // &>
  kUnionParent,      // &<
  kUnionDescendant,  // &>>
  kUnionAncestor,    // &<<
  kUnionSibling,     // &~
};

struct Stage;

// Sets of spans combined. Precedence (Tempo's): `&&` and `||` lowest and equal, left to right;
// the structural operators bind tighter, left to right (`{a} > {b} > {c}` is `({a} > {b}) > {c}`).
struct SpansetExpr {
  enum class Kind : uint8_t {
    kFilter,     // filter
    kOperation,  // operands combined by op
    kPipeline,   // `( stage | stage … )`: a parenthesised pipeline used as an operand
  };

  Kind kind = Kind::kFilter;
  SourcePos pos;                   // the filter's `{`, the operator, or the pipeline's `(`
  SpansetFilter filter;            // kFilter
  SpansetOp op = SpansetOp::kAnd;  // kOperation
  // kOperation: kAnd / kOr have >= 2 operands, none itself the same operator (they associate);
  // every other operator exactly 2, [lhs, rhs].
  std::vector<SpansetExpr> operands;
  // kPipeline: >= 2 stages, or one stage that is not a spanset expression (a parenthesised
  // spanset expression is just grouping and never becomes a kPipeline).
  std::vector<Stage> pipeline;

  friend bool operator==(const SpansetExpr&, const SpansetExpr&) = default;
};

enum class AggregateFunction : uint8_t { kCount, kAvg, kMin, kMax, kSum };

// `count()`, or `avg(x)` / `min(x)` / `max(x)` / `sum(x)` over a numeric field of the spanset.
struct Aggregate {
  SourcePos pos;
  AggregateFunction function = AggregateFunction::kCount;
  std::optional<FieldRef> argument;  // empty for count() only

  // kInt for count(); the argument's type otherwise (an attribute's is kDynamic).
  ValueType type() const;
  friend bool operator==(const Aggregate&, const Aggregate&) = default;
};

// One side of a pipeline comparison: an aggregate or a number / duration literal.
struct ScalarOperand {
  std::variant<Aggregate, Literal> value;
  friend bool operator==(const ScalarOperand&, const ScalarOperand&) = default;
};

// `| count() > 2`, `| avg(duration) >= 1s`: keeps the spansets for which it holds. At least one
// side is an aggregate; op is never a regex.
struct ScalarFilter {
  SourcePos pos;  // the operator
  CompareOp op = CompareOp::kGt;
  ScalarOperand lhs;
  ScalarOperand rhs;
  friend bool operator==(const ScalarFilter&, const ScalarFilter&) = default;
};

// One step of a pipeline.
struct Stage {
  enum class Kind : uint8_t {
    kSpanset,       // spanset: `{ … }`, `{ … } >> { … }`, `( … )`
    kScalarFilter,  // scalar_filter: `count() > 2`
    kGroupBy,       // group_by: `by(resource.service.name)`
    kSelect,        // select: `select(span.http.url, span:duration)`
    kCoalesce,      // `coalesce()`: merge the spansets of a trace into one; never the first stage
  };

  Kind kind = Kind::kSpanset;
  SourcePos pos;
  SpansetExpr spanset;
  ScalarFilter scalar_filter;
  std::vector<FieldExpr> group_by;  // >= 1
  std::vector<FieldRef> select;     // >= 1

  friend bool operator==(const Stage&, const Stage&) = default;
};

// A whole query: a pipeline of >= 1 stages, `{ … } | by(…) | count() > 1`, run on one trace at
// a time; the trace is a result when the last stage leaves a spanset.
struct Query {
  std::vector<Stage> pipeline;
  friend bool operator==(const Query&, const Query&) = default;
};

// Names used by the printer and in error messages.
std::string_view CompareOpSymbol(CompareOp op);               // "=", "!=", …, "=~", "!~"
std::string_view SpansetOpSymbol(SpansetOp op);               // "&&", ">>", "!<", "&~", …
std::string_view AggregateFunctionName(AggregateFunction f);  // "count", "avg", …
std::optional<AggregateFunction> AggregateFunctionNamed(std::string_view name);
std::string_view AttributeScopePrefix(AttributeScope scope);  // ".", "span.", "resource.", …

}  // namespace weft::query::traceql
