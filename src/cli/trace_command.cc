// `weft trace ID`: one trace from a running server, assembled (the jigsaw: tree, duplicates,
// missing parents, critical path) and printed as a waterfall; `--json` prints the spans as
// OTLP/JSON instead; `--adjust-clock-skew` shifts spans that only clock skew explains.
#include <cstdio>
#include <memory>
#include <string>

#include <sys/ioctl.h>
#include <unistd.h>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "cli/server_client.h"
#include "cli/waterfall.h"
#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"
#include "query/assembly/trace_assembler.h"

namespace weft::cli {
namespace {

struct TraceFlags {
  std::string id;
  std::string server = kDefaultServer;
  bool json = false;
  bool skew = false;
  std::string color = "auto";
  int width = 0;
};

int TerminalWidth() {
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 120;
}

int RunTrace(const TraceFlags& flags) {
  absl::StatusOr<std::string> body =
      GetFromServer(flags.server, "/api/traces/" + UrlEncode(flags.id), "application/protobuf");
  if (!body.ok()) {
    if (absl::IsNotFound(body.status())) {
      std::fprintf(stderr, "weft: trace %s not found\n", flags.id.c_str());
    } else {
      std::fprintf(stderr, "weft: %s\n", std::string(body.status().message()).c_str());
    }
    return 1;
  }
  SpanBatch batch;
  const std::string_view input = batch.AdoptInput(*std::move(body));
  if (absl::StatusOr<DecodeResult> decoded = otlp::DecodeExportRequest(input, batch);
      !decoded.ok()) {
    std::fprintf(stderr, "weft: the server's answer does not decode: %s\n",
                 std::string(decoded.status().message()).c_str());
    return 1;
  }
  if (flags.json) {
    std::string json;
    otlp::EncodeExportRequestJson(batch, json);
    std::printf("%s\n", json.c_str());
    return 0;
  }
  query::AssemblyOptions options;
  options.adjust_clock_skew = flags.skew;
  const query::AssembledTrace trace = query::AssembleTrace(std::move(batch), options);
  WaterfallOptions waterfall;
  waterfall.width = flags.width > 0 ? flags.width : TerminalWidth();
  waterfall.color = flags.color == "always" || (flags.color == "auto" && isatty(STDOUT_FILENO));
  std::fputs(RenderWaterfall(trace, waterfall).c_str(), stdout);
  return 0;
}

}  // namespace

void AddTraceCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<TraceFlags>();
  CLI::App* cmd = app.add_subcommand("trace", "Print a trace as a waterfall (or --json)");
  cmd->add_option("id", flags->id, "Trace id (hex)")->required();
  cmd->add_option("--server", flags->server, "The server's HTTP API (host:port)")
      ->envname("WEFT_SERVER")
      ->capture_default_str();
  cmd->add_flag("--json", flags->json, "Print the spans as OTLP/JSON");
  cmd->add_flag("--adjust-clock-skew", flags->skew,
                "Shift spans that only clock skew between hosts explains (listed as warnings)");
  cmd->add_option("--color", flags->color, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--width", flags->width, "Columns (default: the terminal's, or 120)");
  cmd->callback([exit_code, flags] { *exit_code = RunTrace(*flags); });
}

}  // namespace weft::cli
