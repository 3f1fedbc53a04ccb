// Answers with the proxy event it received, as JSON: the one Lambda delivered with
// --lambda, the one the gateway would have sent in-process (Request::event()).
#include <strata/strata.hpp>

namespace {

strata::Response event(const strata::Request& request, strata::Context&) {
  return strata::Response::json(200, request.event());
}

const strata::Register kEvent{"event", event};

}  // namespace
