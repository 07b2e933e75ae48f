// `weft traceparent new` prints a fresh W3C traceparent (random trace-id with the random flag);
// `weft traceparent parse HEADER` checks one and prints its fields and the version-00 form weft
// would propagate. A small, honest window onto src/tracecontext.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "model/ids.h"
#include "tracecontext/traceparent.h"

namespace weft::cli {
namespace {

int RunNew(bool unsampled) {
  tracecontext::TraceParent tp;
  tp.trace_id = TraceId::Random().bytes();
  tp.parent_id = SpanId::Random().bytes();
  tp.flags = tracecontext::kFlagRandom | (unsampled ? 0 : tracecontext::kFlagSampled);
  std::printf("%s\n", tracecontext::TraceParentToString(tp).c_str());
  return 0;
}

int RunParse(const std::string& header) {
  const tracecontext::TraceParentResult result = tracecontext::ParseTraceParent(header);
  if (!result.ok()) {
    std::printf("invalid traceparent: %s\n",
                std::string(tracecontext::TraceParentErrorName(result.error)).c_str());
    return 1;
  }
  const tracecontext::TraceParent& tp = result.value;
  std::printf("trace-id:  %s\n", TraceId(tp.trace_id).ToHex().c_str());
  std::printf("parent-id: %s\n", SpanId(tp.parent_id).ToHex().c_str());
  std::printf("sampled:   %s\n", tp.sampled() ? "yes" : "no");
  std::printf("random:    %s\n", tp.random() ? "yes" : "no");
  std::printf("emitted:   %s\n", tracecontext::TraceParentToString(tp).c_str());
  return 0;
}

}  // namespace

void AddTraceparentCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("traceparent", "Make or check a W3C traceparent header");
  cmd->require_subcommand(1);

  CLI::App* make = cmd->add_subcommand("new", "Print a new traceparent (sampled, random flag)");
  auto unsampled = std::make_shared<bool>(false);
  make->add_flag("--unsampled", *unsampled, "Clear the sampled flag");
  make->callback([exit_code, unsampled] { *exit_code = RunNew(*unsampled); });

  CLI::App* parse = cmd->add_subcommand("parse", "Check a traceparent and print its fields");
  auto header = std::make_shared<std::string>();
  parse->add_option("header", *header, "The header value")->required();
  parse->callback([exit_code, header] { *exit_code = RunParse(*header); });
}

}  // namespace weft::cli
