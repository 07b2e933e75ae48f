#include "common/json_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace weft::json {
namespace {

namespace dom = simdjson::dom;

// The value of the four hex digits at s[i..i+4), or -1.
int Hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  int value = 0;
  for (size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return -1;
    }
    value = (value << 4) | digit;
  }
  return value;
}

bool IsHighSurrogate(int cp) { return cp >= 0xD800 && cp <= 0xDBFF; }
bool IsLowSurrogate(int cp) { return cp >= 0xDC00 && cp <= 0xDFFF; }

struct ReusedParser {
  dom::parser parser;
  bool busy = false;  // a visitor parsing again on the same thread gets a parser of its own
};

absl::Status ParseWith(dom::parser& parser, std::string_view text, size_t max_depth,
                       absl::FunctionRef<absl::Status(Element)> visit) {
  if (parser.max_depth() != max_depth || parser.capacity() == 0) {
    constexpr size_t kMinimalCapacity = 64;
    if (parser.allocate(std::max(parser.capacity(), kMinimalCapacity), max_depth) !=
        simdjson::SUCCESS) {
      return absl::ResourceExhaustedError("cannot allocate the JSON parser");
    }
  }
  Element root;
  simdjson::error_code error = parser.parse(text.data(), text.size(), true).get(root);
  std::string repaired;
  if (error == simdjson::UTF8_ERROR || error == simdjson::STRING_ERROR) {
    repaired = RepairJsonText(text);
    error = parser.parse(repaired.data(), repaired.size(), true).get(root);
  }
  switch (error) {
    case simdjson::SUCCESS:
      return visit(root);
    case simdjson::DEPTH_ERROR:
      return absl::InvalidArgumentError(
          absl::StrCat("invalid JSON: objects and arrays nested deeper than ", max_depth));
    case simdjson::CAPACITY:
      return absl::InvalidArgumentError("invalid JSON: document too large");
    case simdjson::MEMALLOC:
      return absl::ResourceExhaustedError("cannot allocate the JSON parser");
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("invalid JSON: ", simdjson::error_message(error)));
  }
}

absl::Status OutOfRange(const JsonPath& path) { return FieldError(path, "integer out of range"); }

// Reads a JSON integer into `Int`: numbers of either integer kind, integral doubles, and strings
// of decimal digits are accepted.
template <typename Int>
absl::StatusOr<Int> ReadInteger(Element value, const JsonPath& path) {
  using Limits = std::numeric_limits<Int>;
  switch (value.type()) {
    case dom::element_type::INT64: {
      const int64_t v = value.get_int64().value_unsafe();
      if constexpr (Limits::is_signed) {
        if (v < Limits::min() || v > Limits::max()) return OutOfRange(path);
      } else {
        if (v < 0 || static_cast<uint64_t>(v) > Limits::max()) return OutOfRange(path);
      }
      return static_cast<Int>(v);
    }
    case dom::element_type::UINT64: {
      // simdjson types only values above INT64_MAX as uint64.
      const uint64_t v = value.get_uint64().value_unsafe();
      if (v > static_cast<uint64_t>(Limits::max())) return OutOfRange(path);
      return static_cast<Int>(v);
    }
    case dom::element_type::DOUBLE: {
      const double d = value.get_double().value_unsafe();
      if (d != std::trunc(d)) return TypeError(path, "integer");
      // 2^(digits) is exactly representable; the bounds are exact comparisons.
      const double upper = std::ldexp(1.0, Limits::digits);
      const double lower = Limits::is_signed ? -upper : 0.0;
      if (!(d >= lower && d < upper)) return OutOfRange(path);
      return static_cast<Int>(d);
    }
    case dom::element_type::STRING: {
      const std::string_view s = value.get_string().value_unsafe();
      Int v{};
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range) return OutOfRange(path);
      if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
        return TypeError(path, "integer");
      }
      return v;
    }
    default:
      return TypeError(path, "integer");
  }
}

}  // namespace

std::string RepairJsonText(std::string_view text) {
  std::string s;
  AppendSanitizedUtf8(text, s);
  bool in_string = false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (!in_string || c != '\\') {
      if (c == '"') in_string = !in_string;
      ++i;
      continue;
    }
    if (i + 1 >= s.size() || s[i + 1] != 'u') {
      i += 2;  // a two-character escape (or a truncated one the parser will reject)
      continue;
    }
    const int cp = Hex4(s, i + 2);
    if (IsHighSurrogate(cp) && i + 7 < s.size() && s[i + 6] == '\\' && s[i + 7] == 'u' &&
        IsLowSurrogate(Hex4(s, i + 8))) {
      i += 12;  // a well-formed pair
      continue;
    }
    if (IsHighSurrogate(cp) || IsLowSurrogate(cp)) s.replace(i + 2, 4, "fffd");
    i += 2;  // the hex digits that follow are ordinary characters
  }
  return s;
}

absl::Status ParseUntrustedJson(std::string_view text, size_t max_depth,
                                absl::FunctionRef<absl::Status(Element root)> visit) {
  thread_local ReusedParser reused;
  if (text.size() <= kReusedParserMaxBytes && !reused.busy) {
    reused.busy = true;
    absl::Status status = ParseWith(reused.parser, text, max_depth, visit);
    reused.busy = false;
    return status;
  }
  dom::parser parser;
  return ParseWith(parser, text, max_depth, visit);
}

std::string JsonPath::ToString() const {
  std::vector<const JsonPath*> chain;
  for (const JsonPath* p = this; p != nullptr && p->parent_ != nullptr; p = p->parent_) {
    chain.push_back(p);
  }
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const JsonPath& p = **it;
    if (p.index_ != kNoIndex) {
      absl::StrAppend(&out, "[", p.index_, "]");
    } else {
      if (!out.empty()) out.push_back('.');
      // Names can come from the input (Zipkin tag keys): keep messages short, cutting at a
      // character boundary so they stay valid UTF-8.
      constexpr size_t kMaxName = 64;
      std::string_view name = p.name_;
      if (name.size() > kMaxName) {
        size_t cut = kMaxName;
        while (cut > 0 && (static_cast<uint8_t>(name[cut]) & 0xC0) == 0x80) --cut;
        out.append(name.substr(0, cut)).append("...");
      } else {
        out.append(name);
      }
    }
  }
  return out;
}

absl::Status TypeError(const JsonPath& path, std::string_view expected) {
  std::string what = "expected ";
  what.append(expected);
  return FieldError(path, what);
}

absl::Status FieldError(const JsonPath& path, std::string_view what) {
  std::string message = path.ToString();
  if (!message.empty()) message.append(": ");
  message.append(what);
  return absl::InvalidArgumentError(message);
}

absl::StatusOr<uint64_t> ReadUint64(Element value, const JsonPath& path) {
  return ReadInteger<uint64_t>(value, path);
}
absl::StatusOr<int64_t> ReadInt64(Element value, const JsonPath& path) {
  return ReadInteger<int64_t>(value, path);
}
absl::StatusOr<uint32_t> ReadUint32(Element value, const JsonPath& path) {
  return ReadInteger<uint32_t>(value, path);
}
absl::StatusOr<int32_t> ReadInt32(Element value, const JsonPath& path) {
  return ReadInteger<int32_t>(value, path);
}

absl::StatusOr<double> ReadDouble(Element value, const JsonPath& path) {
  switch (value.type()) {
    case dom::element_type::INT64:
      return static_cast<double>(value.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return static_cast<double>(value.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return value.get_double().value_unsafe();
    case dom::element_type::STRING: {
      const std::string_view s = value.get_string().value_unsafe();
      if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (s == "Infinity") return std::numeric_limits<double>::infinity();
      if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
      double d = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(d)) {
        return TypeError(path, "number");
      }
      return d;
    }
    default:
      return TypeError(path, "number");
  }
}

}  // namespace weft::json
