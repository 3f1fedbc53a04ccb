#pragma once
// The second argument of every function: who is running and what it may use.
#include <chrono>
#include <string>

#include "strata/db/client.hpp"

namespace strata {

// What the Lambda service says about an invocation (empty when not set).
struct InvocationDetails {
  std::string invoked_function_arn;
  std::string trace_id;          // also exported as _X_AMZN_TRACE_ID
  std::string client_context;    // JSON, from mobile SDKs
  std::string cognito_identity;  // JSON
};

class Context {
 public:
  using Clock = std::chrono::system_clock;

  Context(std::string request_id, std::string function_name, Clock::time_point deadline, db::Client& database,
          InvocationDetails details = {})
      : request_id_(std::move(request_id)),
        function_name_(std::move(function_name)),
        deadline_(deadline),
        database_(database),
        details_(std::move(details)) {}

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
  const InvocationDetails& invocation() const { return details_; }

 private:
  std::string request_id_;
  std::string function_name_;
  Clock::time_point deadline_;
  db::Client& database_;
  InvocationDetails details_;
};

}  // namespace strata
