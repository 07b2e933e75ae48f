// Child processes for the shop's supervisors: fork/exec with a clean signal state, output to a log
// file, an environment on top of ours, death of the parent passed on (PR_SET_PDEATHSIG), and a
// stop that asks (SIGTERM) before it insists (SIGKILL).
// Thread rule: a ChildProcess is used by one thread, the one that started it (PR_SET_PDEATHSIG
// follows the thread that forked).
#pragma once

#include <utility>

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace weft::shop {

struct ChildSpec {
  std::string name;               // for messages
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::pair<std::string, std::string>> env = {};  // set on top of ours
  std::string log_path = {};  // stdout+stderr appended here; empty: inherit ours
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // Stop()s
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // False with `*error` set when fork fails or the program cannot be executed.
  bool Start(ChildSpec spec, std::string* error);
  // True while the child runs; when it has exited, false and *exit_status (0-255 or 128+signal).
  bool Running(int* exit_status = nullptr);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status (or -1 when never started).
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  pid_t pid() const { return pid_; }
  const ChildSpec& spec() const { return spec_; }

 private:
  ChildSpec spec_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// The path of the running executable (/proc/self/exe).
std::string SelfExecutable();
// The last `max_bytes` of a file (logs shown when a child fails).
std::string TailOfFile(const std::string& path, size_t max_bytes = 2000);
// True when 127.0.0.1:port can be bound now.
bool PortIsFree(int port);
// Runs `argv` to completion; its stdout+stderr and exit status.
std::pair<int, std::string> RunAndCapture(const std::vector<std::string>& argv);

}  // namespace weft::shop
