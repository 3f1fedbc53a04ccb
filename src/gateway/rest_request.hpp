#pragma once
// Builds the Request a function sees from an HTTP request, with the fields of an
// API Gateway REST proxy event (payload format 1.0).
#include <string>

#include "gateway/common_request.hpp"
#include "gateway/router.hpp"
#include "http/server.hpp"
#include "strata/request.hpp"

namespace strata::gateway {

// Moves the body out of `http_request`.
Request build_rest_request(http::Request& http_request, RouteMatch&& match, const RequestOrigin& origin);

}  // namespace strata::gateway
