#include "cli/waterfall.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/time_text.h"

namespace weft::cli {
namespace {

constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellowBold = "\x1b[1;33m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";
constexpr int kMaxIndent = 12;  // levels shown by indentation; deeper ones say their depth

std::string Duration(uint64_t nanos) {
  if (nanos < 1'000) return absl::StrCat(nanos, "ns");
  if (nanos < 1'000'000) return absl::StrFormat("%.1fus", nanos / 1e3);
  if (nanos < 1'000'000'000) return absl::StrFormat("%.1fms", nanos / 1e6);
  return absl::StrFormat("%.2fs", nanos / 1e9);
}

// `text` cut to `width` display columns (bytes; names are mostly ASCII), padded with spaces.
std::string Fit(std::string_view text, size_t width) {
  std::string out(text.substr(0, width));
  if (text.size() > width && width > 0) out.back() = '~';
  out.resize(width, ' ');
  return out;
}

}  // namespace

std::string RenderWaterfall(const query::AssembledTrace& trace, const WaterfallOptions& options) {
  const query::TraceOverview& o = trace.overview();
  std::string out;
  auto color = [&](const char* code) { return options.color ? code : ""; };

  absl::StrAppend(&out, "trace ", trace.empty() ? "" : trace.span(0).trace_id.ToHex(), "  ",
                  o.root_service_name, ": ", o.root_span_name, "\n");
  absl::StrAppend(&out, "start ", IsoTime(o.start_unix_nano), "  duration ",
                  Duration(o.duration_nanos), "  spans ", o.span_count, "  services ",
                  o.services.size(), "  depth ", o.depth, "  errors ", o.error_count, "\n");
  if (trace.incomplete()) {
    absl::StrAppend(&out, color(kRed), "incomplete: ", trace.missing_parent_ids().size(),
                    " parent span(s) never arrived", color(kReset), "\n");
  }
  if (trace.has_multiple_roots()) absl::StrAppend(&out, "several root spans\n");
  if (trace.duplicates_dropped() > 0) {
    absl::StrAppend(&out, trace.duplicates_dropped(), " exact duplicate span(s) dropped\n");
  }
  for (const query::AssemblyWarning& warning : trace.warnings()) {
    absl::StrAppend(&out, "warning: ", warning.reason, "\n");
  }
  out += "\n";

  // Columns: label | bar | duration. The label takes ~40% of the width.
  const int width = std::max(options.width, 60);
  const size_t label_width = static_cast<size_t>(width * 2 / 5);
  const size_t duration_width = 10;
  const size_t bar_width = static_cast<size_t>(width) - label_width - duration_width - 3;
  const double scale = o.duration_nanos == 0
                           ? 0
                           : static_cast<double>(bar_width) / static_cast<double>(o.duration_nanos);

  for (const uint32_t index : trace.tree().preorder) {
    const Span& span = trace.span(index);
    const uint32_t depth = trace.depth(index);
    const bool critical = trace.critical_path_nanos(index) > 0;
    const bool error = span.status_code == StatusCode::kError;
    std::string label(std::min<uint32_t>(depth, kMaxIndent) * 2, ' ');
    if (depth > kMaxIndent) absl::StrAppend(&label, "[", depth, "] ");
    label += critical ? '*' : ' ';
    label += ServiceName(trace.batch().resource_of(span));
    label += ' ';
    label += span.name;

    const uint64_t offset = span.start_time_unix_nano > o.start_unix_nano
                                ? span.start_time_unix_nano - o.start_unix_nano
                                : 0;
    size_t begin = static_cast<size_t>(std::floor(static_cast<double>(offset) * scale));
    size_t length = std::max<size_t>(
        1, static_cast<size_t>(std::round(static_cast<double>(span.duration_nanos()) * scale)));
    begin = std::min(begin, bar_width - 1);
    length = std::min(length, bar_width - begin);
    std::string bar(begin, ' ');
    const char* bar_color = error ? kRed : critical ? kYellowBold : kDim;
    absl::StrAppend(&bar, color(bar_color), std::string(length, error ? '!' : '='), color(kReset));
    bar.append(bar_width - begin - length, ' ');

    absl::StrAppend(
        &out, error ? color(kRed) : "", Fit(label, label_width), error ? color(kReset) : "", " ",
        bar, " ",
        absl::StrFormat("%*s", static_cast<int>(duration_width), Duration(span.duration_nanos())),
        "\n");
  }
  absl::StrAppend(&out, "\n* on the critical path");
  if (trace.has_multiple_roots() || trace.incomplete()) absl::StrAppend(&out, " (of each root)");
  out += "\n";
  return out;
}

}  // namespace weft::cli
