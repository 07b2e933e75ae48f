// Exact evaluation of SpanFetcher conditions (span_fetcher.h) against one span: the reference
// semantics every backend applies to whatever its indexes and statistics could not prune, so that
// results never depend on how much a backend pushed down.
// Thread rule: pure functions; a compiled ConditionTree may be evaluated from many threads.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "model/span_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage {

// Limits on one regex: RE2's memory budget for it and the size of its compiled program. A
// pattern over either is refused (InvalidArgument), so a query cannot make a scan slow or big.
inline constexpr int64_t kMaxRegexMemoryBytes = 1 << 20;
inline constexpr int kMaxRegexProgramSize = 20'000;

// Compiles, in place, every kRegex/kNotRegex leaf's operand (full-match semantics) whose
// `regex` is not yet set. Errors: InvalidArgument naming the pattern when it does not parse,
// exceeds the limits above, or is not a string.
absl::Status CompileRegexes(ConditionTree& tree);

// True when `tree` holds for `span`, a span of `batch` (see span_fetcher.h for the rules).
// REQUIRES: CompileRegexes(tree) succeeded (an uncompiled regex leaf matches nothing).
bool SpanMatches(const ConditionTree& tree, const SpanBatch& batch, const Span& span);

// True when the tree is an empty kAnd, i.e. matches every span: lets a backend skip evaluation.
bool MatchesEverything(const ConditionTree& tree);

}  // namespace weft::storage
