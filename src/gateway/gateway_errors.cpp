#include "gateway/gateway_errors.hpp"

namespace strata::gateway {

http::Response function_failed(ApiType api, bool in_lambda, unsigned version, bool keep_alive) {
  if (api == ApiType::kHttp) return http::json_error(500, "Internal Server Error", version, keep_alive);
  return http::json_error(in_lambda ? 502 : 500, "Internal server error", version, keep_alive);
}

http::Response function_timed_out(ApiType api, unsigned version, bool keep_alive) {
  if (api == ApiType::kHttp) return http::json_error(503, "Service Unavailable", version, keep_alive);
  return http::json_error(504, "Endpoint request timed out", version, keep_alive);
}

}  // namespace strata::gateway
