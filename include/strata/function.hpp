#pragma once
// Registering a function by name, in its own .cpp:
//
//   strata::Response get_posts(const strata::Request& request, strata::Context& context) { ... }
//   static const strata::Register kGetPosts{"get_posts", get_posts};
//
// The registry is filled before main() and read-only after.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/context.hpp"
#include "strata/request.hpp"
#include "strata/response.hpp"

namespace strata {

using Function = std::function<Response(const Request&, Context&)>;

struct Register {
  Register(std::string name, Function function);
};

// The function registered under `name`, or nullptr.
const Function* find_function(std::string_view name);
// Every registered name, sorted.
std::vector<std::string> function_names();

// Runs a function as every face of the app does: an HttpError becomes its
// response; any other exception propagates to the caller.
Response invoke_function(const Function& function, const Request& request, Context& context);

}  // namespace strata
