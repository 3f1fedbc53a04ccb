// Fails the way a buggy function does: an exception the function does not handle.
#include <stdexcept>

#include <strata/strata.hpp>

namespace {

strata::Response throws(const strata::Request&, strata::Context&) {
  throw std::runtime_error("deliberate failure for the test");
}

const strata::Register kThrows{"throws", throws};

}  // namespace
