// The trace table of a row group (docs/format/block.md, "Trace table"): one entry per trace piece —
// the spans of one trace that lie in this row group, in rows [first_row, first_row + rows) — with
// the summary of the whole trace in this block (a trace larger than a row group is split into
// pieces, each of which repeats the summary).
// Thread rule: pure data and functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/ids.h"

namespace weft::storage::embedded::block {

// A trace's summary as stored: services and names are indexes into the block's dictionaries.
struct StoredSummary {
  uint64_t start = 0;     // earliest span start
  uint64_t duration = 0;  // latest span end - earliest span start
  uint32_t span_count = 0;
  uint32_t error_count = 0;
  uint32_t root_service = 0;  // 1 + index into the service dictionary; 0: no root span
  uint32_t root_name = 0;     // 1 + index into the span-name dictionary; 0: no root span
  uint64_t end() const { return start + duration; }
};

struct TracePiece {
  TraceId trace_id;
  uint32_t first_row = 0;
  uint32_t rows = 0;
  // The time span-start offsets of the piece are relative to (its earliest span start).
  uint64_t piece_start = 0;
  StoredSummary summary;
};

std::string EncodeTraceTable(std::span<const TracePiece> pieces);
// False when malformed, when the rows do not add up to `row_count`, or when trace ids are not
// strictly ascending.
bool DecodeTraceTable(std::string_view data, uint32_t piece_count, uint32_t row_count,
                      std::vector<TracePiece>* pieces);

// For trace-by-id lookups: the piece of `trace_id`, decoding only what locating it needs (a binary
// search over the ids, the rows of the pieces, and its own entries of the start fields) rather
// than every field of every piece. *found tells whether the table holds the trace; when it does,
// *piece is set except for its summary, of which only `start` is decoded. False when what it reads
// is malformed (the rows must add up to `row_count`); unlike DecodeTraceTable it does not read,
// so does not check, the rest.
bool FindTracePiece(std::string_view data, uint32_t piece_count, uint32_t row_count,
                    const TraceId& trace_id, bool* found, TracePiece* piece);

}  // namespace weft::storage::embedded::block
