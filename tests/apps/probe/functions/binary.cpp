// A binary body, sent base64-encoded in the proxy response as API Gateway expects.
#include <strata/strata.hpp>

namespace {

strata::Response binary(const strata::Request&, strata::Context&) {
  strata::Response response;
  response.headers.add("Content-Type", "application/octet-stream");
  response.body = "AAEC/w==";  // bytes 00 01 02 ff
  response.is_base64_encoded = true;
  return response;
}

const strata::Register kBinary{"binary", binary};

}  // namespace
