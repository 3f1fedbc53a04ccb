#pragma once
// What the gateway knows about a request beyond its HTTP text, shared by the
// REST (1.0) and HTTP API (2.0) request builders.
#include <string>
#include <string_view>

namespace strata::gateway {

struct RequestOrigin {
  std::string source_ip;
  std::string stage = "local";  // REST APIs only; an HTTP API's stage is "$default"
};

// requestContext.domainPrefix: the first label of a Host value without its port
// ("abc.execute-api.us-east-1.amazonaws.com" gives "abc", "localhost:3000" "localhost").
std::string domain_prefix(std::string_view host);

}  // namespace strata::gateway
