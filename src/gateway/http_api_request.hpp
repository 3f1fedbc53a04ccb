#pragma once
// Builds the Request a function sees from an HTTP request, with the fields of an
// API Gateway HTTP API event (payload format 2.0): lower-case header names with
// repeated values joined by commas, cookies apart from the headers, a route key,
// and the body base64-encoded unless its content type is text.
#include <string_view>

#include "gateway/common_request.hpp"
#include "gateway/router.hpp"
#include "http/server.hpp"
#include "strata/request.hpp"

namespace strata::gateway {

// Moves the body out of `http_request`. `method` is the route entry that matched.
Request build_http_api_request(http::Request& http_request, RouteMatch&& match, const RouteMethod& method,
                               const RequestOrigin& origin);

// Whether an HTTP API passes a body of this Content-Type as text (else base64):
// text/*, application/json, application/xml and application/javascript, as HTTP
// APIs do; a missing type and form encoding are not text.
bool is_text_content_type(std::string_view content_type);

}  // namespace strata::gateway
