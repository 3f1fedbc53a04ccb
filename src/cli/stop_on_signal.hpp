#pragma once
// Stops a server on SIGINT, and drains it (requests in flight finish) on SIGTERM:
// the signals are blocked in every thread started after this object, and one
// thread of its own waits for them.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/log.hpp"
#include "http/server.hpp"

namespace strata::cli {

class StopOnSignal {
 public:
  // Call before starting any thread: a thread that leaves them unblocked would
  // take the signal's default action (ending the process) in the waiter's place.
  static sigset_t block_stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
  }

  // With a `drain` limit, the server answers the requests it accepted (for at most
  // that long) before it stops; without, it stops at once.
  StopOnSignal(http::Server& server, std::string name, std::chrono::milliseconds drain = std::chrono::milliseconds(0)) {
    sigset_t signals = block_stop_signals();
    thread_ = std::thread([this, &server, signals, name, drain] {
      int received = 0;
      sigwait(&signals, &received);
      if (finished_) return;
      log::notice(name + ": " + (received == SIGINT ? "interrupted" : "terminated") + ", stopping");
      drain.count() > 0 ? server.stop_gracefully(drain) : server.stop();
    });
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  ~StopOnSignal() {
    // The server stopped on its own: wake the waiting thread so it can end.
    finished_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

 private:
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace strata::cli
