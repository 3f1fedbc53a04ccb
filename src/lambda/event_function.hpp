#pragma once
// Functions that take Lambda's event as it comes, not as an API Gateway request:
// the built-ins behind a deployed stack's plumbing (`__migrate`, the migration
// custom resource). Their names start with "__" so they never clash with an app's.
#include <chrono>
#include <functional>
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

void register_event_function(std::string name, EventFunction function);
// The event function registered under `name`, or nullptr.
const EventFunction* find_event_function(std::string_view name);

// The database a deployed function uses: STRATA_DB, else the Data API from the
// variables the synthesized template sets (DB_CLUSTER_ARN, DB_SECRET_ARN, DB_NAME);
// empty when neither is set.
std::string configured_database_url();

}  // namespace strata::lambda
