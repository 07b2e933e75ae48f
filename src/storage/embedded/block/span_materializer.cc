#include "storage/embedded/block/span_materializer.h"

#include "common/status_macros.h"
#include "common/varint.h"
#include "storage/embedded/block/block_meta.h"

namespace weft::storage::embedded::block {

OutputBatch::OutputBatch(const BlockFile& block)
    : keys_(block.meta.keys, &block.counters.interner_slots),
      names_(block.meta.span_names, &block.counters.interner_slots) {}

void OutputBatch::Reset(SpanBatch& batch) {
  batch_ = &batch;
  keys_.Reset(batch.arena());
  names_.Reset(batch.arena());
  scopes_.clear();
  resources_.clear();
}

uint32_t OutputBatch::Scope(uint32_t row_group, const SpanBatch& scopes, uint32_t scope) {
  auto [it, inserted] = scopes_.try_emplace({row_group, scope}, 0);
  if (!inserted) return it->second;
  const ScopeEntry& entry = scopes.scopes()[scope];
  auto [r, r_inserted] = resources_.try_emplace({row_group, entry.resource_index}, 0);
  Arena& arena = batch_->arena();
  if (r_inserted) {
    const Resource& in = scopes.resources()[entry.resource_index];
    Resource copy;
    copy.attributes = CopyToArena(in.attributes, arena);
    copy.dropped_attributes_count = in.dropped_attributes_count;
    copy.schema_url = arena.CopyString(in.schema_url);
    r->second = batch_->AddResource(copy);
  }
  InstrumentationScope copy;
  copy.name = arena.CopyString(entry.scope.name);
  copy.version = arena.CopyString(entry.scope.version);
  copy.attributes = CopyToArena(entry.scope.attributes, arena);
  copy.dropped_attributes_count = entry.scope.dropped_attributes_count;
  copy.schema_url = arena.CopyString(entry.scope.schema_url);
  it->second = batch_->AddScope(r->second, copy);
  return it->second;
}

absl::Status SpanMaterializer::Numbers(FixedColumn column, uint32_t begin, uint32_t end,
                                       std::vector<uint64_t>* out) {
  out->resize(end - begin);
  if (begin == end) return absl::OkStatus();
  absl::StatusOr<ColumnData*> data = rows_.Fixed(column);
  if (!data.ok()) return data.status();
  return rows_.DecodeNumbers(**data, begin, *out);
}

absl::Status SpanMaterializer::Strings(FixedColumn column, uint32_t begin, uint32_t end,
                                       DecodedStrings* out) {
  out->dict.clear();
  out->ids.clear();
  if (begin == end) return absl::OkStatus();
  absl::StatusOr<ColumnData*> data = rows_.Fixed(column);
  if (!data.ok()) return data.status();
  return rows_.DecodeStrings(**data, begin, end, out);
}

absl::Status SpanMaterializer::Load(uint32_t begin, uint32_t end) {
  using F = FixedColumn;
  const RowGroupMeta& meta = rows_.meta();
  if (begin > end || end > meta.spans) return Corrupt(F::kTraces, "window outside the row group");
  begin_ = row_ = begin;
  end_ = end;
  absl::StatusOr<const SpanBatch*> scopes = rows_.Scopes();
  if (!scopes.ok()) return scopes.status();
  scopes_ = *scopes;

  // Where the window's explicit parents, events and links start, and how many it has.
  WEFT_RETURN_IF_ERROR(Numbers(F::kSpanParent, 0, end, &parent_));
  WEFT_RETURN_IF_ERROR(Numbers(F::kSpanEventCount, 0, end, &event_count_));
  WEFT_RETURN_IF_ERROR(Numbers(F::kSpanLinkCount, 0, end, &link_count_));
  uint64_t parents_before = 0, parents_within = 0, events_before = 0, events_within = 0,
           links_before = 0, links_within = 0;
  for (uint32_t r = 0; r < end; ++r) {
    const bool within = r >= begin;
    (within ? parents_within : parents_before) += parent_[r] == 1;
    (within ? events_within : events_before) += event_count_[r];
    (within ? links_within : links_before) += link_count_[r];
  }
  if (events_before + events_within > meta.events) {
    return Corrupt(F::kSpanEventCount, "more events than the row group holds");
  }
  if (links_before + links_within > meta.links) {
    return Corrupt(F::kSpanLinkCount, "more links than the row group holds");
  }
  event_begin_ = event_row_ = static_cast<uint32_t>(events_before);
  event_end_ = static_cast<uint32_t>(events_before + events_within);
  link_begin_ = link_row_ = static_cast<uint32_t>(links_before);
  link_end_ = static_cast<uint32_t>(links_before + links_within);
  parent_id_begin_ = parent_id_cursor_ = static_cast<uint32_t>(parents_before);

  struct NumberColumn {
    F column;
    std::vector<uint64_t>* out;
  };
  const NumberColumn span_numbers[] = {{F::kSpanStart, &start_}, {F::kSpanDuration, &duration_},
                                       {F::kSpanKind, &kind_},   {F::kSpanStatus, &status_},
                                       {F::kSpanFlags, &flags_}, {F::kSpanName, &name_},
                                       {F::kSpanScope, &scope_}};
  for (const NumberColumn& c : span_numbers) {
    WEFT_RETURN_IF_ERROR(Numbers(c.column, begin, end, c.out));
  }
  WEFT_RETURN_IF_ERROR(Numbers(F::kSpanDropped, begin * 3, end * 3, &dropped_));
  WEFT_RETURN_IF_ERROR(Strings(F::kSpanTraceState, begin, end, &trace_state_));
  WEFT_RETURN_IF_ERROR(Strings(F::kSpanStatusMessage, begin, end, &status_message_));
  absl::StatusOr<std::string_view> span_ids = rows_.Raw(F::kSpanId);
  if (!span_ids.ok()) return span_ids.status();
  span_ids_ = *span_ids;
  parent_ids_ = {};
  if (parents_within > 0) {
    absl::StatusOr<std::string_view> parent_ids = rows_.Raw(F::kSpanParentId);
    if (!parent_ids.ok()) return parent_ids.status();
    parent_ids_ = *parent_ids;
    if ((parents_before + parents_within) * SpanId::kSize > parent_ids_.size()) {
      return Corrupt(F::kSpanParentId, "fewer explicit parents than span.parent needs");
    }
  }

  WEFT_RETURN_IF_ERROR(Numbers(F::kEventTime, event_begin_, event_end_, &event_time_));
  WEFT_RETURN_IF_ERROR(Numbers(F::kEventDropped, event_begin_, event_end_, &event_dropped_));
  WEFT_RETURN_IF_ERROR(Strings(F::kEventName, event_begin_, event_end_, &event_name_));
  WEFT_RETURN_IF_ERROR(Numbers(F::kLinkFlags, link_begin_, link_end_, &link_flags_));
  WEFT_RETURN_IF_ERROR(Numbers(F::kLinkDropped, link_begin_, link_end_, &link_dropped_));
  WEFT_RETURN_IF_ERROR(Strings(F::kLinkTraceState, link_begin_, link_end_, &link_trace_state_));
  link_trace_ids_ = link_span_ids_ = {};
  if (link_end_ > link_begin_) {
    absl::StatusOr<std::string_view> trace_ids = rows_.Raw(F::kLinkTraceId);
    if (!trace_ids.ok()) return trace_ids.status();
    absl::StatusOr<std::string_view> link_span_ids = rows_.Raw(F::kLinkSpanId);
    if (!link_span_ids.ok()) return link_span_ids.status();
    link_trace_ids_ = *trace_ids;
    link_span_ids_ = *link_span_ids;
  }

  WEFT_RETURN_IF_ERROR(span_attributes_.Load(rows_, AttributeSet::kSpan, begin, end));
  WEFT_RETURN_IF_ERROR(
      event_attributes_.Load(rows_, AttributeSet::kEvent, event_begin_, event_end_));
  return link_attributes_.Load(rows_, AttributeSet::kLink, link_begin_, link_end_);
}

absl::Status SpanMaterializer::SkipTo(uint32_t row) {
  if (row < row_ || row > end_) {
    return Corrupt(FixedColumn::kTraces, "pieces visited out of order or outside the window");
  }
  for (uint32_t r = row_; r < row; ++r) {
    parent_id_cursor_ += parent_[r] == 1;
    event_row_ += static_cast<uint32_t>(event_count_[r]);
    link_row_ += static_cast<uint32_t>(link_count_[r]);
  }
  row_ = row;
  WEFT_RETURN_IF_ERROR(span_attributes_.SkipTo(row_));
  WEFT_RETURN_IF_ERROR(event_attributes_.SkipTo(event_row_));
  return link_attributes_.SkipTo(link_row_);
}

absl::Status SpanMaterializer::AppendPiece(const TracePiece& piece,
                                           std::span<const uint8_t> selected, OutputBatch& out) {
  using F = FixedColumn;
  if (piece.first_row < begin_ || piece.rows > end_ - piece.first_row) {
    return Corrupt(F::kTraces, "piece outside the window");
  }
  WEFT_RETURN_IF_ERROR(SkipTo(piece.first_row));
  SpanBatch& batch = out.batch();
  Arena& arena = batch.arena();
  const BlockMeta& meta = rows_.block().meta;
  const uint32_t n = piece.rows;
  starts_.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t r = piece.first_row + i;  // row in the row group
    const uint32_t w = r - begin_;           // row in the window
    const bool wanted = selected.empty() || selected[i] != 0;
    Span span;
    span.trace_id = piece.trace_id;
    span.span_id = *SpanId::FromBytes(span_ids_.substr(size_t{r} * SpanId::kSize, SpanId::kSize));
    uint64_t reference = piece.piece_start;
    const uint64_t parent = parent_[r];
    if (parent == 1) {
      if ((size_t{parent_id_cursor_} + 1) * SpanId::kSize > parent_ids_.size()) {
        return Corrupt(F::kSpanParentId, "explicit parents run out");
      }
      span.parent_span_id = *SpanId::FromBytes(
          parent_ids_.substr(size_t{parent_id_cursor_} * SpanId::kSize, SpanId::kSize));
      ++parent_id_cursor_;
    } else if (parent >= 2) {
      const int64_t local = static_cast<int64_t>(i) + ZigZagDecode64(parent - 2);
      if (local < 0 || local >= static_cast<int64_t>(n)) {
        return Corrupt(F::kSpanParent, "parent row outside the trace");
      }
      span.parent_span_id = *SpanId::FromBytes(span_ids_.substr(
          (size_t{piece.first_row} + static_cast<size_t>(local)) * SpanId::kSize, SpanId::kSize));
      if (local < static_cast<int64_t>(i)) reference = starts_[local];
    }
    starts_[i] = reference + static_cast<uint64_t>(ZigZagDecode64(start_[w]));
    const uint64_t event_count = event_count_[r];
    const uint64_t link_count = link_count_[r];
    if (event_count > event_end_ - event_row_ || link_count > link_end_ - link_row_) {
      return Corrupt(F::kSpanEventCount, "events or links run out");
    }
    if (!wanted) {
      ++row_;
      event_row_ += static_cast<uint32_t>(event_count);
      link_row_ += static_cast<uint32_t>(link_count);
      WEFT_RETURN_IF_ERROR(span_attributes_.SkipTo(row_));
      WEFT_RETURN_IF_ERROR(event_attributes_.SkipTo(event_row_));
      WEFT_RETURN_IF_ERROR(link_attributes_.SkipTo(link_row_));
      continue;
    }
    span.start_time_unix_nano = starts_[i];
    span.end_time_unix_nano = starts_[i] + static_cast<uint64_t>(ZigZagDecode64(duration_[w]));
    if (kind_[w] > UINT8_MAX) return Corrupt(F::kSpanKind, "kind out of range");
    if (status_[w] > UINT8_MAX) return Corrupt(F::kSpanStatus, "status out of range");
    if (flags_[w] > UINT32_MAX) return Corrupt(F::kSpanFlags, "flags out of range");
    if (name_[w] >= meta.span_names.size()) return Corrupt(F::kSpanName, "name out of range");
    if (scope_[w] >= scopes_->scopes().size()) return Corrupt(F::kSpanScope, "scope out of range");
    span.kind = static_cast<SpanKind>(kind_[w]);
    span.status_code = static_cast<StatusCode>(status_[w]);
    span.flags = static_cast<uint32_t>(flags_[w]);
    span.trace_state = arena.CopyString(trace_state_[w]);
    span.name = out.names().Get(static_cast<uint32_t>(name_[w]));
    span.scope_index = out.Scope(rows_.index(), *scopes_, static_cast<uint32_t>(scope_[w]));
    const uint64_t* dropped = &dropped_[size_t{w} * 3];
    if (dropped[0] > UINT32_MAX || dropped[1] > UINT32_MAX || dropped[2] > UINT32_MAX) {
      return Corrupt(F::kSpanDropped, "count out of range");
    }
    span.dropped_attributes_count = static_cast<uint32_t>(dropped[0]);
    span.dropped_events_count = static_cast<uint32_t>(dropped[1]);
    span.dropped_links_count = static_cast<uint32_t>(dropped[2]);
    span.status_message = arena.CopyString(status_message_[w]);
    WEFT_RETURN_IF_ERROR(span_attributes_.ReadNext(arena, out.keys(), &span.attributes));

    if (event_count > 0) {
      auto* events =
          static_cast<Event*>(arena.Allocate(sizeof(Event) * event_count, alignof(Event)));
      for (uint64_t e = 0; e < event_count; ++e, ++event_row_) {
        const uint32_t at = event_row_ - event_begin_;
        Event event;
        event.time_unix_nano =
            span.start_time_unix_nano + static_cast<uint64_t>(ZigZagDecode64(event_time_[at]));
        event.name = arena.CopyString(event_name_[at]);
        if (event_dropped_[at] > UINT32_MAX) return Corrupt(F::kEventDropped, "count out of range");
        event.dropped_attributes_count = static_cast<uint32_t>(event_dropped_[at]);
        WEFT_RETURN_IF_ERROR(event_attributes_.ReadNext(arena, out.keys(), &event.attributes));
        new (&events[e]) Event(event);
      }
      span.events = {events, event_count};
    }
    if (link_count > 0) {
      auto* links = static_cast<Link*>(arena.Allocate(sizeof(Link) * link_count, alignof(Link)));
      for (uint64_t l = 0; l < link_count; ++l, ++link_row_) {
        const uint32_t at = link_row_ - link_begin_;
        Link link;
        link.trace_id = *TraceId::FromBytes(
            link_trace_ids_.substr(size_t{link_row_} * TraceId::kSize, TraceId::kSize));
        link.span_id = *SpanId::FromBytes(
            link_span_ids_.substr(size_t{link_row_} * SpanId::kSize, SpanId::kSize));
        link.trace_state = arena.CopyString(link_trace_state_[at]);
        if (link_flags_[at] > UINT32_MAX || link_dropped_[at] > UINT32_MAX) {
          return Corrupt(F::kLinkFlags, "value out of range");
        }
        link.flags = static_cast<uint32_t>(link_flags_[at]);
        link.dropped_attributes_count = static_cast<uint32_t>(link_dropped_[at]);
        WEFT_RETURN_IF_ERROR(link_attributes_.ReadNext(arena, out.keys(), &link.attributes));
        new (&links[l]) Link(link);
      }
      span.links = {links, link_count};
    }
    ++row_;
    batch.AddSpan(span);
  }
  return absl::OkStatus();
}

}  // namespace weft::storage::embedded::block
