#include "strata/request.hpp"

#include "core/base64.hpp"
#include "strata/response.hpp"

namespace strata {

std::optional<std::string> Request::decoded_body() const {
  if (!body || !is_base64_encoded) return body;
  auto bytes = base64::decode(*body);
  if (!bytes) throw HttpError(400, "request body is marked base64 but is not valid base64");
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace strata
