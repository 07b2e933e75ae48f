#include "golden_file.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace weft::query::traceql::testing {

namespace {

struct Block {
  bool seen = false;
  std::vector<std::string_view> lines;

  std::string Joined() const {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out.push_back('\n');
      out.append(lines[i]);
    }
    return out;
  }
};

}  // namespace

absl::StatusOr<GoldenCase> ParseGoldenCase(std::string_view name, std::string_view text) {
  // Lines without their '\n'; a final '\n' ends the last line rather than starting a new one.
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  Block query, print, error;
  Block* current = nullptr;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    Block* header = line == "query:"   ? &query
                    : line == "print:" ? &print
                    : line == "error:" ? &error
                                       : nullptr;
    if (header != nullptr) {
      if (header->seen) {
        return absl::InvalidArgumentError(
            absl::StrCat(std::string(name), ":", i + 1, ": block repeated"));
      }
      header->seen = true;
      current = header;
    } else if (current != nullptr) {
      current->lines.push_back(line);
    } else if (!line.empty() && line[0] != '#') {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(name), ":", i + 1, ": text before the first block is not a # comment"));
    }
  }
  if (!query.seen) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(name), ": no query: block"));
  }
  if (print.seen == error.seen) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(name), ": needs exactly one of print: and error:"));
  }
  GoldenCase golden;
  golden.name = std::string(name);
  golden.query = query.Joined();
  if (print.seen) golden.print = print.Joined();
  if (error.seen) golden.error = error.Joined();
  return golden;
}

absl::StatusOr<GoldenCase> ReadGoldenCase(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParseGoldenCase(path.stem().string(), text);
}

std::vector<std::filesystem::path> ListGoldenFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace weft::query::traceql::testing
