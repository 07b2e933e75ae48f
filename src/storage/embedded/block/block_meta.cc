#include "storage/embedded/block/block_meta.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/embedded/block/byte_io.h"

namespace weft::storage::embedded::block {

const ChunkRef* RowGroupMeta::FindChunk(uint32_t column) const {
  auto it = std::lower_bound(chunks.begin(), chunks.end(), column,
                             [](const ChunkRef& c, uint32_t col) { return c.column < col; });
  return it != chunks.end() && it->column == column ? &*it : nullptr;
}

namespace {

void PutStrings(std::string& out, const std::vector<std::string>& strings) {
  PutVarint64(out, strings.size());
  for (const std::string& s : strings) PutLengthPrefixed(out, s);
}

void PutIds(std::string& out, const std::vector<uint32_t>& ids) {
  PutVarint64(out, ids.size());
  uint32_t previous = 0;
  for (uint32_t id : ids) {  // sorted: deltas
    PutVarint64(out, id - previous);
    previous = id;
  }
}

// Catalog entry: u8 0 + varint fixed column id, or u8 1 + u8 set + u8 value type + varint key.
void PutColumnKey(std::string& out, const ColumnKey& c) {
  if (!c.is_attribute) {
    out.push_back(0);
    PutVarint64(out, static_cast<uint16_t>(c.fixed));
    return;
  }
  out.push_back(1);
  out.push_back(static_cast<char>(c.set));
  out.push_back(static_cast<char>(c.type));
  PutVarint64(out, c.key);
}

void PutRowGroup(std::string& out, const RowGroupMeta& rg) {
  PutVarint64(out, rg.offset);
  PutVarint64(out, rg.size);
  PutVarint64(out, rg.spans);
  PutVarint64(out, rg.pieces);
  PutVarint64(out, rg.events);
  PutVarint64(out, rg.links);
  out.append(rg.first_trace.AsStringView());
  out.append(rg.last_trace.AsStringView());
  PutVarint64(out, rg.min_trace_start);
  PutVarint64(out, rg.max_trace_end - rg.min_trace_start);
  PutVarint64(out, rg.min_span_start);
  PutVarint64(out, rg.max_span_start - rg.min_span_start);
  PutVarint64(out, rg.min_duration);
  PutVarint64(out, rg.max_duration - rg.min_duration);
  PutIds(out, rg.services);
  PutIds(out, rg.names);
  PutVarint64(out, rg.chunks.size());
  uint32_t previous_column = 0;
  uint64_t next_offset = rg.offset;
  for (const ChunkRef& c : rg.chunks) {
    PutVarint64(out, c.column - previous_column);
    previous_column = c.column;
    // The offset relative to the previous chunk's end (zigzag: chunks are listed by column, not
    // by position).
    PutZigZag(out, static_cast<int64_t>(c.offset - next_offset));
    next_offset = c.offset + c.size;
    PutVarint64(out, c.size);
    PutVarint64(out, c.raw_size);
    PutVarint64(out, c.value_count);
    out.push_back(static_cast<char>(c.compression));
    out.push_back(static_cast<char>(c.encoding));
    PutFixed64(out, c.checksum);
  }
}

class MetaDecoder {
 public:
  MetaDecoder(std::string_view bytes, uint64_t data_begin, uint64_t data_end)
      : reader_(bytes), data_begin_(data_begin), data_end_(data_end) {}

  absl::StatusOr<BlockMeta> Decode() {
    BlockMeta m;
    std::string_view tenant;
    if (!reader_.ReadLengthPrefixed(&tenant) || !reader_.ReadVarint64(&m.spans) ||
        !reader_.ReadVarint64(&m.traces) || !reader_.ReadVarint64(&m.min_time) ||
        !Delta(m.min_time, &m.max_time)) {
      return Bad("block statistics");
    }
    m.tenant = std::string(tenant);
    if (!Strings(&m.services) || !Strings(&m.span_names) || !Strings(&m.keys)) {
      return Bad("dictionaries");
    }
    uint32_t count = 0;
    if (!reader_.ReadCount(&count, 3)) return Bad("operations");
    m.operations.resize(count);
    for (OperationEntry& op : m.operations) {
      if (!reader_.ReadVarint32(&op.service) || op.service >= m.services.size() ||
          !reader_.ReadVarint32(&op.name) || op.name >= m.span_names.size() ||
          !reader_.ReadByte(&op.kind)) {
        return Bad("operations");
      }
    }
    if (!reader_.ReadCount(&count, 2)) return Bad("catalog");
    m.catalog.resize(count);
    for (ColumnKey& c : m.catalog) {
      if (!ColumnKeyAt(m.keys.size(), &c)) return Bad("catalog");
    }
    if (!reader_.ReadCount(&count, 40)) return Bad("row group directory");
    m.row_groups.resize(count);
    uint64_t next = data_begin_;
    for (size_t i = 0; i < m.row_groups.size(); ++i) {
      RowGroupMeta& rg = m.row_groups[i];
      if (!RowGroup(m, &rg)) return Bad(absl::StrCat("row group ", i));
      if (rg.offset < next || rg.offset + rg.size > data_end_) {
        return Bad(absl::StrCat("row group ", i, " lies outside the data"));
      }
      next = rg.offset + rg.size;
      if (i > 0 && !(m.row_groups[i - 1].last_trace <= rg.first_trace)) {
        return Bad("row groups out of trace id order");
      }
    }
    if (!reader_.empty()) return Bad("trailing bytes");
    return m;
  }

 private:
  static absl::Status Bad(std::string_view what) {
    return absl::DataLossError(absl::StrCat("meta section malformed: ", std::string(what)));
  }

  bool Delta(uint64_t base, uint64_t* value) {
    uint64_t d = 0;
    if (!reader_.ReadVarint64(&d) || d > UINT64_MAX - base) return false;
    *value = base + d;
    return true;
  }

  bool Strings(std::vector<std::string>* out) {
    uint32_t count = 0;
    if (!reader_.ReadCount(&count, 1)) return false;
    out->resize(count);
    for (std::string& s : *out) {
      std::string_view v;
      if (!reader_.ReadLengthPrefixed(&v)) return false;
      s = std::string(v);
    }
    return true;
  }

  bool Ids(size_t limit, std::vector<uint32_t>* out) {
    uint32_t count = 0;
    if (!reader_.ReadCount(&count, 1)) return false;
    out->resize(count);
    uint64_t previous = 0;
    for (uint32_t i = 0; i < count; ++i) {
      uint64_t d = 0;
      if (!reader_.ReadVarint64(&d)) return false;
      const uint64_t id = previous + d;
      if (id >= limit || (i > 0 && d == 0)) return false;
      (*out)[i] = static_cast<uint32_t>(id);
      previous = id;
    }
    return true;
  }

  bool ColumnKeyAt(size_t key_count, ColumnKey* c) {
    uint8_t kind = 0;
    if (!reader_.ReadByte(&kind)) return false;
    if (kind == 0) {
      uint32_t fixed = 0;
      if (!reader_.ReadVarint32(&fixed) || fixed >= kFixedColumnCount) return false;
      *c = ColumnKey::Fixed(static_cast<FixedColumn>(fixed));
      return true;
    }
    uint8_t set = 0, type = 0;
    uint32_t key = 0;
    if (kind != 1 || !reader_.ReadByte(&set) || set >= kAttributeSetCount ||
        !reader_.ReadByte(&type) || type > static_cast<uint8_t>(ValueType::kKvList) ||
        !reader_.ReadVarint32(&key) || key >= key_count) {
      return false;
    }
    *c = ColumnKey::Attribute(static_cast<AttributeSet>(set), static_cast<ValueType>(type), key);
    return true;
  }

  bool TraceIdAt(TraceId* id) {
    std::string_view raw;
    if (!reader_.ReadBytes(TraceId::kSize, &raw)) return false;
    *id = *TraceId::FromBytes(raw);
    return true;
  }

  bool RowGroup(const BlockMeta& m, RowGroupMeta* rg) {
    if (!reader_.ReadVarint64(&rg->offset) || !reader_.ReadVarint64(&rg->size) ||
        rg->size > data_end_ || !reader_.ReadVarint32(&rg->spans) || rg->spans == 0 ||
        !reader_.ReadVarint32(&rg->pieces) || rg->pieces == 0 || rg->pieces > rg->spans ||
        !reader_.ReadVarint32(&rg->events) || !reader_.ReadVarint32(&rg->links) ||
        !TraceIdAt(&rg->first_trace) || !TraceIdAt(&rg->last_trace) ||
        rg->last_trace < rg->first_trace || !reader_.ReadVarint64(&rg->min_trace_start) ||
        !Delta(rg->min_trace_start, &rg->max_trace_end) ||
        !reader_.ReadVarint64(&rg->min_span_start) ||
        !Delta(rg->min_span_start, &rg->max_span_start) ||
        !reader_.ReadVarint64(&rg->min_duration) || !Delta(rg->min_duration, &rg->max_duration) ||
        !Ids(m.services.size(), &rg->services) || !Ids(m.span_names.size(), &rg->names)) {
      return false;
    }
    uint32_t count = 0;
    if (!reader_.ReadCount(&count, 14)) return false;
    rg->chunks.resize(count);
    uint64_t column = 0;
    uint64_t next_offset = rg->offset;
    const uint64_t end = rg->offset + rg->size;
    for (uint32_t i = 0; i < count; ++i) {
      ChunkRef& c = rg->chunks[i];
      uint64_t d = 0;
      int64_t gap = 0;
      if (!reader_.ReadVarint64(&d) || (i > 0 && d == 0)) return false;
      column += d;
      if (column >= m.catalog.size()) return false;
      c.column = static_cast<uint32_t>(column);
      if (!reader_.ReadZigZag(&gap)) return false;
      c.offset = next_offset + static_cast<uint64_t>(gap);
      if (c.offset < rg->offset || c.offset > end) return false;
      if (!reader_.ReadVarint32(&c.size) || c.size > end - c.offset ||
          !reader_.ReadVarint32(&c.raw_size) || !reader_.ReadVarint32(&c.value_count) ||
          !reader_.ReadByte(&c.compression) || !reader_.ReadByte(&c.encoding) ||
          !reader_.ReadFixed64(&c.checksum)) {
        return false;
      }
      next_offset = c.offset + c.size;
    }
    return true;
  }

  ByteReader reader_;
  uint64_t data_begin_;
  uint64_t data_end_;
};

}  // namespace

std::string EncodeBlockMeta(const BlockMeta& m) {
  std::string out;
  PutLengthPrefixed(out, m.tenant);
  PutVarint64(out, m.spans);
  PutVarint64(out, m.traces);
  PutVarint64(out, m.min_time);
  PutVarint64(out, m.max_time - m.min_time);
  PutStrings(out, m.services);
  PutStrings(out, m.span_names);
  PutStrings(out, m.keys);
  PutVarint64(out, m.operations.size());
  for (const OperationEntry& op : m.operations) {
    PutVarint64(out, op.service);
    PutVarint64(out, op.name);
    out.push_back(static_cast<char>(op.kind));
  }
  PutVarint64(out, m.catalog.size());
  for (const ColumnKey& c : m.catalog) PutColumnKey(out, c);
  PutVarint64(out, m.row_groups.size());
  for (const RowGroupMeta& rg : m.row_groups) PutRowGroup(out, rg);
  return out;
}

absl::StatusOr<BlockMeta> DecodeBlockMeta(std::string_view bytes, uint64_t data_begin,
                                          uint64_t data_end) {
  return MetaDecoder(bytes, data_begin, data_end).Decode();
}

}  // namespace weft::storage::embedded::block
