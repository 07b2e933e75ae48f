// The `weft` binary: main() only; every subcommand lives in src/cli.
#include "cli/cli.h"

int main(int argc, char** argv) { return weft::cli::Run(argc, argv); }
