#pragma once
// The custom runtime: what the app binary does when Lambda (or `serve --lambda`)
// starts it with AWS_LAMBDA_RUNTIME_API set. Follows the Runtime API as AWS
// documents it: GET /next, POST /response or /error, /init/error before the first.
#include <string>

namespace strata::lambda {

// Runs the runtime loop for the function named by _HANDLER until the Runtime API
// goes away. Returns the process exit code.
int run_runtime(const std::string& runtime_api);

}  // namespace strata::lambda
