#include "subprocess.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace weft::testing {

namespace {

// Starts `argv` with stdout and stderr on a pipe; returns the pid (-1 on failure) and sets
// `*read_fd` to the pipe's read end.
pid_t Spawn(const std::vector<std::string>& argv, int* read_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  *read_fd = fds[0];
  return pid;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  int fd = -1;
  const pid_t pid = Spawn(argv, &fd);
  if (pid < 0) return result;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ServerProcess::ServerProcess(const std::string& binary,
                             const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {binary,
                                   "serve",
                                   "--otlp-grpc-addr=127.0.0.1:0",
                                   "--otlp-http-addr=127.0.0.1:0",
                                   "--zipkin-addr=127.0.0.1:0",
                                   "--tempo-addr=127.0.0.1:0",
                                   "--http-addr=127.0.0.1:0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // A server never writes into the directory tests run in: unless told otherwise, the embedded
  // store gets a fresh directory of its own (removed with the server).
  const bool has_dir = std::any_of(extra_args.begin(), extra_args.end(), [](const std::string& a) {
    return a.starts_with("--data-dir") || a.starts_with("--storage");
  });
  if (!has_dir) {
    char pattern[] = "/tmp/weft-test-data-XXXXXX";
    if (::mkdtemp(pattern) != nullptr) {
      owned_data_dir_ = pattern;
      argv.push_back("--data-dir=" + owned_data_dir_);
    }
  }
  pid_ = Spawn(argv, &out_fd_);
  if (pid_ < 0) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!ready_ && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_fd_, POLLIN, 0};
    if (poll(&pfd, 1, 100) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(out_fd_, buffer, sizeof(buffer));
    if (n <= 0) break;  // the server exited
    output_.append(buffer, static_cast<size_t>(n));
    ready_ = output_.find("weft: ready") != std::string::npos;
  }
  std::istringstream lines(output_);
  std::string line;
  while (std::getline(lines, line)) {
    constexpr std::string_view kPrefix = "weft: listening ";
    if (line.rfind(kPrefix, 0) != 0) continue;
    const size_t space = line.find(' ', kPrefix.size());
    const size_t colon = line.rfind(':');
    if (space == std::string::npos || colon == std::string::npos) continue;
    ports_.emplace_back(line.substr(kPrefix.size(), space - kPrefix.size()),
                        std::atoi(line.c_str() + colon + 1));
  }
}

int ServerProcess::port(const std::string& name) const {
  for (const auto& [n, p] : ports_) {
    if (n == name) return p;
  }
  return 0;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  char buffer[4096];
  ssize_t n;
  while ((n = read(out_fd_, buffer, sizeof(buffer))) > 0)
    output_.append(buffer, static_cast<size_t>(n));
  close(out_fd_);
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

ServerProcess::~ServerProcess() {
  Stop();
  if (!owned_data_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(owned_data_dir_, ignored);
  }
}

}  // namespace weft::testing
