#pragma once
// The second argument of every function: who is running and what it may use.
#include <chrono>
#include <string>

#include "strata/db/client.hpp"

namespace strata {

class Context {
 public:
  using Clock = std::chrono::system_clock;

  Context(std::string request_id, std::string function_name, Clock::time_point deadline, db::Client& database)
      : request_id_(std::move(request_id)),
        function_name_(std::move(function_name)),
        deadline_(deadline),
        database_(database) {}

  const std::string& request_id() const { return request_id_; }
  const std::string& function_name() const { return function_name_; }
  Clock::time_point deadline() const { return deadline_; }
  // Time left before the invocation is cut off (never negative).
  std::chrono::milliseconds remaining_time() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
  }
  // The app's database; valid for this invocation only, on this thread only.
  db::Client& db() const { return database_; }

 private:
  std::string request_id_;
  std::string function_name_;
  Clock::time_point deadline_;
  db::Client& database_;
};

}  // namespace strata
