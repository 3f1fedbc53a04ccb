#pragma once
// The local Lambda service: a pool of warm processes per function, the way
// `serve --lambda` and `invoke` run functions.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lambda/function_pool.hpp"

namespace strata::lambda {

class LocalLambda {
 public:
  LocalLambda(const std::vector<FunctionSettings>& functions, const ProcessLaunch& launch);
  ~LocalLambda();

  // Starts each function's warm processes and the timeout watchdog.
  void start();
  // nullptr for a function the service does not run.
  FunctionPool* function(std::string_view name);
  void stop();

 private:
  std::map<std::string, std::unique_ptr<FunctionPool>, std::less<>> pools_;
  std::atomic<bool> running_{false};
  std::thread watchdog_;
};

}  // namespace strata::lambda
