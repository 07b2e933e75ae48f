// The terminal waterfall of an assembled trace (`weft trace ID`): a header (root, start,
// duration, spans, services, errors, and what assembly found: missing parents, several roots,
// duplicates, warnings), then one line per span in tree order — indented service and span name,
// a bar placed and scaled on the trace's time line to fit `width` columns, the duration — with
// errors in red and the critical path marked (bold yellow bar and a `*`).
// Thread rule: pure function.
#pragma once

#include <string>

#include "query/assembly/assembled_trace.h"

namespace weft::cli {

struct WaterfallOptions {
  int width = 120;     // terminal columns
  bool color = false;  // ANSI colors (on when stdout is a terminal)
};

std::string RenderWaterfall(const query::AssembledTrace& trace, const WaterfallOptions& options);

}  // namespace weft::cli
