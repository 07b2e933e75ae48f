// SIGINT/SIGTERM for the shop's long-running commands: blocked in every thread (call before
// starting any) and taken synchronously by the controlling thread, so a Ctrl-C becomes an
// orderly stop instead of an interrupted write.
// Thread rule: BlockStopSignals on the main thread before other threads exist; WaitForStopSignal
// from the controlling thread only.
#pragma once

#include <chrono>
#include <csignal>

#include <pthread.h>

namespace weft::shop {

inline sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// True when SIGINT or SIGTERM arrived within `timeout`.
inline bool WaitForStopSignal(const sigset_t& signals, std::chrono::milliseconds timeout) {
  const timespec wait{.tv_sec = static_cast<time_t>(timeout.count() / 1000),
                      .tv_nsec = static_cast<long>((timeout.count() % 1000) * 1000000)};
  return sigtimedwait(&signals, nullptr, &wait) > 0;
}

}  // namespace weft::shop
