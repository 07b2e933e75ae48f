#include "storage/embedded/block/trace_table.h"

#include <algorithm>
#include <cstring>

#include "common/varint.h"
#include "storage/embedded/block/byte_io.h"

namespace weft::storage::embedded::block {

// Layout: fixed64 base start (the least summary start), the trace ids (16 bytes each), then one
// varint stream per field, field by field: rows, piece_start - summary start, summary start -
// base, duration, span count, error count, root service, root name.
std::string EncodeTraceTable(std::span<const TracePiece> pieces) {
  std::string out;
  uint64_t base = UINT64_MAX;
  for (const TracePiece& p : pieces) base = std::min(base, p.summary.start);
  if (pieces.empty()) base = 0;
  PutFixed64(out, base);
  for (const TracePiece& p : pieces) out.append(p.trace_id.AsStringView());
  for (const TracePiece& p : pieces) PutVarint64(out, p.rows);
  for (const TracePiece& p : pieces) PutVarint64(out, p.piece_start - p.summary.start);
  for (const TracePiece& p : pieces) PutVarint64(out, p.summary.start - base);
  for (const TracePiece& p : pieces) PutVarint64(out, p.summary.duration);
  for (const TracePiece& p : pieces) PutVarint64(out, p.summary.span_count);
  for (const TracePiece& p : pieces) PutVarint64(out, p.summary.error_count);
  for (const TracePiece& p : pieces) PutVarint64(out, p.summary.root_service);
  for (const TracePiece& p : pieces) PutVarint64(out, p.summary.root_name);
  return out;
}

bool DecodeTraceTable(std::string_view data, uint32_t piece_count, uint32_t row_count,
                      std::vector<TracePiece>* pieces) {
  ByteReader reader(data);
  uint64_t base = 0;
  if (!reader.ReadFixed64(&base) || piece_count > data.size() / 24) return false;
  pieces->assign(piece_count, TracePiece{});
  for (TracePiece& p : *pieces) {
    std::string_view id;
    if (!reader.ReadBytes(TraceId::kSize, &id)) return false;
    p.trace_id = *TraceId::FromBytes(id);
  }
  uint64_t next_row = 0;
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint32(&p.rows) || p.rows == 0) return false;
    p.first_row = static_cast<uint32_t>(next_row);
    next_row += p.rows;
    if (next_row > row_count) return false;
  }
  if (next_row != row_count) return false;
  std::vector<uint64_t> piece_offsets(piece_count);
  for (uint64_t& v : piece_offsets) {
    if (!reader.ReadVarint64(&v)) return false;
  }
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint64(&p.summary.start)) return false;
    p.summary.start += base;
  }
  for (size_t i = 0; i < piece_count; ++i) {
    (*pieces)[i].piece_start = (*pieces)[i].summary.start + piece_offsets[i];
  }
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint64(&p.summary.duration)) return false;
  }
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint32(&p.summary.span_count)) return false;
  }
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint32(&p.summary.error_count)) return false;
  }
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint32(&p.summary.root_service)) return false;
  }
  for (TracePiece& p : *pieces) {
    if (!reader.ReadVarint32(&p.summary.root_name)) return false;
  }
  for (size_t i = 1; i < piece_count; ++i) {
    if (!((*pieces)[i - 1].trace_id < (*pieces)[i].trace_id)) return false;
  }
  return reader.empty();
}

bool FindTracePiece(std::string_view data, uint32_t piece_count, uint32_t row_count,
                    const TraceId& trace_id, bool* found, TracePiece* piece) {
  *found = false;
  uint64_t base = 0;
  if (!ByteReader(data).ReadFixed64(&base) || piece_count > data.size() / 24) return false;
  const char* ids = data.data() + 8;
  const std::string_view target = trace_id.AsStringView();
  size_t lo = 0, hi = piece_count;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (std::memcmp(ids + mid * TraceId::kSize, target.data(), TraceId::kSize) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == piece_count ||
      std::memcmp(ids + lo * TraceId::kSize, target.data(), TraceId::kSize) != 0) {
    return true;
  }
  const size_t k = lo;
  const char* p = ids + size_t{piece_count} * TraceId::kSize;
  const char* end = data.data() + data.size();
  // Rows: every piece's, since the piece's first row is the sum of those before it.
  uint64_t next_row = 0;
  for (size_t i = 0; i < piece_count; ++i) {
    uint32_t rows = 0;
    p = DecodeVarint32(p, end, &rows);
    if (p == nullptr || rows == 0 || rows > row_count - next_row) return false;
    if (i == k) {
      piece->first_row = static_cast<uint32_t>(next_row);
      piece->rows = rows;
    }
    next_row += rows;
  }
  if (next_row != row_count) return false;
  // Entry k of the next two fields: piece start - summary start, summary start - base.
  uint64_t offset = 0, start = 0;
  p = SkipVarints(p, end, k);
  if (p == nullptr || (p = DecodeVarint64(p, end, &offset)) == nullptr) return false;
  p = SkipVarints(p, end, (piece_count - k - 1) + k);  // the rest of one field, k of the next
  if (p == nullptr || DecodeVarint64(p, end, &start) == nullptr) return false;
  piece->trace_id = trace_id;
  piece->summary = StoredSummary{};
  piece->summary.start = base + start;
  piece->piece_start = piece->summary.start + offset;
  *found = true;
  return true;
}

}  // namespace weft::storage::embedded::block
