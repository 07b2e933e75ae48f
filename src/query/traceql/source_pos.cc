#include "query/traceql/source_pos.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace weft::query::traceql {

SourcePos PositionAt(std::string_view text, size_t offset, SourcePos from) {
  if (offset > text.size()) offset = text.size();
  if (from.offset > offset) from = SourcePos{};
  while (from.offset < offset) {
    const auto b = static_cast<unsigned char>(text[from.offset]);
    if (b == '\n') {
      ++from.line;
      from.column = 1;
    } else if ((b & 0xC0) != 0x80) {  // not a UTF-8 continuation byte: a new code point
      ++from.column;
    }
    ++from.offset;
  }
  return from;
}

absl::Status SyntaxError(SourcePos pos, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(pos.line, ":", pos.column, ": ", std::string(message)));
}

}  // namespace weft::query::traceql
