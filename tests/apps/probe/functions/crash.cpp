// GET /crash: the process dies in the middle of an invocation, as a segfault or an
// out-of-memory kill would end it.
#include <cstdlib>

#include <strata/strata.hpp>

namespace {

strata::Response crash(const strata::Request&, strata::Context&) { std::abort(); }

const strata::Register kCrash{"crash", crash};

}  // namespace
