// W3C Trace Context Level 2 `tracestate`: a validated list of at most 32 vendor key=value
// members (SPEC-NOTES "W3C tracestate"). Thread rule: a TraceState is a value type; concurrent
// const use is safe, mutation needs external synchronisation. Parsing looks at no more than
// kMaxInputLength bytes and keeps at most 32 members, whatever the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace weft::tracecontext {

class TraceState {
 public:
  static constexpr size_t kMaxMembers = 32;
  static constexpr size_t kMaxKeyLength = 256;
  static constexpr size_t kMaxValueLength = 256;
  // Serialize() keeps at most this many characters, dropping whole members.
  static constexpr size_t kMaxSerializedLength = 512;
  // When truncating, members longer than this go first.
  static constexpr size_t kLargeMemberLength = 128;
  // Header fields longer than this in total discard the whole tracestate without being scanned.
  // A valid list has at most 32 * 513 + 31 = 16,447 characters besides whitespace and empty
  // members; twice that leaves room for both, while a megabyte-long header costs nothing.
  static constexpr size_t kMaxInputLength = 32 * 1024;

  struct Member {
    std::string_view key;
    std::string_view value;
  };

  TraceState() = default;

  // Parses one header field value. Any invalid member, a duplicate key, a 33rd member or input
  // over kMaxInputLength discards everything: the result is then empty. Empty and
  // whitespace-only members are skipped.
  static TraceState Parse(std::string_view header);
  // Parses several header field values as if joined in order with commas.
  static TraceState Parse(std::span<const std::string_view> fields);

  // key: first char a-z or 0-9, then up to 255 of a-z 0-9 _ - * / @.
  static bool IsValidKey(std::string_view key);
  // value: 1-256 chars of 0x20-0x7E except ',' and '=', not ending in a space.
  static bool IsValidValue(std::string_view value);

  bool empty() const { return members_.empty(); }
  size_t size() const { return members_.size(); }
  // REQUIRES: i < size(). Member 0 is the left-most (most recently updated). The views stay
  // valid until this TraceState is modified or destroyed.
  Member member(size_t i) const;

  // The value for `key`, or nullopt. The view stays valid until this TraceState is modified.
  std::optional<std::string_view> Get(std::string_view key) const;
  // Adds or updates `key` and moves it to the left; beyond 32 members the right-most is dropped.
  // InvalidArgument (and no change) if the key or value is invalid.
  absl::Status Set(std::string_view key, std::string_view value);
  // Removes `key`; returns whether it was present.
  bool Delete(std::string_view key);

  // Header value to propagate: all members if they fit in kMaxSerializedLength characters;
  // otherwise whole members are dropped, those longer than kLargeMemberLength first (right-most
  // first), then from the right, until the rest fits.
  std::string Serialize() const;
  // Every member, "k1=v1,k2=v2", without the length limit of Serialize(). No allocation.
  std::string_view members_text() const { return text_; }

  friend bool operator==(const TraceState& a, const TraceState& b) { return a.text_ == b.text_; }

 private:
  friend class TraceStateParser;

  // A member's position in text_. text_ never exceeds 32 * (256 + 1 + 256) + 31 characters, so
  // 16-bit offsets suffice.
  struct Slot {
    uint16_t begin;
    uint16_t key_size;
    uint16_t size;  // key + '=' + value
  };

  std::optional<size_t> Find(std::string_view key) const;
  void Append(std::string_view key, std::string_view value);

  std::string text_;  // Canonical form: members joined by ',' without whitespace.
  std::vector<Slot> members_;
};

// Builds a TraceState from header field values delivered one at a time (e.g. by a
// CarrierReader). Not thread-safe.
class TraceStateParser {
 public:
  // Parses the members of one header field value; once the list is invalid (or the fields
  // exceed TraceState::kMaxInputLength), further fields are ignored without being scanned.
  void AddField(std::string_view field);
  // False once any member was invalid (the result of Finish() is then empty).
  bool ok() const { return ok_; }
  TraceState Finish() &&;

 private:
  bool AddMember(std::string_view member);

  TraceState state_;
  size_t input_length_ = 0;  // Sum of the field sizes seen so far.
  bool ok_ = true;
};

}  // namespace weft::tracecontext
