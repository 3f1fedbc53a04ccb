#pragma once
// One invocation of a function through the local Lambda service, and how it ended.
#include <chrono>
#include <functional>
#include <string>

namespace strata::lambda {

struct InvokeResult {
  enum class Kind {
    kSuccess,        // the runtime posted a response
    kFunctionError,  // the runtime posted an error (the function threw)
    kTimeout,        // the function ran past its timeout; its process was killed
    kCrash,          // the process died during the invocation
    kInitError,      // the function could not start
  };
  Kind kind = Kind::kSuccess;
  std::string payload;  // the response, or the error JSON
  std::string error_type;
};

struct Invocation {
  std::string request_id;
  std::string payload;  // the event
  // Called once, on a thread of the service, when the invocation ends.
  std::function<void(InvokeResult)> done;
};

// What the local Lambda service needs to know about one function.
struct FunctionSettings {
  std::string name;
  std::chrono::milliseconds timeout{3000};
  unsigned memory_mb = 128;
  unsigned warm = 1;            // processes started at once and kept
  unsigned max_processes = 4;   // more start on demand, up to this
};

}  // namespace strata::lambda
