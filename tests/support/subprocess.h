// Runs the real `weft` binary (or any command) from integration tests: one-shot commands with
// their output captured, and long-running servers started on port 0 whose chosen ports are read
// from their log. Thread rule: each object is used by one test thread.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace weft::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs `argv` to completion and captures its output.
CommandResult RunCommand(const std::vector<std::string>& argv);

// `weft serve` started on port 0 for every listener, with `extra_args` appended. The constructor
// waits (up to 20 s) for `weft: ready` and reads the bound ports; the destructor sends SIGTERM and
// waits for exit.
class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const std::vector<std::string>& extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ready() const { return ready_; }
  // The bound port of listener `name` (otlp-grpc, otlp-http, zipkin, tempo, http), or 0.
  int port(const std::string& name) const;
  // Everything the server printed so far.
  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM, waits, and returns the exit code (or 128+signal).
  int Stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool ready_ = false;
  int exit_code_ = -1;
  std::string output_;
  std::vector<std::pair<std::string, int>> ports_;
  std::string owned_data_dir_;
};

}  // namespace weft::testing
