// W3C Baggage: user key/value pairs propagated with a request (SPEC-NOTES "W3C baggage").
// Thread rule: Baggage is a value type; concurrent const use is safe, mutation needs external
// synchronisation. Parsing examines at most kMaxScanBytes of input and keeps at most
// kMaxMembers members / kMaxBytes bytes, so its time and memory are bounded whatever the input.
//
// Choices where the specification leaves room:
// - An invalid member (no '=', key not an RFC 7230 token, a value or property character outside
//   the grammar, e.g. an unencoded space or non-ASCII byte) is skipped; the others are kept.
// - A '%' not followed by two hex digits ("%4", "%zz") is kept as a literal '%' (the WHATWG URL
//   percent-decode rule), so such a value survives a round trip as "%25zz".
// - Decoded octets that are not valid UTF-8 are replaced by U+FFFD, one per maximal ill-formed
//   subsequence (Unicode's recommended practice).
// - Members are kept in order while they fit: 64 members and 8192 bytes of serialized output
//   (the re-encoded form, commas included). A member that would overflow the byte budget is
//   dropped whole and later, smaller members may still be kept; the 65th member ends parsing.
// - A repeated key replaces the earlier value in place (last one wins), if it fits.
// - Properties are validated and kept as text, normalised to "p1;p2=v" without whitespace.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace weft::tracecontext {

class Baggage {
 public:
  static constexpr size_t kMaxMembers = 64;
  static constexpr size_t kMaxBytes = 8192;
  // Input beyond this many bytes (summed over all header fields) is not looked at. A member cut
  // by this boundary is dropped. Four times kMaxBytes leaves room for whitespace and for
  // invalid members that are skipped, while a megabyte of commas costs microseconds.
  static constexpr size_t kMaxScanBytes = 4 * kMaxBytes;

  struct Entry {
    std::string key;         // An RFC 7230 token.
    std::string value;       // Decoded, valid UTF-8.
    std::string properties;  // "p1;p2=v", or empty.
    friend bool operator==(const Entry&, const Entry&) = default;
  };

  Baggage() = default;

  static Baggage Parse(std::string_view header);
  // Several header field values, in order, sharing one set of limits.
  static Baggage Parse(std::span<const std::string_view> fields);

  // RFC 7230 token: 1*tchar.
  static bool IsValidKey(std::string_view key);

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }

  // The decoded value for `key`, or nullopt. Valid until this Baggage is modified.
  std::optional<std::string_view> Get(std::string_view key) const;
  const Entry* Find(std::string_view key) const;
  // Adds or replaces `key` (keeping its position). `value` is any bytes; invalid UTF-8 is
  // replaced by U+FFFD. `properties` uses the header syntax ("p1;p2=v", OWS allowed).
  // InvalidArgument (and no change) for an invalid key or properties. Limits are applied by
  // Serialize(), not here.
  absl::Status Set(std::string_view key, std::string_view value, std::string_view properties = {});
  bool Delete(std::string_view key);

  // Header value: members in order, values percent-encoded outside the baggage-octet set (and
  // '%'), keeping whole members within kMaxMembers and kMaxBytes as Parse does.
  std::string Serialize() const;

  friend bool operator==(const Baggage&, const Baggage&) = default;

 private:
  friend class BaggageParser;
  std::vector<Entry> entries_;
};

// Builds a Baggage from header field values delivered one at a time (e.g. by a CarrierReader),
// applying the limits across all of them. Not thread-safe.
class BaggageParser {
 public:
  void AddField(std::string_view field);
  // Members examined and skipped because they were invalid or did not fit. Input after a limit
  // was reached is not examined and not counted.
  size_t dropped() const { return dropped_; }
  Baggage Finish() &&;

 private:
  void AddMember(std::string_view member);

  Baggage baggage_;
  size_t bytes_ = 0;    // Serialized size of the kept members, commas included.
  size_t scanned_ = 0;  // Input bytes examined so far.
  size_t dropped_ = 0;
  bool full_ = false;  // A limit was reached: further input is ignored.
};

}  // namespace weft::tracecontext
