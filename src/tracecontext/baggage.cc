#include "tracecontext/baggage.h"

#include <utility>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "common/hex.h"
#include "tracecontext/ows.h"

namespace weft::tracecontext {
namespace {

constexpr uint8_t kTokenChar = 1;     // RFC 7230 tchar
constexpr uint8_t kBaggageOctet = 2;  // %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kTokenChar;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kTokenChar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kTokenChar;
  for (const char c :
       {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'}) {
    t[static_cast<uint8_t>(c)] |= kTokenChar;
  }
  for (int c = 0x21; c <= 0x7e; ++c) {
    if (c != '"' && c != ',' && c != ';' && c != '\\') t[c] |= kBaggageOctet;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

bool Has(char c, uint8_t cls) { return (kClasses[static_cast<uint8_t>(c)] & cls) != 0; }

bool AllOf(std::string_view s, uint8_t cls) {
  uint8_t all = cls;
  for (const char c : s) all &= kClasses[static_cast<uint8_t>(c)];
  return all != 0;
}

// An octet is sent as-is when it is a baggage-octet other than '%'; otherwise as "%XX".
bool NeedsEncoding(char c) { return c == '%' || !Has(c, kBaggageOctet); }

size_t EncodedLength(std::string_view value) {
  size_t n = value.size();
  for (const char c : value) n += NeedsEncoding(c) ? 2 : 0;
  return n;
}

void AppendEncoded(std::string_view value, std::string* out) {
  static constexpr char kUpperDigits[] = "0123456789ABCDEF";
  for (const char c : value) {
    if (!NeedsEncoding(c)) {
      out->push_back(c);
    } else {
      const auto b = static_cast<uint8_t>(c);
      const char escaped[3] = {'%', kUpperDigits[b >> 4], kUpperDigits[b & 0xf]};
      out->append(escaped, 3);
    }
  }
}

// Length of the well-formed UTF-8 sequence starting at s[0], or 0 if ill-formed; on failure
// `*bad` is the length of the maximal ill-formed subpart to replace with one U+FFFD (Unicode
// Table 3-7 and "U+FFFD Substitution of Maximal Subparts").
size_t Utf8SequenceLength(std::string_view s, size_t* bad) {
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80;
  uint8_t hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 3;
    if (b0 == 0xe0) lo = 0xa0;  // No overlong forms.
    if (b0 == 0xed) hi = 0x9f;  // No surrogates.
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 4;
    if (b0 == 0xf0) lo = 0x90;  // No overlong forms.
    if (b0 == 0xf4) hi = 0x8f;  // Nothing above U+10FFFF.
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t i = 1; i < need; ++i) {
    if (i >= s.size()) {
      *bad = i;
      return 0;
    }
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < lo || b > hi) {
      *bad = i;
      return 0;
    }
    lo = 0x80;
    hi = 0xbf;
  }
  return need;
}

// `bytes` with every ill-formed UTF-8 subpart replaced by U+FFFD.
std::string ToValidUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t bad = 0;
    const size_t n = Utf8SequenceLength(bytes.substr(i), &bad);
    if (n > 0) {
      out.append(bytes, i, n);
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      i += bad;
    }
  }
  return out;
}

// Percent-decodes a value made of baggage-octets. A '%' without two hex digits stays literal.
std::string DecodeValue(std::string_view raw) {
  if (raw.find('%') == std::string_view::npos) return std::string(raw);  // ASCII: valid UTF-8.
  std::string bytes;
  bytes.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      const int hi = HexDigitValue(raw[i + 1], HexCase::kAny);
      const int lo = HexDigitValue(raw[i + 2], HexCase::kAny);
      if ((hi | lo) >= 0) {
        bytes.push_back(static_cast<char>((hi << 4) | lo));
        i += 2;
        continue;
      }
    }
    bytes.push_back(raw[i]);
  }
  return ToValidUtf8(bytes);
}

// Validates `raw` (the text after a member's first ';') and writes it as "p1;p2=v" to `out`.
// Empty properties (";;") are skipped.
bool NormalizeProperties(std::string_view raw, std::string* out) {
  out->clear();
  while (true) {
    const size_t semi = raw.find(';');
    const std::string_view property = TrimOws(raw.substr(0, semi));
    if (!property.empty()) {
      const size_t eq = property.find('=');
      const std::string_view key = TrimOws(property.substr(0, eq));
      if (!Baggage::IsValidKey(key)) return false;
      if (!out->empty()) out->push_back(';');
      out->append(key);
      if (eq != std::string_view::npos) {
        const std::string_view value = TrimOws(property.substr(eq + 1));
        if (!AllOf(value, kBaggageOctet)) return false;
        out->push_back('=');
        out->append(value);
      }
    }
    if (semi == std::string_view::npos) return true;
    raw.remove_prefix(semi + 1);
  }
}

size_t SerializedLength(const Baggage::Entry& e) {
  return e.key.size() + 1 + EncodedLength(e.value) +
         (e.properties.empty() ? 0 : 1 + e.properties.size());
}

void AppendSerialized(const Baggage::Entry& e, std::string* out) {
  out->append(e.key);
  out->push_back('=');
  AppendEncoded(e.value, out);
  if (!e.properties.empty()) {
    out->push_back(';');
    out->append(e.properties);
  }
}

}  // namespace

bool Baggage::IsValidKey(std::string_view key) { return !key.empty() && AllOf(key, kTokenChar); }

Baggage Baggage::Parse(std::string_view header) {
  BaggageParser parser;
  parser.AddField(header);
  return std::move(parser).Finish();
}

Baggage Baggage::Parse(std::span<const std::string_view> fields) {
  BaggageParser parser;
  for (const std::string_view field : fields) parser.AddField(field);
  return std::move(parser).Finish();
}

const Baggage::Entry* Baggage::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::optional<std::string_view> Baggage::Get(std::string_view key) const {
  const Entry* e = Find(key);
  if (e == nullptr) return std::nullopt;
  return e->value;
}

absl::Status Baggage::Set(std::string_view key, std::string_view value,
                          std::string_view properties) {
  if (!IsValidKey(key)) return absl::InvalidArgumentError("baggage key is not an RFC 7230 token");
  std::string normalized;
  if (!NormalizeProperties(properties, &normalized)) {
    return absl::InvalidArgumentError("invalid baggage properties");
  }
  Entry entry{std::string(key), ToValidUtf8(value), std::move(normalized)};
  for (Entry& e : entries_) {
    if (e.key == key) {
      e = std::move(entry);
      return absl::OkStatus();
    }
  }
  entries_.push_back(std::move(entry));
  return absl::OkStatus();
}

bool Baggage::Delete(std::string_view key) {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [key](const Entry& e) { return e.key == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

std::string Baggage::Serialize() const {
  std::string out;
  size_t members = 0;
  for (const Entry& e : entries_) {
    if (members == kMaxMembers) break;
    const size_t size = SerializedLength(e) + (out.empty() ? 0 : 1);
    if (out.size() + size > kMaxBytes) continue;
    if (!out.empty()) out.push_back(',');
    AppendSerialized(e, &out);
    ++members;
  }
  return out;
}

void BaggageParser::AddField(std::string_view field) {
  if (full_) return;
  const size_t budget = Baggage::kMaxScanBytes - scanned_;
  const bool cut = field.size() > budget;
  const std::string_view text = cut ? field.substr(0, budget) : field;
  scanned_ += text.size();
  const char* p = text.data();
  const char* const end = p + text.size();
  while (!full_) {
    while (p < end && (*p == ',' || IsOws(*p))) ++p;
    if (p == end) break;
    const void* comma = std::memchr(p, ',', static_cast<size_t>(end - p));
    if (comma == nullptr && cut) {
      ++dropped_;  // This member continues past the scan budget.
      break;
    }
    const char* member_end = comma != nullptr ? static_cast<const char*>(comma) : end;
    AddMember(std::string_view(p, static_cast<size_t>(member_end - p)));
    p = member_end;
  }
  if (cut) full_ = true;
}

void BaggageParser::AddMember(std::string_view raw) {
  const std::string_view member = TrimOws(raw);
  if (member.empty()) return;
  const size_t semi = member.find(';');
  const std::string_view key_value = member.substr(0, semi);
  const size_t eq = key_value.find('=');
  if (eq == std::string_view::npos) {
    ++dropped_;
    return;
  }
  const std::string_view key = TrimOws(key_value.substr(0, eq));
  const std::string_view raw_value = TrimOws(key_value.substr(eq + 1));
  Baggage::Entry entry;
  if (!Baggage::IsValidKey(key) || !AllOf(raw_value, kBaggageOctet) ||
      !NormalizeProperties(
          semi == std::string_view::npos ? std::string_view() : member.substr(semi + 1),
          &entry.properties)) {
    ++dropped_;
    return;
  }
  entry.key = std::string(key);
  entry.value = DecodeValue(raw_value);
  const size_t size = SerializedLength(entry);

  std::vector<Baggage::Entry>& entries = baggage_.entries_;
  for (Baggage::Entry& existing : entries) {
    if (existing.key != key) continue;
    const size_t old_size = SerializedLength(existing);
    if (bytes_ - old_size + size > Baggage::kMaxBytes) {
      ++dropped_;
    } else {
      bytes_ = bytes_ - old_size + size;
      existing = std::move(entry);
    }
    return;
  }
  const size_t needed = size + (entries.empty() ? 0 : 1);
  if (bytes_ + needed > Baggage::kMaxBytes) {
    ++dropped_;
    return;
  }
  bytes_ += needed;
  entries.push_back(std::move(entry));
  // Stop at the member limit, or when not even a 2-byte member ("k=") plus comma would fit.
  if (entries.size() == Baggage::kMaxMembers || bytes_ + 3 > Baggage::kMaxBytes) full_ = true;
}

Baggage BaggageParser::Finish() && { return std::move(baggage_); }

}  // namespace weft::tracecontext
