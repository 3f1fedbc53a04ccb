#include "lambda/local_lambda.hpp"

#include <chrono>

namespace strata::lambda {

LocalLambda::LocalLambda(const std::vector<FunctionSettings>& functions, const ProcessLaunch& launch) {
  for (const FunctionSettings& settings : functions) {
    pools_.emplace(settings.name, std::make_unique<FunctionPool>(settings, launch));
  }
}

LocalLambda::~LocalLambda() { stop(); }

void LocalLambda::start() {
  for (auto& [name, pool] : pools_) pool->start();
  running_ = true;
  watchdog_ = std::thread([this] {
    while (running_) {
      for (auto& [name, pool] : pools_) pool->enforce_timeouts();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

FunctionPool* LocalLambda::function(std::string_view name) {
  auto found = pools_.find(name);
  return found == pools_.end() ? nullptr : found->second.get();
}

void LocalLambda::stop() {
  running_ = false;
  if (watchdog_.joinable()) watchdog_.join();
  for (auto& [name, pool] : pools_) pool->stop();
}

}  // namespace strata::lambda
