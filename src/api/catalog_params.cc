#include "api/catalog_params.h"

#include "absl/strings/str_cat.h"
#include "api/search_params.h"

namespace weft::api {

absl::StatusOr<std::string> DecodePathPart(std::string_view text, std::string_view what) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad percent escape in the ", std::string(what)));
    }
    const int hi = hex(text[i + 1]);
    const int lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad percent escape in the ", std::string(what)));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

absl::StatusOr<WindowParams> ParseWindowParams(const http::QueryParams& params,
                                               uint64_t now_unix_nanos) {
  constexpr uint64_t kSecond = 1'000'000'000;
  absl::StatusOr<uint64_t> end = UnixTimeParam(params, "end", kSecond, now_unix_nanos);
  if (!end.ok()) return end.status();
  const uint64_t default_start =
      *end > kDefaultCatalogLookbackNanos ? *end - kDefaultCatalogLookbackNanos : 0;
  absl::StatusOr<uint64_t> start = UnixTimeParam(params, "start", kSecond, default_start);
  if (!start.ok()) return start.status();
  if (*start > *end) return BadParam("start", "must not be after 'end'");
  return WindowParams{*start, *end};
}

}  // namespace weft::api
