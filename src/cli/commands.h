// Registration of each `weft` subcommand. A subcommand stores its options in state owned by the
// callback it installs, prints to stdout/stderr and sets `*exit_code`.
// Thread rule: used only while parsing argv on the main thread.
#pragma once

namespace CLI {
class App;
}  // namespace CLI

namespace weft::cli {

// `services` and `operations`.
void AddCatalogCommands(CLI::App& app, int* exit_code);
// `demo`: execs weft-shop (built beside weft) for the demo shop walkthrough.
void AddDemoCommand(CLI::App& app, int* exit_code);
void AddLoadgenCommand(CLI::App& app, int* exit_code);
void AddSearchCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddStoreCommand(CLI::App& app, int* exit_code);
void AddTraceCommand(CLI::App& app, int* exit_code);
void AddTraceparentCommand(CLI::App& app, int* exit_code);

}  // namespace weft::cli
