#pragma once
// What the REST (1.0) and HTTP API (2.0) request builders fill alike: where the
// request came from, its body, and the requestContext fields both formats share.
#include <string>
#include <string_view>

#include "http/server.hpp"
#include "strata/request.hpp"

namespace strata::gateway {

struct RequestOrigin {
  std::string source_ip;
  std::string stage = "local";  // REST APIs only; an HTTP API's stage is "$default"
};

// requestContext.domainPrefix: the first label of a Host value without its port
// ("abc.execute-api.us-east-1.amazonaws.com" gives "abc", "localhost:3000" "localhost").
std::string domain_prefix(std::string_view host);

// Moves a non-empty body into request.body: as it is when `as_text`, else base64 with
// is_base64_encoded.
void take_body(std::string& body, bool as_text, Request& request);

// The requestContext fields of both formats: account, API id, domain, method, source IP,
// user agent, protocol, a new request id, the time, the route's template. Needs
// request.http_method and request.resource.
void fill_common_context(const http::Request& http_request, const RequestOrigin& origin, Request& request);

}  // namespace strata::gateway
