#include "tracecontext/tracestate.h"

#include <utility>

#include <algorithm>
#include <array>
#include <cstring>

#include "tracecontext/ows.h"

namespace weft::tracecontext {
namespace {

// Character classes of the tracestate grammar, one table lookup per character.
constexpr uint8_t kKeyFirst = 1;   // lcalpha / DIGIT
constexpr uint8_t kKeyChar = 2;    // lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
constexpr uint8_t kValueChar = 4;  // %x20-2B / %x2D-3C / %x3E-7E

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kKeyFirst | kKeyChar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kKeyFirst | kKeyChar;
  for (const char c : {'_', '-', '*', '/', '@'}) t[static_cast<uint8_t>(c)] |= kKeyChar;
  for (int c = 0x20; c <= 0x7e; ++c) {
    if (c != ',' && c != '=') t[c] |= kValueChar;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

uint8_t ClassOf(char c) { return kClasses[static_cast<uint8_t>(c)]; }

// Longest possible canonical text: 32 members of 256 + '=' + 256, 31 commas.
constexpr size_t kMaxTextLength =
    TraceState::kMaxMembers * (TraceState::kMaxKeyLength + 1 + TraceState::kMaxValueLength) +
    TraceState::kMaxMembers - 1;
static_assert(kMaxTextLength <= UINT16_MAX, "Slot offsets are 16-bit");

}  // namespace

bool TraceState::IsValidKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  if ((ClassOf(key[0]) & kKeyFirst) == 0) return false;
  uint8_t all = kKeyChar;
  for (const char c : key) all &= ClassOf(c);
  return all != 0;
}

bool TraceState::IsValidValue(std::string_view value) {
  if (value.empty() || value.size() > kMaxValueLength || value.back() == ' ') return false;
  uint8_t all = kValueChar;
  for (const char c : value) all &= ClassOf(c);
  return all != 0;
}

TraceState TraceState::Parse(std::string_view header) {
  TraceStateParser parser;
  parser.AddField(header);
  return std::move(parser).Finish();
}

TraceState TraceState::Parse(std::span<const std::string_view> fields) {
  TraceStateParser parser;
  for (const std::string_view field : fields) parser.AddField(field);
  return std::move(parser).Finish();
}

TraceState::Member TraceState::member(size_t i) const {
  const Slot& slot = members_[i];
  const std::string_view text(text_);
  return {text.substr(slot.begin, slot.key_size),
          text.substr(slot.begin + slot.key_size + 1, slot.size - slot.key_size - 1)};
}

std::optional<size_t> TraceState::Find(std::string_view key) const {
  for (size_t i = 0; i < members_.size(); ++i) {
    const Slot& slot = members_[i];
    if (slot.key_size == key.size() &&
        std::memcmp(text_.data() + slot.begin, key.data(), key.size()) == 0) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> TraceState::Get(std::string_view key) const {
  const std::optional<size_t> i = Find(key);
  if (!i) return std::nullopt;
  return member(*i).value;
}

// REQUIRES: key and value valid, key not present, size() < kMaxMembers.
void TraceState::Append(std::string_view key, std::string_view value) {
  if (!text_.empty()) text_.push_back(',');
  const auto begin = static_cast<uint16_t>(text_.size());
  text_.append(key);
  text_.push_back('=');
  text_.append(value);
  members_.push_back({begin, static_cast<uint16_t>(key.size()),
                      static_cast<uint16_t>(key.size() + 1 + value.size())});
}

absl::Status TraceState::Set(std::string_view key, std::string_view value) {
  if (!IsValidKey(key)) return absl::InvalidArgumentError("invalid tracestate key");
  if (!IsValidValue(value)) return absl::InvalidArgumentError("invalid tracestate value");
  TraceState updated;
  updated.text_.reserve(text_.size() + key.size() + value.size() + 2);
  updated.members_.reserve(std::min(members_.size() + 1, kMaxMembers));
  updated.Append(key, value);
  for (size_t i = 0; i < members_.size() && updated.size() < kMaxMembers; ++i) {
    const Member m = member(i);
    if (m.key != key) updated.Append(m.key, m.value);
  }
  *this = std::move(updated);
  return absl::OkStatus();
}

bool TraceState::Delete(std::string_view key) {
  const std::optional<size_t> found = Find(key);
  if (!found) return false;
  TraceState updated;
  updated.text_.reserve(text_.size());
  updated.members_.reserve(members_.size() - 1);
  for (size_t i = 0; i < members_.size(); ++i) {
    if (i == *found) continue;
    const Member m = member(i);
    updated.Append(m.key, m.value);
  }
  *this = std::move(updated);
  return true;
}

std::string TraceState::Serialize() const {
  if (text_.size() <= kMaxSerializedLength) return text_;
  // Length of the kept members joined with commas; each dropped member also takes its comma.
  std::array<bool, kMaxMembers> keep;
  keep.fill(true);
  size_t length = text_.size();
  auto drop = [&](size_t i) {
    keep[i] = false;
    length -= members_[i].size + 1;
  };
  for (size_t i = members_.size(); i-- > 0 && length > kMaxSerializedLength;) {
    if (members_[i].size > kLargeMemberLength) drop(i);
  }
  for (size_t i = members_.size(); i-- > 0 && length > kMaxSerializedLength;) {
    if (keep[i]) drop(i);
  }
  std::string out;
  out.reserve(kMaxSerializedLength);
  for (size_t i = 0; i < members_.size(); ++i) {
    if (!keep[i]) continue;
    if (!out.empty()) out.push_back(',');
    out.append(text_, members_[i].begin, members_[i].size);
  }
  return out;
}

void TraceStateParser::AddField(std::string_view field) {
  input_length_ += field.size();
  if (input_length_ > TraceState::kMaxInputLength) ok_ = false;
  const char* p = field.data();
  const char* const end = p + field.size();
  while (ok_) {
    // Skip separators and OWS in one tight loop: a header of a million commas costs only this.
    while (p < end && (*p == ',' || IsOws(*p))) ++p;
    if (p == end) return;
    if (state_.empty()) {
      state_.text_.reserve(std::min(static_cast<size_t>(end - p), kMaxTextLength));
    }
    const void* comma = std::memchr(p, ',', static_cast<size_t>(end - p));
    const char* member_end = comma != nullptr ? static_cast<const char*>(comma) : end;
    ok_ = AddMember(TrimOws(std::string_view(p, static_cast<size_t>(member_end - p))));
    p = member_end;
  }
}

// REQUIRES: `member` is non-empty and has no surrounding OWS.
bool TraceStateParser::AddMember(std::string_view member) {
  if (state_.size() == TraceState::kMaxMembers) return false;  // A 33rd member.
  const size_t eq = member.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view key = member.substr(0, eq);
  const std::string_view value = member.substr(eq + 1);
  if (!TraceState::IsValidKey(key) || !TraceState::IsValidValue(value)) return false;
  if (state_.Find(key)) return false;  // Duplicate keys make the list invalid.
  if (state_.members_.empty()) state_.members_.reserve(TraceState::kMaxMembers);
  state_.Append(key, value);
  return true;
}

TraceState TraceStateParser::Finish() && {
  if (!ok_) return TraceState();
  return std::move(state_);
}

}  // namespace weft::tracecontext
