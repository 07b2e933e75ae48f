// fork/exec helpers for the shop's supervisors (see child_processes.h).
// Thread rule: see the header.
#include "child_processes.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace weft::shop {
namespace {

int StatusOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(const std::vector<char*>& argv, const std::vector<char*>& envp,
                            int log_fd, int error_pipe, pid_t parent) {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
  setpgid(0, 0);  // a terminal's Ctrl-C reaches the supervisor only; it stops us in order
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  if (log_fd >= 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
  }
  execvpe(argv[0], argv.data(), envp.data());
  const int error = errno;
  (void)!write(error_pipe, &error, sizeof(error));
  _exit(127);
}

// Our environment with `overrides` set ("KEY=VALUE" strings).
std::vector<std::string> MergedEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> entries;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    bool replaced = false;
    for (const auto& [key, value] : overrides) {
      replaced = replaced ||
                 (entry.starts_with(key) && entry.size() > key.size() && entry[key.size()] == '=');
    }
    if (!replaced) entries.emplace_back(entry);
  }
  for (const auto& [key, value] : overrides) entries.push_back(key + "=" + value);
  return entries;
}

}  // namespace

ChildProcess::~ChildProcess() { Stop(std::chrono::seconds(2)); }

bool ChildProcess::Start(ChildSpec spec, std::string* error) {
  spec_ = std::move(spec);
  int log_fd = -1;
  if (!spec_.log_path.empty()) {
    log_fd =
        open(spec_.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
      *error = "cannot open " + spec_.log_path + ": " + std::strerror(errno);
      return false;
    }
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    if (log_fd >= 0) close(log_fd);
    return false;
  }
  // Everything the child needs is prepared before fork (no allocation after it).
  std::vector<char*> argv;
  for (std::string& arg : spec_.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = MergedEnvironment(spec_.env);
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) ExecChild(argv, envp, log_fd, pipe_fds[1], parent);
  close(pipe_fds[1]);
  if (log_fd >= 0) close(log_fd);
  if (pid < 0) {
    close(pipe_fds[0]);
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  int exec_errno = 0;
  const ssize_t n = read(pipe_fds[0], &exec_errno, sizeof(exec_errno));  // EOF: exec worked
  close(pipe_fds[0]);
  if (n == sizeof(exec_errno)) {
    waitpid(pid, nullptr, 0);
    *error = "cannot run " + spec_.argv[0] + ": " + std::strerror(exec_errno);
    return false;
  }
  pid_ = pid;
  exit_status_ = -1;
  return true;
}

bool ChildProcess::Running(int* exit_status) {
  if (pid_ < 0) {
    if (exit_status != nullptr) *exit_status = exit_status_;
    return false;
  }
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  exit_status_ = done == pid_ ? StatusOf(status) : -1;
  pid_ = -1;
  if (exit_status != nullptr) *exit_status = exit_status_;
  return false;
}

int ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return exit_status_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return exit_status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_status_ = StatusOf(status);
  pid_ = -1;
  return exit_status_;
}

std::string SelfExecutable() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string("weft-shop");
}

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

bool PortIsFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

std::pair<int, std::string> RunAndCapture(const std::vector<std::string>& argv) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {-1, "pipe failed"};
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (std::string& arg : args) raw.push_back(arg.data());
  raw.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);
    execvp(raw[0], raw.data());
    _exit(127);
  }
  close(out[1]);
  std::string output;
  char chunk[4096];
  ssize_t n;
  while ((n = read(out[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) output.append(chunk, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  if (pid > 0) waitpid(pid, &status, 0);
  return {pid > 0 ? StatusOf(status) : -1, output};
}

}  // namespace weft::shop
