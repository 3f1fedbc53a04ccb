#pragma once
// Functions that take Lambda's event as it comes, not as an API Gateway request:
// the built-ins behind a deployed stack's plumbing (`__migrate`, the migration
// custom resource). Their names start with "__" so they never clash with an app's.
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace strata::lambda {

struct EventInvocation {
  std::string request_id;
  std::chrono::system_clock::time_point deadline;
};

struct EventResult {
  std::string payload;  // JSON, the invocation's result
  // The process must not serve another invocation (work it gave up on is still running).
  bool exit_after = false;
};

using EventFunction = std::function<EventResult(std::string_view event, const EventInvocation& invocation)>;
// Makes the function once, at the runtime's start: what it throws is an init error.
using EventFunctionFactory = std::function<EventFunction()>;

// Thrown by an event function whose failure has a type of its own (Lambda's errorType),
// e.g. a Lambda authorizer's "Unauthorized". Other exceptions are typed by their C++ name.
class EventFunctionError : public std::runtime_error {
 public:
  EventFunctionError(const std::string& message, std::string type) : std::runtime_error(message), type_(std::move(type)) {}
  const std::string& type() const { return type_; }

 private:
  std::string type_;
};

void register_event_function(std::string name, EventFunctionFactory factory);
// The event function registered under `name`, or nullptr.
const EventFunctionFactory* find_event_function(std::string_view name);

// The database a deployed function uses: STRATA_DB, else the Data API from the
// variables the synthesized template sets (DB_CLUSTER_ARN, DB_SECRET_ARN, DB_NAME);
// empty when neither is set.
std::string configured_database_url();

}  // namespace strata::lambda
