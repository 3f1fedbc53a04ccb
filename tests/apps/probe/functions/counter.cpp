// GET /counter: counts its invocations in a function-local static, so the count
// shows which invocations a warm process served (Lambda keeps such state on purpose).
#include <unistd.h>

#include <string>

#include <strata/strata.hpp>

namespace {

strata::Response counter(const strata::Request&, strata::Context&) {
  static long count = 0;
  ++count;
  return strata::Response::json(
      200, "{\"count\":" + std::to_string(count) + ",\"pid\":" + std::to_string(static_cast<long>(::getpid())) + "}");
}

const strata::Register kCounter{"counter", counter};

}  // namespace
