#include "lambda/trace_id_environment.hpp"

#include <cstdlib>
#include <string>

namespace strata::lambda {
namespace {

constexpr std::string_view kName = "_X_AMZN_TRACE_ID";

}  // namespace

void set_trace_id_environment(std::string_view trace_id) {
  // putenv(3) puts these strings themselves in the environment: they live as long as
  // the process, past static destructors too.
  static auto* buffers = new std::string[2];
  static int current = 0;
  if (trace_id.empty()) {
    ::unsetenv(std::string(kName).c_str());
    return;
  }
  // The other buffer: the one in the environment now stays as it is.
  current ^= 1;
  std::string& entry = buffers[current];
  entry.assign(kName).append("=").append(trace_id);
  ::putenv(entry.data());
}

}  // namespace strata::lambda
