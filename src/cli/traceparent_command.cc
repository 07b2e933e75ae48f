// placeholder: written once src/tracecontext lands
#include "CLI/CLI.hpp"
#include "cli/commands.h"

namespace weft::cli {
void AddTraceparentCommand(CLI::App& app, int* exit_code) {}
}  // namespace weft::cli
