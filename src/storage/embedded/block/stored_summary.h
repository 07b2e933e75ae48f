// The summary the writer stores for each trace (trace_table.h), computed over the trace's spans in
// this block by the rules of storage::TraceSummaryBuilder (trace_summary.h): the root is the
// earliest span without a parent (ties by span id); the end is the latest start or end.
// Thread rule: pure function (it interns into the caller's dictionaries).
#pragma once

#include <span>

#include "storage/embedded/block/row_group_builder.h"
#include "storage/embedded/block/trace_table.h"

namespace weft::storage::embedded::block {

StoredSummary ComputeStoredSummary(std::span<const SpanRef> spans, BlockDictionaries& dictionaries);

}  // namespace weft::storage::embedded::block
