#pragma once
// _X_AMZN_TRACE_ID, which a Lambda runtime sets to each invocation's trace header
// (X-Ray's SDKs read it there).
#include <string_view>

namespace strata::lambda {

// Sets _X_AMZN_TRACE_ID to `trace_id`, or unsets it when empty. Not thread-safe (no
// change of the environment is); the runtime loop calls it before each invocation.
//
// setenv(3) cannot be used: glibc keeps every NAME=VALUE string it was ever given, so
// that pointers getenv returned stay valid, and a new trace ID per invocation made a
// warm process grow by the string and a search-tree node at every invocation, and
// each call search that tree. Two buffers of our own take turns instead: the value
// getenv returned stays intact until the invocation after the next one.
void set_trace_id_environment(std::string_view trace_id);

}  // namespace strata::lambda
