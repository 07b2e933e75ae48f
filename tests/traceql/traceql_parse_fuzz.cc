// Fuzz target for the TraceQL parser: any bytes must parse or fail with a positioned
// InvalidArgument, and any tree must survive printing and parsing again unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "query/traceql/parser.h"
#include "query/traceql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using weft::query::traceql::Parse;
  using weft::query::traceql::Query;
  using weft::query::traceql::ToString;
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<Query> parsed = Parse(query);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  const std::string printed = ToString(*parsed);
  const absl::StatusOr<Query> reparsed = Parse(printed);
  if (!reparsed.ok() || !(*reparsed == *parsed) || ToString(*reparsed) != printed) std::abort();
  return 0;
}
