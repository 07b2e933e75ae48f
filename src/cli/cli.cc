#include "cli/cli.h"

#include <cstdio>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "common/version.h"

namespace weft::cli {

int Run(int argc, char** argv) {
  CLI::App app{
      "weft: distributed tracing. Receives spans (OTLP, Zipkin), stores them, answers queries."};
  app.set_version_flag("--version", std::string("weft ") + Version());
  app.require_subcommand(1);
  int exit_code = 0;
  AddCatalogCommands(app, &exit_code);
  AddDemoCommand(app, &exit_code);
  AddLoadgenCommand(app, &exit_code);
  AddSearchCommand(app, &exit_code);
  AddServeCommand(app, &exit_code);
  AddStoreCommand(app, &exit_code);
  AddTraceCommand(app, &exit_code);
  AddTraceparentCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Prints help, version or the usage error. CLI11's own codes (106 for a missing argument...)
    // become the documented 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace weft::cli
