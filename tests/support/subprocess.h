// Runs the real `weft` binary (or any command) from integration tests: one-shot commands with
// their output captured, and long-running servers started on port 0 whose chosen ports are read
// from their log. Thread rule: each object is used by one test thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace weft::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs `argv` to completion and captures its output.
CommandResult RunCommand(const std::vector<std::string>& argv);

}  // namespace weft::testing
