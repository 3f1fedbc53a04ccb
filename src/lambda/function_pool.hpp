#pragma once
// Warm processes of one function behind the Lambda Runtime API. Each process is
// the app binary started with the Lambda environment; it polls its own Runtime
// API endpoint (a loopback port of this process), so every event, response,
// crash and timeout is tied to exactly one process, as in a Lambda sandbox.
#include <sys/types.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "lambda/invocation.hpp"

namespace strata::lambda {

// How every process of the service is started.
struct ProcessLaunch {
  std::filesystem::path executable;  // the app binary
  std::filesystem::path directory;   // LAMBDA_TASK_ROOT and working directory
  std::string database_url;          // given as STRATA_DB
  std::string region = "us-east-1";
  std::vector<std::string> extra_environment;  // NAME=VALUE the deployed function would also get
  // The Runtime API servers' connections run on these event loops (serve's gateway), else
  // on a thread of each server's own.
  http::Server* event_loops = nullptr;
};

class FunctionPool {
 public:
  FunctionPool(FunctionSettings settings, ProcessLaunch launch);
  ~FunctionPool();
  FunctionPool(const FunctionPool&) = delete;
  FunctionPool& operator=(const FunctionPool&) = delete;

  // Starts the warm processes.
  void start();
  // Queues an invocation; `invocation.done` runs when it ends. Thread-safe.
  void invoke(Invocation invocation);
  // Kills timed-out invocations' processes; called periodically by the service.
  void enforce_timeouts();
  // Stops every process. Pending invocations end as crashes.
  void stop();

  const FunctionSettings& settings() const { return settings_; }

 private:
  struct Process;

  void handle_runtime_api(Process& process, http::Request&& request, http::Reply reply);
  void spawn_locked();
  void dispatch_locked(std::vector<std::pair<Invocation, InvokeResult>>& finished);
  void on_exit(Process& process, int status);
  static void finish(std::vector<std::pair<Invocation, InvokeResult>>& finished);

  FunctionSettings settings_;
  ProcessLaunch launch_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Process>> processes_;
  std::vector<std::unique_ptr<Process>> exited_;  // joined outside the lock
  std::deque<Invocation> queue_;
  std::chrono::steady_clock::time_point init_failed_at_{};
  bool stopping_ = false;
  int exiting_ = 0;  // on_exit calls between leaving processes_ and reaching exited_
  int next_process_number_ = 0;
};

}  // namespace strata::lambda
