#include "storage/embedded/block/row_group_reader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/embedded/block/block_format.h"
#include "storage/embedded/block/compression.h"
#include "storage/embedded/block/scope_table.h"

namespace weft::storage::embedded::block {

RowGroupReader::RowGroupReader(const BlockFile& block, uint32_t index)
    : block_(block), meta_(block.meta.row_groups[index]), index_(index) {}

absl::Status RowGroupReader::Prefetch() {
  if (prefetched_ != nullptr) return absl::OkStatus();
  auto buffer = std::make_unique_for_overwrite<char[]>(meta_.size);
  absl::StatusOr<std::string_view> read = block_.file->Read(meta_.offset, meta_.size, buffer.get());
  if (!read.ok()) return read.status();
  block_.counters.file_reads.fetch_add(1, std::memory_order_relaxed);
  block_.counters.bytes_read.fetch_add(read->size(), std::memory_order_relaxed);
  if (read->size() != meta_.size) {
    return block_.Corrupt(absl::StrCat("row group ", index_, " is truncated"));
  }
  if (read->data() != buffer.get()) std::copy(read->begin(), read->end(), buffer.get());
  prefetched_ = std::move(buffer);
  return absl::OkStatus();
}

uint32_t RowGroupReader::RowsOf(AttributeSet set) const {
  switch (set) {
    case AttributeSet::kSpan:
      return meta_.spans;
    case AttributeSet::kEvent:
      return meta_.events;
    case AttributeSet::kLink:
      return meta_.links;
  }
  return 0;
}

absl::StatusOr<ColumnData*> RowGroupReader::Column(const ColumnKey& key) {
  const std::optional<uint32_t> index = block_.ColumnIndex(key);
  if (!index.has_value()) {
    if (!key.is_attribute) return block_.Corrupt(index_, key, "missing from the catalog");
    return nullptr;
  }
  return Column(*index);
}

absl::StatusOr<ColumnData*> RowGroupReader::Column(uint32_t catalog_index) {
  if (auto it = columns_.find(catalog_index); it != columns_.end()) return it->second.get();
  const ChunkRef* chunk = meta_.FindChunk(catalog_index);
  const ColumnKey& key = block_.meta.catalog[catalog_index];
  if (chunk == nullptr) {
    if (!key.is_attribute) return block_.Corrupt(index_, key, "chunk missing");
    return nullptr;
  }
  return Load(catalog_index, *chunk);
}

absl::StatusOr<ColumnData*> RowGroupReader::Load(uint32_t catalog_index, const ChunkRef& chunk) {
  const ColumnKey& key = block_.meta.catalog[catalog_index];
  auto data = std::make_unique<ColumnData>();
  data->key = key;
  data->value_count = chunk.value_count;
  data->encoding = chunk.encoding;
  std::string_view stored;
  if (prefetched_ != nullptr) {
    stored = std::string_view(prefetched_.get() + (chunk.offset - meta_.offset), chunk.size);
  } else {
    data->stored = std::make_unique_for_overwrite<char[]>(chunk.size);
    absl::StatusOr<std::string_view> read =
        block_.file->Read(chunk.offset, chunk.size, data->stored.get());
    if (!read.ok()) return read.status();
    block_.counters.file_reads.fetch_add(1, std::memory_order_relaxed);
    block_.counters.bytes_read.fetch_add(read->size(), std::memory_order_relaxed);
    if (read->size() != chunk.size) return Corrupt(key, "chunk truncated");
    stored = *read;
  }
  if (Checksum(stored) != chunk.checksum) return Corrupt(key, "checksum mismatch");
  const Compression* compression = FindCompression(chunk.compression);
  if (compression == nullptr) {
    return Corrupt(key, absl::StrCat("unknown compression ", chunk.compression));
  }
  absl::StatusOr<std::string_view> raw =
      compression->decompress(stored, chunk.raw_size, &data->decompressed);
  if (!raw.ok()) return Corrupt(key, std::string(raw.status().message()));
  data->raw = *raw;  // into `stored`, `decompressed` or the prefetched row group
  block_.counters.chunks_decoded.fetch_add(1, std::memory_order_relaxed);

  const uint32_t count = chunk.value_count;
  if (count > kMaxChunkValues) return Corrupt(key, "value count implausible");
  switch (key.family()) {
    case ColumnFamily::kU64:
      if (FindU64Encoding(chunk.encoding) == nullptr) return Corrupt(key, "unknown encoding");
      break;
    case ColumnFamily::kString:
      if (FindStringEncoding(chunk.encoding) == nullptr) return Corrupt(key, "unknown encoding");
      break;
    case ColumnFamily::kRaw: {
      if (chunk.encoding != kRawEncoding) return Corrupt(key, "unknown encoding");
      const uint64_t width = key.is_attribute ? 0 : DefOf(key.fixed).raw_width;
      if (data->raw.size() != width * count) return Corrupt(key, "size does not match the count");
      break;
    }
    case ColumnFamily::kTable:
      if (chunk.encoding != kTableEncoding) return Corrupt(key, "unknown encoding");
      break;
    case ColumnFamily::kNone:
      if (chunk.encoding != kRawEncoding || !data->raw.empty()) {
        return Corrupt(key, "values of the empty type hold bytes");
      }
      break;
  }
  ColumnData* result = data.get();
  columns_.emplace(catalog_index, std::move(data));
  return result;
}

absl::StatusOr<std::span<const uint64_t>> RowGroupReader::NumbersOf(ColumnData& column) {
  if (!column.decoded) {
    if (column.key.family() != ColumnFamily::kU64)
      return Corrupt(column.key, "not a number column");
    column.numbers = std::make_unique_for_overwrite<uint64_t[]>(column.value_count);
    if (!FindU64Encoding(column.encoding)
             ->decode(column.raw, column.value_count, 0,
                      std::span<uint64_t>(column.numbers.get(), column.value_count))) {
      return Corrupt(column.key, "malformed values");
    }
    column.decoded = true;
  }
  return std::span<const uint64_t>(column.numbers.get(), column.value_count);
}

absl::StatusOr<const DecodedStrings*> RowGroupReader::StringsOf(ColumnData& column) {
  if (!column.decoded) {
    if (column.key.family() != ColumnFamily::kString)
      return Corrupt(column.key, "not a string column");
    if (!FindStringEncoding(column.encoding)
             ->decode(column.raw, column.value_count, 0, column.value_count, &column.strings)) {
      return Corrupt(column.key, "malformed values");
    }
    column.decoded = true;
  }
  return &column.strings;
}

absl::Status RowGroupReader::DecodeNumbers(const ColumnData& column, size_t begin,
                                           std::span<uint64_t> out) {
  if (column.key.family() != ColumnFamily::kU64 || begin > column.value_count ||
      out.size() > column.value_count - begin) {
    return Corrupt(column.key, "value range out of bounds");
  }
  if (!FindU64Encoding(column.encoding)->decode(column.raw, column.value_count, begin, out)) {
    return Corrupt(column.key, "malformed values");
  }
  return absl::OkStatus();
}

absl::Status RowGroupReader::DecodeStrings(const ColumnData& column, size_t begin, size_t end,
                                           DecodedStrings* out) {
  if (column.key.family() != ColumnFamily::kString || begin > end || end > column.value_count) {
    return Corrupt(column.key, "value range out of bounds");
  }
  if (!FindStringEncoding(column.encoding)
           ->decode(column.raw, column.value_count, begin, end, out)) {
    return Corrupt(column.key, "malformed values");
  }
  return absl::OkStatus();
}

uint32_t RowGroupReader::ExpectedCount(FixedColumn column) const {
  using F = FixedColumn;
  switch (column) {
    case F::kTraces:
      return meta_.pieces;
    case F::kSpanDropped:
      return meta_.spans * 3;
    case F::kEventTime:
    case F::kEventName:
    case F::kEventDropped:
    case F::kEventAttrShape:
      return meta_.events;
    case F::kLinkTraceId:
    case F::kLinkSpanId:
    case F::kLinkTraceState:
    case F::kLinkFlags:
    case F::kLinkDropped:
    case F::kLinkAttrShape:
      return meta_.links;
    case F::kScopes:
    case F::kSpanParentId:
    case F::kSpanAttrShapes:
    case F::kEventAttrShapes:
    case F::kLinkAttrShapes:
      return UINT32_MAX;  // checked where used
    default:
      return meta_.spans;
  }
}

absl::StatusOr<ColumnData*> RowGroupReader::Fixed(FixedColumn column) {
  absl::StatusOr<ColumnData*> data = Column(ColumnKey::Fixed(column));
  if (!data.ok()) return data.status();
  const uint32_t expected = ExpectedCount(column);
  if (expected != UINT32_MAX && (*data)->value_count != expected) {
    return Corrupt(ColumnKey::Fixed(column), "value count does not match the row group");
  }
  return *data;
}

absl::StatusOr<std::span<const uint64_t>> RowGroupReader::Numbers(FixedColumn column) {
  absl::StatusOr<ColumnData*> data = Fixed(column);
  if (!data.ok()) return data.status();
  return NumbersOf(**data);
}

absl::StatusOr<const DecodedStrings*> RowGroupReader::Strings(FixedColumn column) {
  absl::StatusOr<ColumnData*> data = Fixed(column);
  if (!data.ok()) return data.status();
  return StringsOf(**data);
}

absl::StatusOr<std::string_view> RowGroupReader::Raw(FixedColumn column) {
  absl::StatusOr<ColumnData*> data = Fixed(column);
  if (!data.ok()) return data.status();
  return (*data)->raw;
}

absl::StatusOr<const std::vector<TracePiece>*> RowGroupReader::Pieces() {
  if (pieces_ != nullptr) return pieces_.get();
  const ColumnKey key = ColumnKey::Fixed(FixedColumn::kTraces);
  absl::StatusOr<ColumnData*> data = Column(key);
  if (!data.ok()) return data.status();
  auto pieces = std::make_unique<std::vector<TracePiece>>();
  if ((*data)->value_count != meta_.pieces ||
      !DecodeTraceTable((*data)->raw, meta_.pieces, meta_.spans, pieces.get()) ||
      pieces->front().trace_id != meta_.first_trace ||
      pieces->back().trace_id != meta_.last_trace) {
    return Corrupt(key, "malformed trace table");
  }
  for (const TracePiece& p : *pieces) {
    if (p.summary.root_service > block_.meta.services.size() ||
        p.summary.root_name > block_.meta.span_names.size()) {
      return Corrupt(key, "summary refers past a dictionary");
    }
  }
  pieces_ = std::move(pieces);
  return pieces_.get();
}

absl::StatusOr<std::optional<TracePiece>> RowGroupReader::FindPiece(const TraceId& trace_id) {
  if (pieces_ != nullptr) {
    auto it =
        std::lower_bound(pieces_->begin(), pieces_->end(), trace_id,
                         [](const TracePiece& p, const TraceId& id) { return p.trace_id < id; });
    if (it == pieces_->end() || it->trace_id != trace_id) return std::nullopt;
    return *it;
  }
  const ColumnKey key = ColumnKey::Fixed(FixedColumn::kTraces);
  absl::StatusOr<ColumnData*> data = Column(key);
  if (!data.ok()) return data.status();
  bool found = false;
  TracePiece piece;
  if ((*data)->value_count != meta_.pieces ||
      !FindTracePiece((*data)->raw, meta_.pieces, meta_.spans, trace_id, &found, &piece)) {
    return Corrupt(key, "malformed trace table");
  }
  if (!found) return std::nullopt;
  return piece;
}

absl::StatusOr<const SpanBatch*> RowGroupReader::Scopes() {
  if (scopes_ != nullptr) return scopes_.get();
  const ColumnKey key = ColumnKey::Fixed(FixedColumn::kScopes);
  absl::StatusOr<ColumnData*> data = Column(key);
  if (!data.ok()) return data.status();
  auto scopes = std::make_unique<SpanBatch>();
  if (!DecodeScopeTable((*data)->raw, (*data)->value_count, scopes.get())) {
    return Corrupt(key, "malformed scope table");
  }
  scopes_ = std::move(scopes);
  return scopes_.get();
}

absl::StatusOr<const ShapeTable*> RowGroupReader::Shapes(AttributeSet set) {
  auto& slot = shapes_[static_cast<int>(set)];
  if (slot != nullptr) return slot.get();
  const ColumnKey key = ColumnKey::Fixed(ShapesColumn(set));
  absl::StatusOr<ColumnData*> data = Column(key);
  if (!data.ok()) return data.status();
  auto shapes = std::make_unique<ShapeTable>();
  if (!DecodeShapeTable((*data)->raw, (*data)->value_count, block_.meta.keys.size(),
                        shapes.get())) {
    return Corrupt(key, "malformed shape table");
  }
  slot = std::move(shapes);
  return slot.get();
}

}  // namespace weft::storage::embedded::block
