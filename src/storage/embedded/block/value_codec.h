// A self-describing serialization of AnyValue and attribute lists (docs/format/block.md, "Value
// serialization"), used where values are few or nested: resource and scope attributes, and array
// and key-value-list attribute values (stored as byte strings in their attribute columns).
// Thread rule: pure functions; decoding allocates from the caller's Arena.
#pragma once

#include <string>
#include <string_view>

#include "common/arena.h"
#include "model/any_value.h"
#include "storage/embedded/block/byte_io.h"

namespace weft::storage::embedded::block {

void PutValue(std::string& out, const AnyValue& value);
void PutAttributes(std::string& out, Attributes attributes);

// Decode into views owned by `arena`. False when the input is malformed or nests deeper than
// kMaxAnyValueDepth.
bool ReadValue(ByteReader& reader, Arena& arena, AnyValue* value);
bool ReadAttributes(ByteReader& reader, Arena& arena, Attributes* attributes);

}  // namespace weft::storage::embedded::block
