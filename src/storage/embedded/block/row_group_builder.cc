#include "storage/embedded/block/row_group_builder.h"

#include <algorithm>

#include "common/varint.h"
#include "storage/embedded/block/scope_table.h"

namespace weft::storage::embedded::block {
namespace {

// Pieces up to this size find parents by linear search; larger ones through a hash map.
constexpr size_t kLinearParentSearch = 64;

uint64_t ZigZagDelta(uint64_t value, uint64_t reference) {
  return ZigZagEncode64(static_cast<int64_t>(value - reference));
}

}  // namespace

RowGroupBuilder::RowGroupBuilder(BlockDictionaries& dictionaries)
    : dictionaries_(dictionaries),
      span_attributes_(AttributeSet::kSpan, dictionaries.keys),
      event_attributes_(AttributeSet::kEvent, dictionaries.keys),
      link_attributes_(AttributeSet::kLink, dictionaries.keys) {}

uint32_t RowGroupBuilder::ScopeOf(const SpanRef& ref, uint32_t* service) {
  const uint32_t batch_scope = ref.span().scope_index;
  auto cached = scope_cache_.find({ref.batch, batch_scope});
  if (cached == scope_cache_.end()) {
    const ScopeEntry& entry = ref.batch->scopes()[batch_scope];
    const Resource& resource = ref.batch->resources()[entry.resource_index];
    std::string encoded = EncodeResource(resource);
    auto [r, r_new] =
        resource_index_.try_emplace(std::move(encoded), static_cast<uint32_t>(resources_.size()));
    if (r_new) {
      resources_.push_back(r->first);
      // Resource keys join the key dictionary so that a block without a key can be skipped by
      // conditions on resource attributes too.
      for (const KeyValue& kv : resource.attributes) dictionaries_.keys.Intern(kv.key);
    }
    encoded = EncodeScope(r->second, entry.scope);
    auto [s, s_new] =
        scope_index_.try_emplace(std::move(encoded), static_cast<uint32_t>(scopes_.size()));
    if (s_new) {
      scopes_.push_back(s->first);
      scope_service_.push_back(dictionaries_.services.Intern(ServiceName(resource)));
    }
    cached = scope_cache_.emplace(std::make_pair(ref.batch, batch_scope), s->second).first;
  }
  *service = scope_service_[cached->second];
  return cached->second;
}

void RowGroupBuilder::AddPiece(const TraceId& trace_id, std::span<const SpanRef> refs,
                               const StoredSummary& summary) {
  TracePiece piece;
  piece.trace_id = trace_id;
  piece.first_row = spans();
  piece.rows = static_cast<uint32_t>(refs.size());
  piece.summary = summary;
  piece.piece_start = UINT64_MAX;
  for (const SpanRef& ref : refs) {
    piece.piece_start = std::min(piece.piece_start, ref.span().start_time_unix_nano);
  }
  pieces_.push_back(piece);
  min_trace_start_ = std::min(min_trace_start_, summary.start);
  max_trace_end_ = std::max(max_trace_end_, summary.end());

  // Parent rows within the piece (-1: no parent, -2: a parent outside the piece).
  const size_t n = refs.size();
  parent_rows_.assign(n, -1);
  if (n > kLinearParentSearch) {
    row_of_id_.clear();
    for (size_t r = 0; r < n; ++r) row_of_id_.try_emplace(refs[r].span().span_id, r);
  }
  for (size_t r = 0; r < n; ++r) {
    const SpanId& parent = refs[r].span().parent_span_id;
    if (!parent.IsValid()) continue;
    parent_rows_[r] = -2;
    if (n > kLinearParentSearch) {
      if (auto it = row_of_id_.find(parent); it != row_of_id_.end()) parent_rows_[r] = it->second;
    } else {
      for (size_t p = 0; p < n; ++p) {
        if (refs[p].span().span_id == parent) {
          parent_rows_[r] = static_cast<int64_t>(p);
          break;
        }
      }
    }
  }

  scope_cache_.clear();
  for (size_t r = 0; r < n; ++r) {
    const Span& span = refs[r].span();
    span_ids_.Add(span.span_id.AsStringView());
    const int64_t parent_row = parent_rows_[r];
    uint64_t reference = piece.piece_start;
    if (parent_row == -1) {
      parent_.push_back(0);
    } else if (parent_row == -2) {
      parent_.push_back(1);
      parent_ids_.Add(span.parent_span_id.AsStringView());
    } else {
      parent_.push_back(2 + ZigZagEncode64(parent_row - static_cast<int64_t>(r)));
      if (parent_row < static_cast<int64_t>(r)) {
        reference = refs[parent_row].span().start_time_unix_nano;
      }
    }
    start_.push_back(ZigZagDelta(span.start_time_unix_nano, reference));
    duration_.push_back(ZigZagDelta(span.end_time_unix_nano, span.start_time_unix_nano));
    kind_.push_back(static_cast<uint8_t>(span.kind));
    status_.push_back(static_cast<uint8_t>(span.status_code));
    flags_.push_back(span.flags);
    trace_state_.Add(span.trace_state);
    const uint32_t name = dictionaries_.span_names.Intern(span.name);
    name_.push_back(name);
    uint32_t service = 0;
    scope_.push_back(ScopeOf(refs[r], &service));
    dropped_.push_back(span.dropped_attributes_count);
    dropped_.push_back(span.dropped_events_count);
    dropped_.push_back(span.dropped_links_count);
    status_message_.Add(span.status_message);
    span_attributes_.Add(span.attributes);
    values_ += span.attributes.size() + span.events.size() + span.links.size();

    event_count_.push_back(span.events.size());
    for (const Event& e : span.events) {
      event_time_.push_back(ZigZagDelta(e.time_unix_nano, span.start_time_unix_nano));
      event_name_.Add(e.name);
      event_dropped_.push_back(e.dropped_attributes_count);
      event_attributes_.Add(e.attributes);
      values_ += e.attributes.size();
    }
    link_count_.push_back(span.links.size());
    for (const Link& l : span.links) {
      link_trace_ids_.Add(l.trace_id.AsStringView());
      link_span_ids_.Add(l.span_id.AsStringView());
      link_trace_state_.Add(l.trace_state);
      link_flags_.push_back(l.flags);
      link_dropped_.push_back(l.dropped_attributes_count);
      link_attributes_.Add(l.attributes);
      values_ += l.attributes.size();
    }

    min_span_start_ = std::min(min_span_start_, span.start_time_unix_nano);
    max_span_start_ = std::max(max_span_start_, span.start_time_unix_nano);
    min_duration_ = std::min(min_duration_, span.duration_nanos());
    max_duration_ = std::max(max_duration_, span.duration_nanos());
    services_.insert(service);
    names_.insert(name);
    dictionaries_.operations.insert({service, name, static_cast<uint8_t>(span.kind)});
  }
}

void RowGroupBuilder::Finish(
    int level, RowGroupMeta* meta,
    const std::function<void(const ColumnKey&, EncodedChunk)>& emit) const {
  meta->spans = spans();
  meta->pieces = static_cast<uint32_t>(pieces_.size());
  meta->events = static_cast<uint32_t>(event_time_.size());
  meta->links = link_span_ids_.count;
  meta->first_trace = pieces_.front().trace_id;
  meta->last_trace = pieces_.back().trace_id;
  meta->min_trace_start = min_trace_start_;
  meta->max_trace_end = max_trace_end_;
  meta->min_span_start = min_span_start_;
  meta->max_span_start = max_span_start_;
  meta->min_duration = min_duration_;
  meta->max_duration = max_duration_;
  meta->services.assign(services_.begin(), services_.end());
  std::sort(meta->services.begin(), meta->services.end());
  meta->names.assign(names_.begin(), names_.end());
  std::sort(meta->names.begin(), meta->names.end());

  auto fixed = [&](FixedColumn c, EncodedChunk chunk) {
    emit(ColumnKey::Fixed(c), std::move(chunk));
  };
  using F = FixedColumn;
  fixed(F::kTraces, EncodeTableChunk(EncodeTraceTable(pieces_), meta->pieces, level));
  fixed(F::kScopes, EncodeTableChunk(EncodeScopeTable(resources_, scopes_),
                                     static_cast<uint32_t>(scopes_.size()), level));
  fixed(F::kSpanId, EncodeRawChunk(span_ids_.bytes, span_ids_.count, level));
  fixed(F::kSpanParent, EncodeU64Chunk(parent_, level));
  fixed(F::kSpanParentId, EncodeRawChunk(parent_ids_.bytes, parent_ids_.count, level));
  fixed(F::kSpanStart, EncodeU64Chunk(start_, level));
  fixed(F::kSpanDuration, EncodeU64Chunk(duration_, level));
  fixed(F::kSpanKind, EncodeU64Chunk(kind_, level));
  fixed(F::kSpanStatus, EncodeU64Chunk(status_, level));
  fixed(F::kSpanFlags, EncodeU64Chunk(flags_, level));
  fixed(F::kSpanTraceState, EncodeStringChunk(trace_state_.values(), level));
  fixed(F::kSpanName, EncodeU64Chunk(name_, level));
  fixed(F::kSpanScope, EncodeU64Chunk(scope_, level));
  fixed(F::kSpanDropped, EncodeU64Chunk(dropped_, level));
  fixed(F::kSpanStatusMessage, EncodeStringChunk(status_message_.values(), level));
  fixed(F::kSpanEventCount, EncodeU64Chunk(event_count_, level));
  fixed(F::kSpanLinkCount, EncodeU64Chunk(link_count_, level));
  fixed(F::kEventTime, EncodeU64Chunk(event_time_, level));
  fixed(F::kEventName, EncodeStringChunk(event_name_.values(), level));
  fixed(F::kEventDropped, EncodeU64Chunk(event_dropped_, level));
  fixed(F::kLinkTraceId, EncodeRawChunk(link_trace_ids_.bytes, link_trace_ids_.count, level));
  fixed(F::kLinkSpanId, EncodeRawChunk(link_span_ids_.bytes, link_span_ids_.count, level));
  fixed(F::kLinkTraceState, EncodeStringChunk(link_trace_state_.values(), level));
  fixed(F::kLinkFlags, EncodeU64Chunk(link_flags_, level));
  fixed(F::kLinkDropped, EncodeU64Chunk(link_dropped_, level));
  span_attributes_.Encode(level, emit);
  event_attributes_.Encode(level, emit);
  link_attributes_.Encode(level, emit);
}

}  // namespace weft::storage::embedded::block
