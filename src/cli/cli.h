// The `weft` command line: parses argv and runs one subcommand. Each subcommand lives in its own
// file and registers itself through a function declared in commands.h.
// Thread rule: called once from main().
#pragma once

namespace weft::cli {

// Returns the process exit code: 0 on success, 1 on a failed command, 2 on a usage error.
int Run(int argc, char** argv);

}  // namespace weft::cli
