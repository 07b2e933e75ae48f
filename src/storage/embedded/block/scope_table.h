// The scope table of a row group (docs/format/block.md, "Scope table"): its distinct resources
// and instrumentation scopes, each stored once; span.scope refers to a scope, a scope to its
// resource. Decoded into a SpanBatch without spans, so the resources and scopes are model types
// that conditions can be evaluated on.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/span_batch.h"

namespace weft::storage::embedded::block {

// The serialized form of one resource or scope: also the key the writer deduplicates them by.
std::string EncodeResource(const Resource& resource);
std::string EncodeScope(uint32_t resource_index, const InstrumentationScope& scope);

// The table: counts, then the encoded resources and scopes back to back.
std::string EncodeScopeTable(std::span<const std::string> resources,
                             std::span<const std::string> scopes);

// Adds the table's resources and scopes to `out` (which must hold none yet). False when malformed.
bool DecodeScopeTable(std::string_view data, uint32_t scope_count, SpanBatch* out);

}  // namespace weft::storage::embedded::block
