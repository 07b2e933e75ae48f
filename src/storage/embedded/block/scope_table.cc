#include "storage/embedded/block/scope_table.h"

#include "storage/embedded/block/byte_io.h"
#include "storage/embedded/block/value_codec.h"

namespace weft::storage::embedded::block {

std::string EncodeResource(const Resource& resource) {
  std::string out;
  PutAttributes(out, resource.attributes);
  PutVarint64(out, resource.dropped_attributes_count);
  PutLengthPrefixed(out, resource.schema_url);
  return out;
}

std::string EncodeScope(uint32_t resource_index, const InstrumentationScope& scope) {
  std::string out;
  PutVarint64(out, resource_index);
  PutLengthPrefixed(out, scope.name);
  PutLengthPrefixed(out, scope.version);
  PutAttributes(out, scope.attributes);
  PutVarint64(out, scope.dropped_attributes_count);
  PutLengthPrefixed(out, scope.schema_url);
  return out;
}

std::string EncodeScopeTable(std::span<const std::string> resources,
                             std::span<const std::string> scopes) {
  std::string out;
  PutVarint64(out, resources.size());
  for (const std::string& r : resources) out.append(r);
  PutVarint64(out, scopes.size());
  for (const std::string& s : scopes) out.append(s);
  return out;
}

bool DecodeScopeTable(std::string_view data, uint32_t scope_count, SpanBatch* out) {
  ByteReader reader(data);
  Arena& arena = out->arena();
  uint32_t resource_count = 0;
  if (!reader.ReadCount(&resource_count, 3)) return false;
  for (uint32_t i = 0; i < resource_count; ++i) {
    Resource r;
    std::string_view schema;
    if (!ReadAttributes(reader, arena, &r.attributes) ||
        !reader.ReadVarint32(&r.dropped_attributes_count) || !reader.ReadLengthPrefixed(&schema)) {
      return false;
    }
    r.schema_url = arena.CopyString(schema);
    out->AddResource(r);
  }
  uint32_t count = 0;
  if (!reader.ReadCount(&count, 6) || count != scope_count) return false;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t resource = 0;
    InstrumentationScope s;
    std::string_view name, version, schema;
    if (!reader.ReadVarint32(&resource) || resource >= resource_count ||
        !reader.ReadLengthPrefixed(&name) || !reader.ReadLengthPrefixed(&version) ||
        !ReadAttributes(reader, arena, &s.attributes) ||
        !reader.ReadVarint32(&s.dropped_attributes_count) || !reader.ReadLengthPrefixed(&schema)) {
      return false;
    }
    s.name = arena.CopyString(name);
    s.version = arena.CopyString(version);
    s.schema_url = arena.CopyString(schema);
    out->AddScope(resource, s);
  }
  return reader.empty();
}

}  // namespace weft::storage::embedded::block
