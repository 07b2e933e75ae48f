// Value types of the public API: ids and hex, Baggage, OwnedAttribute, Resource.
// Thread rule: plain values; Baggage shares immutable storage between copies.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "common/hex.h"
#include "weft/exporters.h"
#include "weft/provider.h"
#include "weft/trace.h"

namespace weft {
inline namespace v1 {
namespace {

std::string ToHexString(const uint8_t* bytes, size_t n) {
  std::string out(2 * n, '0');
  HexEncode(bytes, n, out.data());
  return out;
}

// Exactly 2*n hex digits of either case, not all zero (an all-zero id is invalid).
bool FromHexString(std::string_view hex, uint8_t* out, size_t n) {
  if (!HexDecode(hex, out, n, HexCase::kAny)) return false;
  uint8_t any = 0;
  for (size_t i = 0; i < n; ++i) any |= out[i];
  return any != 0;
}

bool AllZero(const uint8_t* bytes, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

}  // namespace

bool TraceId::valid() const { return !AllZero(bytes.data(), bytes.size()); }
std::string TraceId::ToHex() const { return ToHexString(bytes.data(), bytes.size()); }
std::optional<TraceId> TraceId::FromHex(std::string_view hex) {
  TraceId id;
  if (!FromHexString(hex, id.bytes.data(), id.bytes.size())) return std::nullopt;
  return id;
}

bool SpanId::valid() const { return !AllZero(bytes.data(), bytes.size()); }
std::string SpanId::ToHex() const { return ToHexString(bytes.data(), bytes.size()); }
std::optional<SpanId> SpanId::FromHex(std::string_view hex) {
  SpanId id;
  if (!FromHexString(hex, id.bytes.data(), id.bytes.size())) return std::nullopt;
  return id;
}

// ---------------------------------------------------------------------------------------------

Baggage Baggage::FromEntries(std::vector<Entry> entries) {
  auto unique = std::make_shared<std::vector<Entry>>();
  unique->reserve(entries.size());
  for (Entry& e : entries) {
    auto it = std::find_if(unique->begin(), unique->end(),
                           [&](const Entry& u) { return u.key == e.key; });
    if (it != unique->end()) {
      *it = std::move(e);
    } else {
      unique->push_back(std::move(e));
    }
  }
  Baggage b;
  if (!unique->empty()) b.entries_ = std::move(unique);
  return b;
}

std::optional<std::string_view> Baggage::Get(std::string_view key) const {
  if (entries_ == nullptr) return std::nullopt;
  for (const Entry& e : *entries_) {
    if (e.key == key) return std::string_view(e.value);
  }
  return std::nullopt;
}

Baggage Baggage::With(std::string_view key, std::string_view value) const {
  auto entries = entries_ != nullptr ? std::make_shared<std::vector<Entry>>(*entries_)
                                     : std::make_shared<std::vector<Entry>>();
  auto it =
      std::find_if(entries->begin(), entries->end(), [&](const Entry& e) { return e.key == key; });
  if (it != entries->end()) {
    it->value = std::string(value);
    it->properties.clear();
  } else {
    entries->push_back({std::string(key), std::string(value), {}});
  }
  Baggage b;
  b.entries_ = std::move(entries);
  return b;
}

Baggage Baggage::Without(std::string_view key) const {
  if (!Get(key).has_value()) return *this;
  auto entries = std::make_shared<std::vector<Entry>>(*entries_);
  std::erase_if(*entries, [&](const Entry& e) { return e.key == key; });
  Baggage b;
  b.entries_ = std::move(entries);
  return b;
}

std::span<const Baggage::Entry> Baggage::entries() const {
  if (entries_ == nullptr) return {};
  return *entries_;
}

// ---------------------------------------------------------------------------------------------

OwnedAttribute::OwnedAttribute(std::string_view k, AttributeValue v) : key(k), type(v.type()) {
  switch (v.type()) {
    case AttributeValue::Type::kBool:
      bool_value = v.as_bool();
      break;
    case AttributeValue::Type::kInt:
      int_value = v.as_int();
      break;
    case AttributeValue::Type::kDouble:
      double_value = v.as_double();
      break;
    case AttributeValue::Type::kString:
      string_value = std::string(v.as_string());
      break;
  }
}

std::string OwnedAttribute::ValueText() const {
  switch (type) {
    case AttributeValue::Type::kBool:
      return bool_value ? "true" : "false";
    case AttributeValue::Type::kInt:
      return std::to_string(int_value);
    case AttributeValue::Type::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", double_value);
      return buf;
    }
    case AttributeValue::Type::kString:
      return string_value;
  }
  return {};
}

Resource& Resource::Set(std::string_view key, AttributeValue value) {
  for (OwnedAttribute& a : attributes) {
    if (a.key == key) {
      a = OwnedAttribute(key, value);
      return *this;
    }
  }
  attributes.emplace_back(key, value);
  return *this;
}

const OwnedAttribute* Resource::Find(std::string_view key) const {
  for (const OwnedAttribute& a : attributes) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const OwnedAttribute* SpanData::FindAttribute(std::string_view key) const {
  for (const OwnedAttribute& a : attributes) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

std::vector<SpanData> InMemorySpans::Spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}
size_t InMemorySpans::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}
void InMemorySpans::Clear() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}
void InMemorySpans::Add(std::vector<SpanData> spans) {
  std::lock_guard lock(mutex_);
  for (SpanData& s : spans) spans_.push_back(std::move(s));
}

}  // namespace v1
}  // namespace weft
